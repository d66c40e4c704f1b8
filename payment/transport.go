package payment

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// The SDK hard-codes WeChat's hosts; every request to them goes to the configured base URL.
var wechatHosts = map[string]bool{
	"api.mch.weixin.qq.com":  true,
	"api2.mch.weixin.qq.com": true,
}

// Response size caps: an API answer is a few KiB; a day's bill file of a busy shop a few MiB.
const (
	maxAPIResponse  = 1 << 20
	maxBillResponse = 64 << 20
)

// errResponseTooLarge is a reply longer than the cap: a misbehaving or hostile server.
var errResponseTooLarge = errors.New("response too large / 应答过大")

// rewriteTransport sends WeChat-bound requests to base and reads each reply whole, up to
// maxBody, so a reply can neither hang the till nor fill its memory, and every reading
// error surfaces here, as a transport error, before the SDK looks at the reply.
type rewriteTransport struct {
	base    *url.URL
	next    http.RoundTripper
	maxBody int64
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if wechatHosts[req.URL.Host] && t.base.Host != req.URL.Host {
		out := req.Clone(req.Context())
		u := *req.URL
		u.Scheme, u.Host = t.base.Scheme, t.base.Host
		out.URL, out.Host = &u, ""
		req = out
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the reply: %w", err)
	}
	if int64(len(body)) > t.maxBody {
		return nil, fmt.Errorf("%w: more than %d bytes", errResponseTooLarge, t.maxBody)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// newHTTPClient makes the client every SDK call goes through: base URL rewriting, a
// short overall timeout, bounded replies, and no redirects (WeChat never redirects;
// a captive portal does, and its page must not be taken for an answer).
func newHTTPClient(base *url.URL, timeout time.Duration, maxBody int64) *http.Client {
	next := http.DefaultTransport.(*http.Transport).Clone()
	next.ResponseHeaderTimeout = timeout
	next.TLSHandshakeTimeout = timeout
	return &http.Client{
		Timeout:   timeout,
		Transport: &rewriteTransport{base: base, next: next, maxBody: maxBody},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
