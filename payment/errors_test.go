package payment

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/wechatpay-apiv3/wechatpay-go/core"

	"wxtill/pos"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestClassify(t *testing.T) {
	apiErr := func(status int, code, msg string) error {
		return &core.APIError{StatusCode: status, Code: code, Message: msg, Header: http.Header{"X-Secret-Ish": {"noise"}}}
	}
	ok2xx := &core.APIResult{Response: &http.Response{StatusCode: 200}}
	cases := []struct {
		name   string
		err    error
		result *core.APIResult
		class  pos.ErrorClass
		code   string
	}{
		{"system error", apiErr(500, "SYSTEM_ERROR", "系统错误"), nil, pos.ClassRetry, "SYSTEM_ERROR"},
		{"v2 spelling", apiErr(500, "SYSTEMERROR", "系统错误"), nil, pos.ClassRetry, "SYSTEMERROR"},
		{"rate limit", apiErr(429, "FREQUENCY_LIMITED", "频率超限"), nil, pos.ClassRetry, "FREQUENCY_LIMITED"},
		{"unknown 503 without body", apiErr(503, "", ""), nil, pos.ClassRetry, "HTTP_503"},
		{"redirect of a captive portal", apiErr(302, "", ""), nil, pos.ClassRetry, "HTTP_302"},
		{"order paid", apiErr(400, "ORDERPAID", "订单已支付"), nil, pos.ClassSettled, "ORDERPAID"},
		{"order closed", apiErr(400, "ORDER_CLOSED", "订单已关闭"), nil, pos.ClassSettled, "ORDER_CLOSED"},
		{"not found v3", apiErr(404, "ORDER_NOT_EXIST", "订单不存在"), nil, pos.ClassNotFound, "ORDER_NOT_EXIST"},
		{"not found v2", apiErr(404, "ORDERNOTEXIST", "订单不存在"), nil, pos.ClassNotFound, "ORDERNOTEXIST"},
		{"refund not found", apiErr(404, "RESOURCE_NOT_EXISTS", "退款单不存在"), nil, pos.ClassNotFound, "RESOURCE_NOT_EXISTS"},
		{"param error", apiErr(400, "PARAM_ERROR", "参数错误"), nil, pos.ClassRejected, "PARAM_ERROR"},
		{"sign error", apiErr(401, "SIGN_ERROR", "签名错误"), nil, pos.ClassRejected, "SIGN_ERROR"},
		{"invalid request", apiErr(400, "INVALID_REQUEST", "无效请求"), nil, pos.ClassRejected, "INVALID_REQUEST"},
		{"unknown 4xx code", apiErr(403, "NO_AUTH", "无权限"), nil, pos.ClassRejected, "NO_AUTH"},
		{"unknown 404 code", apiErr(404, "ORDER_NOT_EXISTS", "订单不存在"), nil, pos.ClassNotFound, "ORDER_NOT_EXISTS"},
		{"404 page without a code: not WeChat's word", apiErr(404, "", ""), nil, pos.ClassRetry, "HTTP_404"},
		{"400 page without a code", apiErr(400, "", ""), nil, pos.ClassRetry, "HTTP_400"},
		{"401 without a code", apiErr(401, "", ""), nil, pos.ClassRetry, "HTTP_401"},
		{"connection refused", &url.Error{Op: "Get", URL: "x", Err: &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}},
			&core.APIResult{}, pos.ClassRetry, CodeNetwork},
		{"net timeout", &url.Error{Op: "Get", URL: "x", Err: timeoutErr{}}, &core.APIResult{}, pos.ClassRetry, CodeTimeout},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), nil, pos.ClassRetry, CodeTimeout},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), nil, pos.ClassRetry, CodeCanceled},
		{"too large", &url.Error{Op: "Get", URL: "x", Err: errResponseTooLarge}, &core.APIResult{}, pos.ClassRetry, CodeNetwork},
		{"bad signature", &signatureError{err: errors.New("verify fail")}, ok2xx, pos.ClassRetry, CodeBadSignature},
		{"2xx that does not decode", errors.New("invalid character"), ok2xx, pos.ClassRetry, CodeBadResponse},
		{"already classified", &pos.GatewayError{Class: pos.ClassSettled, Code: "X"}, nil, pos.ClassSettled, "X"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := classify(tc.err, tc.result)
			var ge *pos.GatewayError
			if !errors.As(err, &ge) {
				t.Fatalf("not a GatewayError: %v", err)
			}
			if ge.Class != tc.class || ge.Code != tc.code {
				t.Fatalf("got %s %s, want %s %s", ge.Class, ge.Code, tc.class, tc.code)
			}
		})
	}
	if classify(nil, nil) != nil {
		t.Fatal("nil error classified as an error")
	}
}

func TestClassifyKeepsWeChatsMessage(t *testing.T) {
	err := classify(&core.APIError{StatusCode: 400, Code: "PARAM_ERROR", Message: "description 字段超长",
		Header: http.Header{"Request-Id": {"abc"}}}, nil)
	var ge *pos.GatewayError
	if !errors.As(err, &ge) || ge.Message != "description 字段超长" || ge.HTTPStatus != 400 {
		t.Fatalf("got %#v", err)
	}
	if want := "wechat pay: rejected PARAM_ERROR: description 字段超长"; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}
