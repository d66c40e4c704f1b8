package payment

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRewriteTransportSendsWeChatHostsToBase(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Host+" "+r.URL.RequestURI())
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c := newHTTPClient(base, 5*time.Second, 1024)
	for _, u := range []string{
		"https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/T1?mchid=1900000001",
		"https://api2.mch.weixin.qq.com/v3/certificates",
		srv.URL + "/v3/billdownload/file?token=abc", // already the base: untouched
	} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if string(body) != "ok" {
			t.Fatalf("%s: body %q", u, body)
		}
	}
	want := []string{
		base.Host + " /v3/pay/transactions/out-trade-no/T1?mchid=1900000001",
		base.Host + " /v3/certificates",
		base.Host + " /v3/billdownload/file?token=abc",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("server saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRewriteTransportBoundsReplies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		io.WriteString(w, strings.Repeat("x", 2048))
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c := newHTTPClient(base, 5*time.Second, 1024)

	_, err := c.Get("https://api.mch.weixin.qq.com/big")
	if !errors.Is(err, errResponseTooLarge) {
		t.Fatalf("a 2 KiB reply with a 1 KiB cap: err = %v", err)
	}
	resp, err := c.Get("https://api.mch.weixin.qq.com/redirect")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect followed or failed: %v %v", resp, err)
	}
}

func TestRequestTimeoutIsTheConfiguredOne(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	base, _ := url.Parse(srv.URL)
	c := newHTTPClient(base, 200*time.Millisecond, 1024)
	_, err := c.Get("https://api.mch.weixin.qq.com/slow")
	if pe := classify(err, nil); err == nil || pe == nil || !strings.Contains(pe.Error(), CodeTimeout) {
		t.Fatalf("want a TIMEOUT, got %v", err)
	}
}
