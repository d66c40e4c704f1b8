package payment

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/downloader"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/services/refunddomestic"

	"wxtill/pos"
)

// Gateway is WeChat Pay through wechatpay-go. It implements pos.Gateway; every error it
// returns from a call is a *pos.GatewayError.
type Gateway struct {
	cfg        *Config
	client     *core.Client // signs requests and verifies replies
	billClient *core.Client // signs requests, verifies nothing: bill files are unsigned
	native     *native.NativeApiService
	refunds    *refunddomestic.RefundsApiService
	verifier   auth.Verifier                        // what replies are checked with
	certs      *downloader.CertificateDownloaderMgr // platform-certificate mode only
	httpc      []*http.Client
	now        func() time.Time

	notifyOnce  sync.Once
	notify      *notify.Handler
	notifyErr   error
	mu          sync.Mutex                           // guards notifyCerts
	notifyCerts *downloader.CertificateDownloaderMgr // public-key mode: old-style notifications

	certMu     sync.Mutex // guards certsReady; held during a certificate download
	certsReady bool
}

var _ pos.Gateway = (*Gateway)(nil)

// NewGateway connects to WeChat Pay as c says. In platform-certificate mode it downloads
// the certificates at once, so a wrong APIv3 key or key pair is an error here; when only
// the network is down it returns a gateway anyway, whose calls try the download again
// first (a till must start, and take cash, without the network). The certificates are
// refreshed daily until Stop.
func NewGateway(ctx context.Context, c *Config) (*Gateway, error) {
	if c == nil || c.secrets == nil || c.base == nil {
		return nil, errors.New("payment: config not loaded: use LoadConfig")
	}
	apiHTTP := newHTTPClient(c.base, c.WeChatPay.Timeout, maxAPIResponse)
	// A bill file is bigger than an answer: give it more time and room.
	billHTTP := newHTTPClient(c.base, 6*c.WeChatPay.Timeout, maxBillResponse)
	g := &Gateway{cfg: c, httpc: []*http.Client{apiHTTP, billHTTP}, now: time.Now}

	s := c.secrets
	var authOpt core.ClientOption
	if c.PublicKeyMode() {
		authOpt = option.WithWechatPayPublicKeyAuthCipher(c.Merchant.MchID, c.Merchant.CertSerial,
			s.privateKey, c.WeChatPay.PublicKeyID, s.publicKey)
		g.verifier = verifiers.NewSHA256WithRSAPubkeyVerifier(c.WeChatPay.PublicKeyID, *s.publicKey)
	} else {
		// The manager's refresh runs for the gateway's life, not the caller's ctx.
		g.certs = downloader.NewCertificateDownloaderMgr(context.Background())
		authOpt = option.WithWechatPayAutoAuthCipherUsingDownloaderMgr(c.Merchant.MchID, c.Merchant.CertSerial,
			s.privateKey, g.certs)
		g.verifier = verifiers.NewSHA256WithRSAVerifier(g.certs.GetCertificateVisitor(c.Merchant.MchID))
	}
	var err error
	g.client, err = core.NewClient(ctx, authOpt, option.WithHTTPClient(apiHTTP), markSignatureErrors{})
	if err == nil {
		g.billClient, err = core.NewClient(ctx,
			option.WithMerchantCredential(c.Merchant.MchID, c.Merchant.CertSerial, s.privateKey),
			option.WithoutValidator(), option.WithHTTPClient(billHTTP))
	}
	if err == nil {
		if err = g.ready(ctx); pos.ClassOf(err) == pos.ClassRetry {
			err = nil // the network: the next call tries again
		}
	}
	if err != nil {
		g.Stop()
		return nil, err
	}
	g.native = &native.NativeApiService{Client: g.client}
	g.refunds = &refunddomestic.RefundsApiService{Client: g.client}
	return g, nil
}

