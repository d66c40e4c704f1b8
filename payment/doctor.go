package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/consts"

	"wxtill/pos"
)

// maxClockSkew is how far WeChat lets a request's timestamp stray from its clock.
const maxClockSkew = 5 * time.Minute

// clockWarnSkew is where a drifting clock is worth a word before it breaks anything.
const clockWarnSkew = time.Minute

// Doctor checks a till's WeChat Pay setup — the config, the key files, the clock, the
// platform certificates or public key, a signed call and the verification of a signed
// reply — and prints a checklist with ✓/✗ and what to fix to out. It reports whether
// every check passed. Nothing it prints holds a secret.
func Doctor(ctx context.Context, configPath string, out io.Writer) bool {
	d := &doctor{out: out}
	fmt.Fprintf(out, "wxtill doctor — %s\n", configPath)
	d.run(ctx, configPath)
	if d.failed == 0 {
		fmt.Fprintln(out, "全部通过 / all checks passed")
		return true
	}
	fmt.Fprintf(out, "%d 项未通过 / %d check(s) failed\n", d.failed, d.failed)
	return false
}

type doctor struct {
	out    io.Writer
	failed int
}

func (d *doctor) pass(what, detail string) {
	fmt.Fprintf(d.out, "✓ %s: %s\n", what, detail)
}

func (d *doctor) fail(what, detail, fix string) {
	d.failed++
	fmt.Fprintf(d.out, "✗ %s: %s\n", what, detail)
	if fix != "" {
		fmt.Fprintf(d.out, "    → 修复 / fix: %s\n", fix)
	}
}

func (d *doctor) warn(msg string) { fmt.Fprintf(d.out, "! %s\n", msg) }

// skip marks the checks that cannot run after an earlier failure.
func (d *doctor) skip(whats ...string) {
	for _, w := range whats {
		fmt.Fprintf(d.out, "- %s: 跳过，先修复上面的问题 / skipped: fix the above first\n", w)
	}
}

const (
	checkConfig = "配置文件 / config"
	checkKeys   = "密钥文件 / key files"
	checkClock  = "时钟 / clock"
	checkTrust  = "平台证书或公钥 / platform certificates or public key"
	checkAPI    = "接口 / API"
	checkReply  = "应答验签 / reply signatures"
	checkAPIv3  = "APIv3 密钥 / APIv3 key"
)

func (d *doctor) run(ctx context.Context, path string) {
	cfg, err := parseConfig(path)
	if err != nil {
		d.failProblems(checkConfig, err)
		d.skip(checkKeys, checkClock, checkTrust, checkAPI, checkReply)
		return
	}
	d.pass(checkConfig, describeConfig(cfg))
	if err := cfg.loadKeys(); err != nil {
		d.failProblems(checkKeys, err)
		d.skip(checkClock, checkTrust, checkAPI, checkReply)
		return
	}
	d.pass(checkKeys, describeKeys(cfg))
	for _, w := range cfg.Warnings() {
		d.warn(w)
	}
	d.checkClock(ctx, cfg)
	g, err := NewGateway(ctx, cfg)
	if err == nil {
		defer g.Stop()
		err = g.ready(ctx) // NewGateway lets a network failure pass; the doctor does not
	}
	if err != nil {
		d.failTrust(err)
		d.skip(checkAPI, checkReply)
		return
	}
	d.pass(checkTrust, describeTrust(ctx, g))
	if cfg.PublicKeyMode() {
		d.checkAPIv3Key(ctx, cfg)
	}
	if d.checkAPI(ctx, g) {
		d.checkReply(ctx, g)
	} else {
		d.skip(checkReply)
	}
}

func (d *doctor) failProblems(what string, err error) {
	var ce *ConfigError
	if !errors.As(err, &ce) {
		d.fail(what, err.Error(), "")
		return
	}
	d.failed++
	fmt.Fprintf(d.out, "✗ %s: %s\n", what, ce.Path)
	for _, p := range ce.Problems {
		fmt.Fprintf(d.out, "    %s\n", strings.ReplaceAll(p.String(), "\n    → ", "\n    → 修复 / fix: "))
	}
}

