package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configure a sandbox server.
type Options struct {
	StateDir string                           // where keys live; "" = fresh keys in memory
	Clock    func() time.Time                 // nil = time.Now; moves business time (expiry, code_url, refunds, bills)
	Logf     func(format string, args ...any) // nil = silent

	// SignWithCertificate makes replies to requests that name no known serial in their
	// Wechatpay-Serial header carry the platform certificate's signature; by default they
	// carry the WeChat Pay public key's (what WeChat gives merchants since late 2024).
	SignWithCertificate bool
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

// Errors of Pay and Fail (and of the control endpoints that call them).
var (
	ErrNoSuchOrder = errors.New("订单不存在 / no such order")
	ErrNotPayable  = errors.New("订单不可支付 / order cannot be paid or failed now")
)

// Server is one simulated WeChat Pay merchant API. All its methods are safe for
// concurrent use.
type Server struct {
	opt     Options
	keys    *keyring
	handler http.Handler

	mu     sync.Mutex // guards book, faults, stats
	book   *book
	faults []Fault
	stats  map[string]int

	notifyClient  *http.Client
	notifyBackoff []time.Duration // waits before each retry of a notification

	ctx    context.Context // cancelled by Close: stops notifications and the ticker
	cancel context.CancelFunc
	wg     sync.WaitGroup

	lifeMu  sync.Mutex // guards httpSrv, baseURL
	httpSrv *http.Server
	baseURL string
	closed  bool
}

// New loads the key material from opt.StateDir, or generates it (RSA-2048) and saves it
// there when the dir is absent or empty.
func New(opt Options) (*Server, error) {
	keys, err := loadOrCreateKeys(opt.StateDir)
	if err != nil {
		return nil, err
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Logf == nil {
		opt.Logf = func(string, ...any) {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opt:           opt,
		keys:          keys,
		book:          newBook(),
		stats:         map[string]int{},
		notifyClient:  &http.Client{Timeout: 10 * time.Second, CheckRedirect: noRedirects},
		notifyBackoff: []time.Duration{time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second},
		ctx:           ctx,
		cancel:        cancel,
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the whole API, the customer page and the control endpoints.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. While it
// serves, time-driven changes (a customer finishing the password, a refund arriving) also
// happen without requests, so their notifications go out on time.
func (s *Server) Start(addr string) error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed || s.httpSrv != nil {
		return errors.New("sandbox: already started or closed")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法监听 / cannot listen on %s: %w", addr, err)
	}
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	s.baseURL = "http://" + ln.Addr().String()
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.opt.Logf("sandbox: serve: %v", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		s.tick()
	}()
	return nil
}

// tick advances time-driven state twice a second until Close.
func (s *Server) tick() {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.mu.Lock()
			notes := s.advance()
			s.mu.Unlock()
			s.send(notes)
		}
	}
}

// URL is "http://127.0.0.1:PORT" after Start, "" before.
func (s *Server) URL() string {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	return s.baseURL
}

// Close stops serving, cancels pending notification retries and waits for them.
func (s *Server) Close() error {
	s.lifeMu.Lock()
	if s.closed {
		s.lifeMu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.httpSrv
	s.lifeMu.Unlock()
	s.cancel()
	var err error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err = srv.Shutdown(ctx); err != nil {
			err = srv.Close()
		}
	}
	s.wg.Wait()
	return err
}

// Credentials returns what a client needs.
func (s *Server) Credentials() Credentials { return s.keys.credentials() }

// Pay pays an awaiting order, as the customer does by scanning its QR code (Native) or
// entering the password (a payment-code order in USERPAYING). Same as POST /sandbox/pay.
func (s *Server) Pay(outTradeNoOrCodeURL string) error {
	s.mu.Lock()
	notes := s.advance()
	note, err := s.book.pay(outTradeNoOrCodeURL, s.now(), s)
	if note != nil {
		notes = append(notes, *note)
	}
	s.mu.Unlock()
	s.send(notes)
	return err
}

// Fail makes a payment-code order that waits for the customer's password fail
// (PAYERROR), as when the customer gives up. Same as POST /sandbox/fail.
func (s *Server) Fail(outTradeNoOrCodeURL string) error {
	s.mu.Lock()
	notes := s.advance()
	err := s.book.fail(outTradeNoOrCodeURL)
	s.mu.Unlock()
	s.send(notes)
	return err
}

// Stats returns request counts per API (keys like "POST /v3/pay/transactions/native")
// and counters of signature errors, faults and notifications. Same as GET /sandbox/stats.
func (s *Server) Stats() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.stats))
	for k, v := range s.stats {
		out[k] = v
	}
	return out
}

func (s *Server) count(key string) {
	s.mu.Lock()
	s.stats[key]++
	s.mu.Unlock()
}

// noRedirects keeps notifications on the loopback address they were meant for.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// now is business time, as Options.Clock says.
func (s *Server) now() time.Time { return s.opt.Clock() }
