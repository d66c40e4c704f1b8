package sandbox

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
)

// RunConfig is what `wxtill sandbox` asks for.
type RunConfig struct {
	Addr        string // listen address, e.g. 127.0.0.1:8700
	StateDir    string // keys live here
	WriteConfig string // "" = write no client config
	PublicKey   bool   // config and default signatures in public-key mode (else platform certificate)
	AllowRemote bool   // allow a non-loopback Addr
}

// CheckAddr refuses an address other machines could reach unless allowRemote: the
// sandbox pays anything for anyone who can reach its control endpoints.
func CheckAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("监听地址格式错误 / bad listen address %q: want HOST:PORT, e.g. 127.0.0.1:8700", addr)
	}
	if allowRemote || isLoopbackHost(host) {
		return nil
	}
	return fmt.Errorf("拒绝在非回环地址 %q 上监听 / refusing to listen on non-loopback address %q: "+
		"anyone who reaches it can pay orders; add --allow-remote if that is what you want", addr, addr)
}

// Run serves the sandbox until ctx ends, then shuts it down. It prints (in Chinese and
// English) where it listens, the customer-phone page and the config it wrote.
func Run(ctx context.Context, cfg RunConfig, out io.Writer) error {
	if err := CheckAddr(cfg.Addr, cfg.AllowRemote); err != nil {
		return err
	}
	srv, err := New(Options{
		StateDir:            cfg.StateDir,
		SignWithCertificate: !cfg.PublicKey,
		Logf:                func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) },
	})
	if err != nil {
		return err
	}
	if err := srv.Start(cfg.Addr); err != nil {
		return err
	}
	defer srv.Close()
	mode := "平台证书 / platform certificate"
	if cfg.PublicKey {
		mode = "微信支付公钥 / WeChat Pay public key"
	}
	fmt.Fprintf(out, "微信支付沙箱已启动（无真实资金）/ WeChat Pay sandbox running (no real money)\n")
	fmt.Fprintf(out, "  接口 / API:               %s\n", srv.URL())
	fmt.Fprintf(out, "  顾客手机页 / phone page:  %s/\n", srv.URL())
	fmt.Fprintf(out, "  验签方式 / signatures:    %s\n", mode)
	fmt.Fprintf(out, "  密钥目录 / keys in:       %s\n", cfg.StateDir)
	if cfg.WriteConfig != "" {
		if err := srv.WriteConfig(cfg.WriteConfig, cfg.PublicKey); err != nil {
			return err
		}
		fmt.Fprintf(out, "  客户端配置 / config:      %s\n", cfg.WriteConfig)
		fmt.Fprintf(out, "  使用 / use:  wxtill --config %s\n", shellQuote(cfg.WriteConfig))
	}
	fmt.Fprintf(out, "按 Ctrl+C 停止 / press Ctrl+C to stop\n")
	<-ctx.Done()
	fmt.Fprintf(out, "正在停止 / stopping\n")
	return srv.Close()
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\!*?;&|<>()") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