// ready makes sure the platform certificates are there (certificate mode), downloading
// them if the last try failed. Every call starts with it.
func (g *Gateway) ready(ctx context.Context) error {
	if g.certs == nil {
		return nil
	}
	g.certMu.Lock()
	defer g.certMu.Unlock()
	if g.certsReady {
		return nil
	}
	if err := registerCertificates(ctx, g.cfg, g.httpc[0], g.certs); err != nil {
		return err
	}
	g.certsReady = true
	return nil
}

// startCertificates makes a certificate manager and downloads into it.
func startCertificates(ctx context.Context, c *Config, httpc *http.Client) (*downloader.CertificateDownloaderMgr, error) {
	mgr := downloader.NewCertificateDownloaderMgr(context.Background())
	if err := registerCertificates(ctx, c, httpc, mgr); err != nil {
		mgr.Stop()
		return nil, err
	}
	return mgr, nil
}

// registerCertificates downloads the platform certificates through our own HTTP client.
// The SDK's WithWechatPayAutoAuthCipher would download through a client of its own,
// which knows nothing of api_base_url, and its process-wide manager keeps the first
// downloader registered for a mchid; a manager per gateway avoids both.
func registerCertificates(ctx context.Context, c *Config, httpc *http.Client, mgr *downloader.CertificateDownloaderMgr) error {
	dl, err := core.NewClient(ctx,
		option.WithMerchantCredential(c.Merchant.MchID, c.Merchant.CertSerial, c.secrets.privateKey),
		option.WithoutValidator(), option.WithHTTPClient(httpc))
	if err != nil {
		return err
	}
	if err := mgr.RegisterDownloaderWithClient(ctx, dl, c.Merchant.MchID, c.secrets.apiv3Key); err != nil {
		return certificateError(err)
	}
	return nil
}

// certificateError explains a failed certificate download. The SDK reports a failed
// decryption (wrong APIv3 key) and an empty list only as text.
func certificateError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "decrypt downloaded certificate"):
		return &pos.GatewayError{Class: pos.ClassRejected, Code: "APIV3_KEY_MISMATCH",
			Message: "平台证书无法用 APIv3 密钥解密：密钥不对 / the platform certificates do not decrypt with the APIv3 key: wrong key",
			Err:     errors.New("AES-GCM authentication failed")}
	case strings.Contains(msg, "no certificate downloaded"):
		return &pos.GatewayError{Class: pos.ClassRejected, Code: "NO_CERTIFICATE",
			Message: "没有可下载的平台证书：请改用微信支付公钥模式 / no platform certificate to download: use WeChat Pay public-key mode",
			Err:     err}
	}
	return classify(err, nil)
}

// Stop ends the gateway's background work (the daily certificate refresh) and drops
// idle connections. (Close is WeChat's close-order call.)
func (g *Gateway) Stop() error {
	if g.certs != nil {
		g.certs.Stop()
	}
	g.mu.Lock()
	if g.notifyCerts != nil {
		g.notifyCerts.Stop()
		g.notifyCerts = nil
	}
	g.mu.Unlock()
	for _, c := range g.httpc {
		c.CloseIdleConnections()
	}
	return nil
}

// Config is the config the gateway runs on.
func (g *Gateway) Config() *Config { return g.cfg }

// OrderExpiry is how long a Native order stays payable ([store] order_expiry).
func (g *Gateway) OrderExpiry() time.Duration { return g.cfg.Store.OrderExpiry }

// markSignatureErrors is a client option that wraps the validator the other options
// chose, so a reply that fails verification is told apart from one that fails to decode.
type markSignatureErrors struct{}

func (markSignatureErrors) Apply(s *core.DialSettings) error {
	if s.Validator != nil {
		s.Validator = &markingValidator{inner: s.Validator}
	}
	return nil
}

type markingValidator struct{ inner auth.Validator }

func (v *markingValidator) Validate(ctx context.Context, resp *http.Response) error {
	if err := v.inner.Validate(ctx, resp); err != nil {
		return &signatureError{err: err}
	}
	return nil
}

func (v *markingValidator) GetAcceptSerial(ctx context.Context) (string, error) {
	return v.inner.GetAcceptSerial(ctx)
}
