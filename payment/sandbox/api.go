package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxBody bounds request bodies; WeChat's own requests are a few kilobytes.
const maxBody = 64 << 10

// apiError is WeChat's error reply: an HTTP status and an unsigned {"code","message"}.
type apiError struct {
	status        int
	code, message string
	detail        any // WeChat's optional "detail" object, e.g. where a signature went wrong
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func paramError(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "PARAM_ERROR", format, args...)
}

func invalidRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "INVALID_REQUEST", format, args...)
}

// call is one authenticated API request, handed to a handler with s.mu held.
type call struct {
	r      *http.Request
	body   []byte
	now    time.Time // business time
	serial string    // the Wechatpay-Serial request header: which key the client verifies with
	host   string    // the Host the client addressed, for URLs handed back to it
	notes  []notice  // notifications to send once the lock is released
}

// reply is what a handler answers: a signed JSON body (nil for 204), an unsigned file, or
// an error.
type reply struct {
	status int
	body   []byte
	file   bool
	err    *apiError

	preferCert bool // sign with the platform certificate unless the client names the public key
}

func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil { // our own types always marshal; never send half an answer
		return reply{err: newError(http.StatusInternalServerError, "SYSTEMERROR", "系统错误")}
	}
	return reply{status: status, body: body}
}

func errorReply(e *apiError) reply { return reply{err: e} }

type apiHandler func(c *call) reply

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h apiHandler) { mux.Handle(pattern, s.endpoint(pattern, h)) }
	api("POST /v3/pay/transactions/native", s.nativePrepay)
	api("GET /v3/pay/transactions/out-trade-no/{out_trade_no}", s.queryByOutTradeNo)
	api("GET /v3/pay/transactions/id/{transaction_id}", s.queryByTransactionID)
	api("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close", s.closeOrder)
	api("POST /v3/pay/transactions/codepay", s.codepay)
	api("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse", s.reverse)
	api("POST /v3/refund/domestic/refunds", s.createRefund)
	api("GET /v3/refund/domestic/refunds/{out_refund_no}", s.queryRefund)
	api("GET /v3/bill/tradebill", s.tradeBill)
	api("GET /v3/billdownload/file", s.downloadBill)
	api("GET /v3/certificates", s.certificates)
	mux.HandleFunc("/v3/", func(w http.ResponseWriter, r *http.Request) {
		s.count("unknown_api")
		s.writeReply(w, r, errorReply(newError(http.StatusNotFound, "NOT_FOUND",
			"接口不存在 / no such API in the sandbox: %s %s", r.Method, clip(r.URL.Path, 80))), faultPlan{})
	})
	s.controlRoutes(mux)
	s.pageRoutes(mux)
	return mux
}

// endpoint wraps an API handler: count it, read the bounded body, apply faults, check the
// signature, run the handler under the lock, send notifications, write the reply.
func (s *Server) endpoint(name string, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.count(name)
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			s.writeReply(w, r, errorReply(paramError("请求体不可读或超过 %d 字节 / body unreadable or over %d bytes", maxBody, maxBody)), faultPlan{})
			return
		}
		plan := s.planFaults(r.URL.Path)
		if !s.pause(r.Context(), plan.delay) {
			return
		}
		if plan.early != nil {
			s.writeReply(w, r, *plan.early, plan)
			return
		}
		if e := checkHeaders(r); e != nil {
			// WeChat refuses such a request; the sandbox only warns, so that a minimal
			// client (Go's and Java's send no Accept by default) is not stopped here.
			s.count("missing_headers")
			s.opt.Logf("sandbox: %s %s: warning: %s (WeChat answers 400 INVALID_REQUEST)", r.Method, r.URL.Path, e.message)
		}
		if err := s.verifyRequest(r, body); err != nil {
			s.count("sign_error")
			s.opt.Logf("sandbox: %s %s: 401 SIGN_ERROR: %v", r.Method, r.URL.Path, err)
			s.writeReply(w, r, errorReply(signError(err)), plan)
			return
		}
		c := &call{r: r, body: body, serial: r.Header.Get("Wechatpay-Serial"), host: r.Host}
		s.mu.Lock()
		c.now = s.now()
		notes := s.advance()
		rep := h(c)
		s.mu.Unlock()
		s.send(append(notes, c.notes...))
		if rep.err != nil {
			s.opt.Logf("sandbox: %s %s: %d %s", r.Method, r.URL.Path, rep.err.status, rep.err.code)
		}
		s.writeReply(w, r, rep, plan)
	})
}

