package sandbox

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRequestIDOnTheWire: the reply header is spelled Request-ID, as WeChat writes it
// (Go's Header.Set would send Request-Id).
func TestRequestIDOnTheWire(t *testing.T) {
	s, _ := startServer(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v3/pay/transactions/out-trade-no/T-wire-01?mchid=1900000001 HTTP/1.1\r\n"+
		"Host: api.mch.weixin.qq.com\r\nAccept: application/json\r\nUser-Agent: wire-test\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	var names []string
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadString('\n')
		if err != nil || line == "\r\n" {
			break
		}
		if name, _, ok := strings.Cut(line, ":"); ok {
			names = append(names, name)
		}
	}
	for _, n := range names {
		if n == "Request-ID" {
			return
		}
	}
	t.Fatalf("reply header names %v: no Request-ID", names)
}

// TestMissingAcceptOrUserAgentIsCounted: WeChat answers 400 INVALID_REQUEST "Http头缺少
// Accept或User-Agent" to a request without them; the sandbox answers normally but counts
// and logs it, so minimal clients work and their gap is still visible. No Wechatpay-Serial
// header is needed either.
func TestMissingAcceptOrUserAgentIsCounted(t *testing.T) {
	s, _ := startServer(t)
	const target = "/v3/pay/transactions/out-trade-no/T-hdr-01?mchid=1900000001"
	cases := []struct {
		name   string
		tweak  func(r *http.Request)
		status int
		code   string
	}{
		{"no Accept", func(r *http.Request) { r.Header.Del("Accept") }, 404, "ORDER_NOT_EXIST"},
		{"no User-Agent", func(r *http.Request) { r.Header.Del("User-Agent") }, 404, "ORDER_NOT_EXIST"},
		{"Accept */*", func(r *http.Request) { r.Header.Set("Accept", "*/*") }, 404, "ORDER_NOT_EXIST"},
		{"no Wechatpay-Serial", func(r *http.Request) { r.Header.Del("Wechatpay-Serial") }, 404, "ORDER_NOT_EXIST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRawClient(t, s).request("GET", target, "")
			tc.tweak(r)
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, r)
			var e struct{ Code, Message string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != tc.status || e.Code != tc.code || e.Message == "" {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tc.status, tc.code)
			}
		})
	}
	if got := s.Stats()["missing_headers"]; got != 2 {
		t.Errorf("stats count %d requests without Accept/User-Agent, want 2", got)
	}
}

// TestSignErrorDetail: a signature over another message gets WeChat's 401 with the
// message the server checked, so a client can find its mistake.
func TestSignErrorDetail(t *testing.T) {
	s, _ := startServer(t)
	const target = "/v3/pay/transactions/out-trade-no/T-det-01?mchid=1900000001"
	c := newRawClient(t, s)
	r := c.request("GET", target, "")
	r.Header.Set("Authorization", c.authorization("GET", "/v3/pay/transactions/out-trade-no/T-det-02?mchid=1900000001", ""))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	var e struct {
		Code   string
		Detail struct {
			Field, Location string
			SignInformation struct {
				Method, URL          string
				SignMessageLength    int    `json:"sign_message_length"`
				TruncatedSignMessage string `json:"truncated_sign_message"`
			} `json:"sign_information"`
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != 401 || e.Code != "SIGN_ERROR" {
		t.Fatalf("got %d %s", w.Code, w.Body)
	}
	si := e.Detail.SignInformation
	if e.Detail.Field != "signature" || si.Method != "GET" || si.URL != target ||
		!strings.HasPrefix(si.TruncatedSignMessage, "GET\n"+target+"\n") || si.SignMessageLength != len(si.TruncatedSignMessage) {
		t.Fatalf("detail %+v", e.Detail)
	}
}

// TestSignedURLIsTheURLAsSent: the URL in the signature is the path and query exactly as
// on the request line, percent-encoding included; the order number is matched decoded.
func TestSignedURLIsTheURLAsSent(t *testing.T) {
	s, _ := startServer(t)
	c := newRawClient(t, s)
	if w := c.do("POST", "/v3/pay/transactions/native", nativeBody("out_trade_no", "T|enc*01")); w.Code != 200 {
		t.Fatalf("prepay: %d %s", w.Code, w.Body)
	}
	encoded := "/v3/pay/transactions/out-trade-no/T%7Cenc%2A01?mchid=1900000001"
	if w := c.do("GET", encoded, ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"out_trade_no":"T|enc*01"`) {
		t.Fatalf("query signed as sent: %d %s", w.Code, w.Body)
	}
	r := c.request("GET", encoded, "")
	r.Header.Set("Authorization", c.authorization("GET", "/v3/pay/transactions/out-trade-no/T|enc*01?mchid=1900000001", ""))
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != 401 {
		t.Fatalf("a signature over the decoded URL: %d %s", w.Code, w.Body)
	}
}

// TestCodepayStoreIDs: scene_info.store_info names the store by WeChat's id or by the
// merchant's out_id; one of them is required.
func TestCodepayStoreIDs(t *testing.T) {
	s, _ := startServer(t)
	cases := []struct {
		name  string
		store map[string]any
		code  int
	}{
		{"out_id", map[string]any{"out_id": "01"}, 200},
		{"id", map[string]any{"id": "0001"}, 200},
		{"neither", map[string]any{"name": "门店"}, 400},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := codepayBody(s, "C-store-0"+string(rune('1'+i)), CodePayNow, 100)
			body["scene_info"] = map[string]any{"store_info": tc.store}
			b, _ := json.Marshal(body)
			if w := newRawClient(t, s).do("POST", "/v3/pay/transactions/codepay", string(b)); w.Code != tc.code {
				t.Fatalf("got %d %s", w.Code, w.Body)
			}
		})
	}
}
