// Command wxtill is a point-of-sale till for WeChat Pay (扫码收银台).
//
// main only wires: it reads the global flags, picks the subcommand, opens what that
// subcommand needs and hands over to the package whose job it is (see docs/ and DESIGN.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"wxtill/payment"
	"wxtill/payment/sandbox"
	"wxtill/pos"
	"wxtill/storage"
	"wxtill/ui"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// globals are the flags that come before the subcommand.
type globals struct {
	config string // merchant config file (TOML)
	data   string // ledger and backups
	lang   string // zh-CN or en
}

type command struct {
	name    string
	summary string
	run     func(g globals, args []string) int
}

// commands lists the subcommands in the order --help shows them.
var commands = []command{
	{"sandbox", "run the WeChat Pay APIv3 simulator / 运行微信支付模拟服务", cmdSandbox},
	{"charge", "take one payment from the terminal / 在终端收一笔款", cmdCharge},
	{"recover", "settle every unfinished sale now / 立即核对所有未完成的交易", cmdRecover},
	{"report", "print totals for a day or range / 打印日报或区间汇总", cmdReport},
	{"doctor", "check config, keys, clock and the API / 检查配置、密钥、时钟和接口", cmdDoctor},
	{"version", "print the version / 显示版本", cmdVersion},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses the global flags and dispatches; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	g := globals{config: defaultConfigPath(), data: defaultDataDir(), lang: os.Getenv("WXTILL_LANG")}
	fs := flag.NewFlagSet("wxtill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.config, "config", g.config, "merchant config `FILE` (TOML)")
	fs.StringVar(&g.data, "data", g.data, "data `DIR` for the ledger and backups")
	fs.StringVar(&g.lang, "lang", g.lang, "interface language: zh-CN (default) or en")
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, stdout)
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		return runGUI(g, stderr)
	}
	name := fs.Arg(0)
	for _, c := range commands {
		if c.name == name {
			return c.run(g, fs.Args()[1:])
		}
	}
	if name == "help" {
		usage(fs, stdout)
		return 0
	}
	fmt.Fprintf(stderr, "wxtill: unknown command %q / 未知命令; see wxtill --help\n", name)
	return 2
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "wxtill — 扫码收银台, a WeChat Pay point-of-sale till")
	fmt.Fprintln(w, "\nUsage: wxtill [global flags] [command] [flags]")
	fmt.Fprintln(w, "With no command, the till's window opens (demo mode on the built-in sandbox when no merchant config exists).")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'wxtill COMMAND --help' for a command's flags.")
}

func runGUI(g globals, stderr io.Writer) int {
	a := app.NewWithID("cn.wxtill.till")
	// SIGTERM (shutdown, a service manager) and Ctrl-C close the window like a person would.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sig)
	go func() {
		<-sig
		fyne.Do(a.Quit)
	}()
	t, err := openTill(g, stderr)
	var opt ui.Options
	if err == nil {
		defer t.close()
		opt, err = guiOptions(g, t)
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxtill:", err)
		ui.ShowStartError(a, g.lang, err)
		return 1
	}
	if err := ui.Run(a, opt); err != nil {
		fmt.Fprintln(stderr, "wxtill:", err)
		return 1
	}
	return 0
}

// guiOptions hands the window what it runs on.
func guiOptions(g globals, t *till) (ui.Options, error) {
	products, err := t.ledger.Products()
	if err != nil {
		return ui.Options{}, fmt.Errorf("商品目录无法读取 / cannot read the catalog: %w", err)
	}
	opt := ui.Options{Lang: g.lang, StoreName: t.cfg.Store.Name, TillID: t.cfg.Store.TillID,
		Products: products, Checkout: t.co, Settings: t.ledger, ReceiptDir: filepath.Join(g.data, "receipts")}
	if t.sandbox != nil {
		opt.Demo, opt.Simulator, opt.CustomerPage = true, t.sandbox, t.sandbox.URL()+"/"
		opt.TestCodes = []ui.TestCode{
			{Code: sandbox.CodePayNow, Label: "立即成功 / pays at once"},
			{Code: sandbox.CodeUserPaying, Label: "需输入密码 / asks for the password"},
			{Code: sandbox.CodeNotEnough, Label: "余额不足 / balance too low"},
		}
		if len(opt.Products) == 0 {
			opt.Products = pos.SampleProducts()
		}
	}
	return opt, nil
}