// writeReply sends a reply as WeChat does: errors unsigned, files unsigned, everything
// else signed with the key the client asked for.
func (s *Server) writeReply(w http.ResponseWriter, r *http.Request, rep reply, plan faultPlan) {
	if plan.drop {
		dropConnection(w)
		return
	}
	h := w.Header()
	// WeChat spells it Request-ID; set as is, since Header.Set would write Request-Id.
	h[requestIDHeader] = []string{strings.ToUpper(randomString(40, "0123456789abcdef"))}
	switch {
	case rep.err != nil:
		body, _ := json.Marshal(errorBody{Code: rep.err.code, Message: rep.err.message, Detail: rep.err.detail})
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(rep.err.status)
		_, _ = w.Write(body)
		return
	case rep.file:
		h.Set("Content-Type", "application/octet-stream")
	case rep.body != nil:
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	if !rep.file {
		requested := r.Header.Get("Wechatpay-Serial")
		if rep.preferCert && requested != s.keys.PublicKeyID {
			requested = s.keys.platformSerial()
		}
		sg := s.signerFor(requested)
		signHeaders(h, sg, rep.body)
		if plan.badSignature {
			h.Set("Wechatpay-Signature", signMessage(sg.key, "not the message that was sent\n"))
		}
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// requestIDHeader is the reply header naming the request, spelled as WeChat does.
const requestIDHeader = "Request-ID"

// errorBody is WeChat's error reply.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  any    `json:"detail,omitempty"`
}

// checkHeaders finds what WeChat refuses before looking at the signature: a request
// without Accept or User-Agent gets 400 INVALID_REQUEST "Http头缺少Accept或User-Agent".
func checkHeaders(r *http.Request) *apiError {
	if strings.TrimSpace(r.Header.Get("Accept")) == "" || strings.TrimSpace(r.Header.Get("User-Agent")) == "" {
		return invalidRequest("Http头缺少Accept或User-Agent / the request has no Accept or User-Agent header (send Accept: application/json)")
	}
	return nil
}

// dropConnection closes the connection without a reply. http.ErrAbortHandler is
// net/http's own way to abort a reply where the connection cannot be taken over.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// pause waits d unless the request is abandoned or the server closes first.
func (s *Server) pause(ctx context.Context, d time.Duration) bool {
	return sleepEither(ctx.Done(), s.ctx.Done(), d)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	return sleepEither(ctx.Done(), nil, d)
}

// sleepEither waits d, or returns false as soon as a or b (either may be nil) closes.
func sleepEither(a, b <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-a:
		return false
	case <-b:
		return false
	}
}

// decodeJSON reads a request body into v; numbers that do not fit (a float amount, a
// number past int64) and trailing garbage are PARAM_ERROR, as is an empty body.
func decodeJSON(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		return paramError("请求体为空 / request body is empty")
	}
	if !utf8.Valid(body) { // encoding/json would quietly turn it into U+FFFD
		return paramError("请求体不是合法的 UTF-8 / body is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(v); err != nil {
		return paramError("请求体不是合法的 JSON 或字段类型错误 / body is not valid JSON for this API: %s", clip(err.Error(), 120))
	}
	if dec.More() {
		return paramError("请求体 JSON 之后还有内容 / trailing data after the JSON body")
	}
	return nil
}

// checkMchID compares a mchid given in a body or query with the merchant's.
func (s *Server) checkMchID(mchid string) *apiError {
	if mchid == "" {
		return paramError("缺少 mchid / mchid is required")
	}
	if mchid != s.keys.MchID {
		return paramError("mchid 与请求签名的商户号不一致 / mchid does not match the signing merchant")
	}
	return nil
}

// checkAppID checks the appid bound to the merchant.
func (s *Server) checkAppID(appid string) *apiError {
	if appid == "" {
		return paramError("缺少 appid / appid is required")
	}
	if appid != s.keys.AppID {
		return newError(http.StatusBadRequest, "APPID_MCHID_NOT_MATCH", "appid 与 mchid 不匹配 / appid is not bound to this mchid")
	}
	return nil
}