func describeConfig(c *Config) string {
	mode := "平台证书模式 / platform-certificate mode"
	if c.PublicKeyMode() {
		mode = "公钥模式 / public-key mode (" + c.WeChatPay.PublicKeyID + ")"
	}
	return fmt.Sprintf("%s — mchid %s, appid %s, %s, %s", c.Path, c.Merchant.MchID, c.Merchant.AppID, mode, c.WeChatPay.APIBaseURL)
}

func describeKeys(c *Config) string {
	s := fmt.Sprintf("私钥 / private key %s (RSA %d), APIv3 密钥 / key from %s",
		c.Merchant.PrivateKeyFile, c.secrets.privateKey.N.BitLen(), c.secrets.apiv3Source)
	if c.PublicKeyMode() {
		s += ", 公钥 / public key " + c.WeChatPay.PublicKeyFile
	}
	return s
}

// checkClock compares the local clock with the Date header of an unsigned request.
func (d *doctor) checkClock(ctx context.Context, c *Config) {
	client := &http.Client{Timeout: c.WeChatPay.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.WeChatPay.APIBaseURL+"/v3/certificates", nil)
	if err != nil {
		d.fail(checkClock, err.Error(), "")
		return
	}
	before := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		d.fail(checkClock, "无法连接 / cannot reach "+c.WeChatPay.APIBaseURL+": "+rootCause(err), fixNetwork)
		return
	}
	resp.Body.Close()
	local := before.Add(time.Since(before) / 2)
	server, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		d.fail(checkClock, "服务器应答没有 Date 头，无法比对 / the server's reply has no Date header to compare with", "")
		return
	}
	skew := local.Sub(server).Round(time.Second)
	switch {
	case skew >= maxClockSkew || skew <= -maxClockSkew:
		d.fail(checkClock, fmt.Sprintf("本机时间与服务器相差 %s，微信支付拒绝超过 5 分钟的请求 / this machine is %s off the server; WeChat Pay refuses requests more than 5 minutes off", skew, skew),
			"开启自动对时（timedatectl set-ntp true）/ turn on network time (timedatectl set-ntp true)")
	case skew >= clockWarnSkew || skew <= -clockWarnSkew:
		d.pass(checkClock, fmt.Sprintf("相差 / off by %s", skew))
		d.warn("时钟偏差超过 1 分钟，请开启自动对时 / clock more than a minute off: turn on network time")
	default:
		d.pass(checkClock, fmt.Sprintf("相差 / off by %s", skew))
	}
}

const fixNetwork = "检查网络、代理和防火墙，以及 api_base_url / check the network, proxy and firewall, and api_base_url"

// rootCause strips the wrapping of a transport error down to its innermost message.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

func (d *doctor) failTrust(err error) {
	code, msg := pos.CodeOf(err), messageOf(err)
	if msg == "" {
		msg = err.Error()
	}
	detail := strings.TrimSpace(code + " " + msg)
	d.fail(checkTrust, "无法下载平台证书 / cannot download the platform certificates: "+detail, fixFor401(err))
}

// fixFor401 says what to do about a failed signed call, by what WeChat said.
func fixFor401(err error) string {
	switch code := pos.CodeOf(err); {
	case code == CodeNetwork || code == CodeTimeout:
		return fixNetwork
	case code == "APIV3_KEY_MISMATCH":
		return "APIv3 密钥不对：在商户平台「API安全」重新设置并写入密钥文件 / wrong APIv3 key: set it again in the merchant platform (API安全) and write it into the key file"
	case code == "NO_CERTIFICATE":
		return "填写 public_key_id 与 public_key_file 改用公钥模式 / set public_key_id and public_key_file to use public-key mode"
	case code == "SIGN_ERROR" || code == "HTTP_401" || code == "INVALID_SIGNATURE" || code == "UNAUTHORIZED":
		return "签名被拒：cert_serial 须是该私钥对应的商户API证书序列号，mchid 须正确 / signature refused: cert_serial must be the serial of the merchant API certificate of this private key, and mchid must be right (openssl x509 -in apiclient_cert.pem -noout -serial)"
	case pos.ClassOf(err) == pos.ClassRetry:
		return "稍后重试 / try again later"
	}
	return "按微信支付的错误说明修正配置 / fix the config as WeChat Pay's message says"
}