// till is what the window, charge and recover run on: the ledger, WeChat Pay (the
// merchant's config, or the embedded sandbox in demo mode when there is none) and the
// checkout over them.
type till struct {
	ledger  *storage.Ledger
	cfg     *payment.Config
	co      *pos.Checkout
	sandbox *sandbox.Server // demo mode only
	closers []func()        // last opened first
}

func (t *till) close() {
	for i := len(t.closers) - 1; i >= 0; i-- {
		t.closers[i]()
	}
}

func openTill(g globals, logw io.Writer) (*till, error) {
	t := &till{}
	if err := t.open(g, logw); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

func (t *till) open(g globals, logw io.Writer) error {
	ledger, err := storage.Open(storage.Path(g.data), storage.Options{})
	if err != nil {
		return fmt.Errorf("账本无法打开 / cannot open the ledger: %w", err)
	}
	t.ledger = ledger
	t.closers = append(t.closers, func() { ledger.Close() })
	if t.cfg, err = t.loadConfig(g, logw); err != nil {
		return err
	}
	for _, w := range t.cfg.Warnings() {
		fmt.Fprintln(logw, "wxtill: 警告 / warning:", w)
	}
	gw, err := payment.NewGateway(context.Background(), t.cfg)
	if err != nil {
		return fmt.Errorf("无法连接微信支付 / cannot set up WeChat Pay (run wxtill doctor): %w", err)
	}
	t.closers = append(t.closers, func() { gw.Stop() })
	t.co, err = pos.NewCheckout(pos.Config{Gateway: gw, Ledger: ledger, TillID: t.cfg.Store.TillID,
		Shop: t.cfg.Store.Name, OrderTTL: gw.OrderExpiry()})
	return err
}

// loadConfig loads the merchant's config when the file exists; otherwise it starts the
// embedded sandbox (demo mode: no real money) and loads the config written for it.
func (t *till) loadConfig(g globals, logw io.Writer) (*payment.Config, error) {
	if _, err := os.Stat(g.config); err == nil {
		return payment.LoadConfig(g.config)
	}
	dir := filepath.Join(g.data, "sandbox")
	sb, err := sandbox.New(sandbox.Options{StateDir: dir})
	if err == nil {
		err = sb.Start("127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("演示模式无法启动 / demo sandbox: %w", err)
	}
	t.sandbox = sb
	t.closers = append(t.closers, func() { sb.Close() })
	path := filepath.Join(dir, "config.toml")
	if err := sb.WriteConfig(path, true); err != nil {
		return nil, fmt.Errorf("演示模式无法启动 / demo sandbox: %w", err)
	}
	fmt.Fprintf(logw, "wxtill: 没有配置文件 %s：演示模式，不会产生真实交易 / no config file: demo mode, no real money: sandbox %s, 顾客手机页面 customer page %s/\n", g.config, sb.URL(), sb.URL())
	return payment.LoadConfig(path)
}

// subcommand makes the flag set of a subcommand, with --help text and the usual exits.
func subcommand(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("wxtill "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: wxtill %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseSub parses a subcommand's flags; it returns an exit status and false when the
// command should stop (help asked for: 0; bad flags: 2).
func parseSub(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

func cmdSandbox(g globals, args []string) int {
	fs := subcommand("sandbox", "sandbox [--addr 127.0.0.1:8700] [--write-config FILE] [--public-key=true|false] [--state DIR] [--allow-remote]")
	var cfg sandbox.RunConfig
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8700", "listen on `HOST:PORT` (loopback unless --allow-remote)")
	fs.StringVar(&cfg.WriteConfig, "write-config", "", "write a wxtill client config for the sandbox to `FILE`")
	fs.BoolVar(&cfg.PublicKey, "public-key", true, "WeChat Pay public-key mode; false: platform-certificate mode")
	fs.StringVar(&cfg.StateDir, "state", filepath.Join(g.data, "sandbox"), "keep the sandbox's keys in `DIR`")
	fs.BoolVar(&cfg.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (anyone reaching it can pay orders)")
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "wxtill sandbox: unexpected argument %q / 多余的参数\n", fs.Arg(0))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := sandbox.Run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wxtill sandbox:", err)
		return 1
	}
	return 0
}

func cmdCharge(g globals, args []string) int {
	fs := subcommand("charge", "charge --amount 12.50 [--description TEXT] [--wait 3m] [--json]")
	amount := fs.String("amount", "", "amount to charge, e.g. 12.50 / 收款金额")
	desc := fs.String("description", "", "what the customer sees in WeChat / 商品描述")
	wait := fs.Duration("wait", 0, "close the order if unpaid after this long (0: when it expires) / 最长等待")
	asJSON := fs.Bool("json", false, "print one JSON object a line / 每行输出一个 JSON 对象")
	refund := fs.String("refund", "", "refund this `AMOUNT` right after the payment (training, tests) / 付款后立即退款")
	usage := fs.Usage
	fs.Usage = func() { usage(); fmt.Fprint(fs.Output(), pos.ChargeExitHelp) }
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	opt := pos.ChargeOptions{Description: *desc, Wait: *wait, JSON: *asJSON}
	var err error
	if opt.Amount, err = pos.ParseAmount(*amount, 0); err != nil {
		fmt.Fprintf(os.Stderr, "wxtill charge: --amount %q: %v\n", *amount, err)
		return 2
	}
	if *refund != "" {
		if opt.Refund, err = pos.ParseAmount(*refund, opt.Amount); err != nil {
			fmt.Fprintf(os.Stderr, "wxtill charge: --refund %q: %v\n", *refund, err)
			return 2
		}
	}
	pos.ArmFailpointFromEnv() // crash tests only (docs/CHECKOUT.md)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	till, err := openTill(g, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wxtill charge:", err)
		return pos.ExitError
	}
	defer till.close()
	if till.sandbox != nil {
		opt.DemoPage = till.sandbox.URL() + "/"
	}
	return pos.RunCharge(ctx, till.co, opt, os.Stdout)
}

func cmdRecover(g globals, args []string) int {
	fs := subcommand("recover", "recover [--json]")
	asJSON := fs.Bool("json", false, "print one JSON object a line / 每行输出一个 JSON 对象")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(fs.Output(), pos.RecoverExitHelp)
	}
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	pos.ArmFailpointFromEnv() // crash tests only (docs/CHECKOUT.md)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	till, err := openTill(g, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wxtill recover:", err)
		return pos.ExitError
	}
	defer till.close()
	return pos.RunRecover(ctx, till.co, pos.RecoverOptions{JSON: *asJSON}, os.Stdout)
}

func cmdReport(g globals, args []string) int {
	fs := subcommand("report", "report [--date YYYY-MM-DD] [--from D --to D] [--json] [--check] [--backup FILE]")
	a := storage.ReportArgs{Ledger: storage.Path(g.data)}
	fs.StringVar(&a.Date, "date", "", "one `day` YYYY-MM-DD (default today)")
	fs.StringVar(&a.From, "from", "", "first `day` of a range, inclusive")
	fs.StringVar(&a.To, "to", "", "last `day` of a range, inclusive (default today)")
	fs.BoolVar(&a.JSON, "json", false, "print one JSON object for scripts (fen as integers, yuan as strings)")
	fs.BoolVar(&a.Check, "check", false, "verify the totals and indexes against the sales; exit 1 on differences")
	fs.StringVar(&a.Backup, "backup", "", "write a consistent copy of the ledger to `FILE`")
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "wxtill report: unexpected argument %q / 多余的参数\n", fs.Arg(0))
		return 2
	}
	return storage.RunReport(a, os.Stdout, os.Stderr)
}

func cmdDoctor(g globals, args []string) int {
	fs := subcommand("doctor", "doctor [--within 1m]")
	within := fs.Duration("within", time.Minute, "give up on all checks after `DURATION` / 总时限")
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), *within)
	defer cancel()
	if !payment.Doctor(ctx, g.config, os.Stdout) {
		return 1
	}
	return 0
}

func cmdVersion(g globals, args []string) int {
	fs := subcommand("version", "version")
	if code, ok := parseSub(fs, args); !ok {
		return code
	}
	fmt.Println("wxtill", version)
	return 0
}

func defaultConfigPath() string {
	return filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "wxtill", "config.toml")
}

func defaultDataDir() string {
	return filepath.Join(xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share")), "wxtill")
}

// xdgDir follows the XDG base directory spec: the variable if it holds an absolute path,
// else the fallback under $HOME.
func xdgDir(env, fallback string) string {
	if d := os.Getenv(env); strings.HasPrefix(d, "/") {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, fallback)
}
