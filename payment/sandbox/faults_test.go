package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
)

func prepay(t *testing.T, s *Server, c *core.Client, outTradeNo string) error {
	t.Helper()
	_, _, err := (&native.NativeApiService{Client: c}).Prepay(context.Background(), prepayRequest(s, outTradeNo, 100))
	return err
}

// orderExists asks the book directly, so faults on the API cannot blur the answer.
func orderExists(s *Server, outTradeNo string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.book.orders[outTradeNo] != nil
}

func TestFaultKinds(t *testing.T) {
	const prepayPath = "/v3/pay/transactions/native"
	cases := []struct {
		kind      string
		check     func(t *testing.T, err error)
		carriedOn bool // the request still took effect
	}{
		{FaultSystemError, func(t *testing.T, err error) { wantAPIError(t, err, 500, "SYSTEMERROR") }, false},
		{FaultFrequencyLimited, func(t *testing.T, err error) { wantAPIError(t, err, 429, "FREQUENCY_LIMITED") }, false},
		{FaultDrop, func(t *testing.T, err error) {
			var ae *core.APIError
			if err == nil || errors.As(err, &ae) {
				t.Fatalf("want a broken connection, got %v", err)
			}
		}, true},
		{FaultBadSignature, func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "verify") {
				t.Fatalf("want the SDK to refuse the signature, got %v", err)
			}
		}, true},
	}
	for _, mode := range bothModes {
		for _, tc := range cases {
			t.Run(mode.name+"/"+tc.kind, func(t *testing.T) {
				s, _ := startServer(t)
				c := mode.client(t, s)
				s.SetFaults([]Fault{{Kind: tc.kind, Rate: 1, Path: prepayPath}})
				tc.check(t, prepay(t, s, c, "T-fault-01"))
				if orderExists(s, "T-fault-01") != tc.carriedOn {
					t.Fatalf("order exists: %v, want %v", !tc.carriedOn, tc.carriedOn)
				}
				if s.Stats()["fault_"+tc.kind] == 0 {
					t.Fatalf("stats: %v", s.Stats())
				}
				s.SetFaults(nil)
				if err := prepay(t, s, c, "T-fault-01"); err != nil {
					t.Fatalf("after clearing the fault: %v", err)
				}
			})
		}
	}
}

func TestFaultLatencyAndFilters(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	s.SetFaults([]Fault{
		{Kind: FaultLatency, Rate: 1, Path: "/v3/pay/transactions/native", Delay: 50 * time.Millisecond},
		{Kind: FaultSystemError, Rate: 1, Path: "/v3/refund/"}, // another path
		{Kind: FaultSystemError, Rate: 0},                      // never fires
		{Kind: "earthquake", Rate: 1},                          // invalid: dropped
		{Kind: FaultDrop, Rate: 1.5},                           // invalid: dropped
		{Kind: FaultLatency, Rate: 1, Delay: 10 * time.Minute}, // invalid: dropped
	})
	if got := len(s.Faults()); got != 3 {
		t.Fatalf("%d faults kept, want 3", got)
	}
	start := time.Now()
	if err := prepay(t, s, c, "T-latency-01"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Fatalf("latency fault took %v, want at least 50ms", elapsed)
	}
	st := s.Stats()
	if st["fault_latency"] != 1 || st["fault_systemerror"] != 0 || st["POST /v3/pay/transactions/native"] != 1 {
		t.Fatalf("stats: %v", st)
	}
}

func TestFaultsOverHTTP(t *testing.T) {
	s, _ := startServer(t)
	do := func(method, body string) (int, string) {
		req, err := http.NewRequest(method, s.URL()+"/sandbox/faults", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, string(readAll(t, resp.Body))
	}
	code, body := do("PUT", `[{"kind":"latency","rate":0.5,"path":"/v3/pay","delay_ms":200},{"kind":"drop","rate":0.1}]`)
	if code != 200 {
		t.Fatalf("PUT: %d %s", code, body)
	}
	var back []Fault
	if err := json.Unmarshal([]byte(body), &back); err != nil || len(back) != 2 || back[0].Delay != 200*time.Millisecond || back[1].Kind != FaultDrop {
		t.Fatalf("PUT answer %s: %+v %v", body, back, err)
	}
	for _, bad := range []string{`{"kind":"drop"}`, `[{"kind":"flood","rate":1}]`, `[{"kind":"drop","rate":2}]`, `[{"kind":"latency","rate":1,"delay_ms":-5}]`, `not json`} {
		code, body := do("PUT", bad)
		wantControlError(t, code, body, "PUT "+bad)
	}
	if len(s.Faults()) != 2 {
		t.Fatal("a refused PUT changed the faults")
	}
	if code, body := do("DELETE", ""); code != 200 || body != "[]" || len(s.Faults()) != 0 {
		t.Fatalf("DELETE: %d %s", code, body)
	}
}

func wantControlError(t *testing.T, code int, body, what string) {
	t.Helper()
	if code != 400 || !strings.Contains(body, "PARAM_ERROR") {
		t.Errorf("%s: %d %s", what, code, body)
	}
}

func TestStatsOverHTTP(t *testing.T) {
	s, _ := startServer(t)
	c := pubKeyClient(t, s)
	for _, no := range []string{"T-stats-01", "T-stats-02"} {
		if err := prepay(t, s, c, no); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.Get(s.URL() + "/sandbox/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st map[string]int
	if err := json.Unmarshal(readAll(t, resp.Body), &st); err != nil || st["POST /v3/pay/transactions/native"] != 2 {
		t.Fatalf("stats %v %v", st, err)
	}
}
