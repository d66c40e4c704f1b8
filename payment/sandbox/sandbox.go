package sandbox

import (
	"errors"
	"net/http"
	"time"
)

// Options configure a sandbox server.
type Options struct {
	StateDir string                           // where keys live; "" = fresh keys in memory
	Clock    func() time.Time                 // nil = time.Now; moves business time (expiry, code_url, refunds, bills)
	Logf     func(format string, args ...any) // nil = silent
}

// Credentials are what a client needs to talk to the sandbox.
type Credentials struct {
	MchID, AppID          string
	MerchantCertSerial    string
	MerchantPrivateKeyPEM []byte // PKCS#8 "PRIVATE KEY" PEM, as apiclient_key.pem
	APIv3Key              string // 32 ASCII bytes
	PlatformCertSerial    string
	PlatformCertPEM       []byte
	PublicKeyID           string // "PUB_KEY_ID_..."
	PublicKeyPEM          []byte // WeChat Pay public key, PKIX "PUBLIC KEY" PEM
}

// Fault is an injected failure, applied to API requests (paths under /v3/).
type Fault struct {
	Kind  string        // "latency" | "systemerror" | "frequency_limited" | "drop" | "bad_signature"
	Rate  float64       // 0..1, chance per matching request
	Path  string        // optional: only requests whose path contains this
	Delay time.Duration // for "latency" (JSON: "delay_ms")
}

// Test payment codes (18 digits, prefix 10–15).
const (
	CodePayNow     = "134000000000000001" // SUCCESS at once
	CodeUserPaying = "134000000000000002" // USERPAYING, then SUCCESS after 5 s of Options.Clock
	CodeFail       = "134000000000000003" // refused: 403 TRADE_ERROR, the order is PAYERROR
)

var errNotYet = errors.New("sandbox: not implemented yet")

// Server is one simulated WeChat Pay merchant API.
type Server struct{ opt Options }

// New loads or generates key material (RSA-2048).
func New(opt Options) (*Server, error) { return &Server{opt: opt}, nil }

// Handler is the whole API, the customer page and the control endpoints.
func (s *Server) Handler() http.Handler { return http.NotFoundHandler() }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
func (s *Server) Start(addr string) error { return errNotYet }

// URL is "http://127.0.0.1:PORT" after Start.
func (s *Server) URL() string { return "" }

// Close stops serving and waits for background work.
func (s *Server) Close() error { return nil }

// Credentials returns what a client needs.
func (s *Server) Credentials() Credentials { return Credentials{} }

// WriteConfig writes a wxtill client config and its key files.
func (s *Server) WriteConfig(path string, publicKey bool) error { return errNotYet }

// Pay pays an awaiting order, as POST /sandbox/pay.
func (s *Server) Pay(outTradeNoOrCodeURL string) error { return errNotYet }

// Fail fails a payment-code order, as POST /sandbox/fail.
func (s *Server) Fail(outTradeNoOrCodeURL string) error { return errNotYet }

// SetFaults replaces the injected faults, as PUT /sandbox/faults.
func (s *Server) SetFaults(f []Fault) {}

// Stats returns request counts per API, as GET /sandbox/stats.
func (s *Server) Stats() map[string]int { return map[string]int{} }