func describeTrust(ctx context.Context, g *Gateway) string {
	if g.cfg.PublicKeyMode() {
		return "微信支付公钥已载入 / WeChat Pay public key loaded: " + g.cfg.WeChatPay.PublicKeyID
	}
	certs := g.certs.GetCertificateMap(ctx, g.cfg.Merchant.MchID)
	serials := make([]string, 0, len(certs))
	for serial, cert := range certs {
		serials = append(serials, fmt.Sprintf("%s (至 / until %s)", serial, cert.NotAfter.Format("2006-01-02")))
	}
	sort.Strings(serials)
	return fmt.Sprintf("已下载 %d 张平台证书 / downloaded %d platform certificate(s): %s", len(certs), len(certs), strings.Join(serials, ", "))
}

// checkAPIv3Key tries the APIv3 key in public-key mode, where nothing else needs it
// before the first notification: on the platform certificates, when the server has any.
func (d *doctor) checkAPIv3Key(ctx context.Context, c *Config) {
	mgr, err := startCertificates(ctx, c, newHTTPClient(c.base, c.WeChatPay.Timeout, maxAPIResponse))
	switch {
	case err == nil:
		mgr.Stop()
		d.pass(checkAPIv3, "能解密平台证书 / decrypts the platform certificates")
	case pos.CodeOf(err) == "APIV3_KEY_MISMATCH":
		d.fail(checkAPIv3, messageOf(err), fixFor401(err))
	case pos.CodeOf(err) == "NO_CERTIFICATE" || pos.ClassOf(err) == pos.ClassNotFound:
		d.pass(checkAPIv3, "长度正确；服务器无平台证书可供核对 / right length; the server has no platform certificates to try it on")
	default:
		fmt.Fprintf(d.out, "- %s: 未能核对 / not tried (%s)\n", checkAPIv3, pos.CodeOf(err))
	}
}

// checkAPI makes a cheap signed call: the query of an order that cannot exist. The
// order-not-found answer proves the request reached WeChat and its signature was accepted.
func (d *doctor) checkAPI(ctx context.Context, g *Gateway) bool {
	no := doctorTradeNo()
	_, err := g.Query(ctx, no)
	switch {
	case err == nil:
		d.pass(checkAPI, "签名请求被接受 / signed request accepted")
	case pos.ClassOf(err) == pos.ClassNotFound:
		d.pass(checkAPI, fmt.Sprintf("签名请求被接受（查询不存在的订单 %s 得到 %s，符合预期）/ signed request accepted (%s for order %s, as expected)",
			no, pos.CodeOf(err), pos.CodeOf(err), no))
	default:
		d.fail(checkAPI, "查询订单失败 / order query failed: "+err.Error(), fixFor401(err))
		return false
	}
	return true
}

func doctorTradeNo() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "WXTILLDOCTOR" + strings.ToUpper(hex.EncodeToString(b))
}

// checkReply fetches a signed reply (the certificate list) and verifies it with the
// configured public key or the downloaded certificates.
func (d *doctor) checkReply(ctx context.Context, g *Gateway) {
	result, err := g.client.Get(ctx, consts.WechatPayAPIServer+"/v3/certificates")
	serial := ""
	if result != nil && result.Response != nil {
		serial = result.Response.Header.Get("Wechatpay-Serial")
	}
	switch err := classify(err, result); {
	case err == nil:
		d.pass(checkReply, "应答签名已验证 / a signed reply verified with "+serial)
	case pos.CodeOf(err) == CodeBadSignature:
		d.fail(checkReply, fmt.Sprintf("应答签名（%s）无法验证 / the reply's signature (by %s) does not verify", serial, serial),
			"公钥模式：核对 public_key_id 与 pub_key.pem 是否来自同一商户号；并检查时钟 / public-key mode: check public_key_id and pub_key.pem belong to this merchant; and check the clock")
	case pos.ClassOf(err) == pos.ClassRetry:
		d.fail(checkReply, err.Error(), fixFor401(err))
	default:
		d.pass(checkReply, "公钥已载入；服务器未给出可核对的签名应答 / key loaded; the server gave no signed reply to check it against ("+pos.CodeOf(err)+")")
	}
}
