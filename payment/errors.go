package payment

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/wechatpay-apiv3/wechatpay-go/core"

	"wxtill/pos"
)

// Codes the gateway gives when WeChat's own code is missing: the call failed before or
// after WeChat answered. All are ClassRetry: the outcome is unknown, ask again.
const (
	CodeNetwork      = "NETWORK"       // no connection, reset, DNS, too-large reply
	CodeTimeout      = "TIMEOUT"       // no answer within [wechatpay] timeout
	CodeCanceled     = "CANCELED"      // the caller gave up (context cancelled)
	CodeBadSignature = "BAD_SIGNATURE" // a 2xx reply whose signature does not verify
	CodeBadResponse  = "BAD_RESPONSE"  // a verified reply that makes no sense
	CodeBillHash     = "BILL_HASH_MISMATCH"
)

// codeClasses sorts WeChat's error codes (APIv3 spells some two ways). Codes not listed
// fall back on the HTTP status: 5xx, 429 and 3xx retry, other 4xx are refusals, 404 not
// found. A reply with no code at all is not WeChat's answer (a proxy's page, a wrong
// api_base_url): its outcome is unknown, so it is retried, never taken for a refusal or
// for "no such order" (which would close a sale that may have been paid).
var codeClasses = map[string]pos.ErrorClass{
	"SYSTEMERROR":        pos.ClassRetry,
	"SYSTEM_ERROR":       pos.ClassRetry,
	"FREQUENCY_LIMITED":  pos.ClassRetry,
	"FREQUENCY_LIMIT":    pos.ClassRetry,
	"RATELIMIT_EXCEEDED": pos.ClassRetry,
	"BANKERROR":          pos.ClassRetry,
	"BANK_ERROR":         pos.ClassRetry,
	"STATEMENT_CREATING": pos.ClassRetry,
	"NOT_ENOUGH":         pos.ClassRetry, // merchant balance too low for a refund: top up, retry

	"ORDERPAID":     pos.ClassSettled,
	"ORDER_PAID":    pos.ClassSettled,
	"ORDERCLOSED":   pos.ClassSettled,
	"ORDER_CLOSED":  pos.ClassSettled,
	"ORDERREVERSED": pos.ClassSettled,
	"ORDER_REVOKED": pos.ClassSettled,

	"ORDERNOTEXIST":       pos.ClassNotFound,
	"ORDER_NOT_EXIST":     pos.ClassNotFound,
	"RESOURCE_NOT_EXISTS": pos.ClassNotFound,
	"NOT_FOUND":           pos.ClassNotFound,
	"NO_STATEMENT_EXIST":  pos.ClassNotFound,
}

// classify turns whatever a call returned into a *pos.GatewayError, keeping WeChat's
// code and message. result is the SDK's APIResult when there is one (may be nil).
func classify(err error, result *core.APIResult) error {
	if err == nil {
		return nil
	}
	var ge *pos.GatewayError
	if errors.As(err, &ge) {
		return ge
	}
	var apiErr *core.APIError
	if errors.As(err, &apiErr) {
		return fromAPIError(apiErr)
	}
	var sigErr *signatureError
	if errors.As(err, &sigErr) {
		return &pos.GatewayError{Class: pos.ClassRetry, Code: CodeBadSignature, HTTPStatus: statusOf(result),
			Message: "应答签名验证失败 / the reply's signature does not verify", Err: err}
	}
	if result != nil && result.Response != nil {
		// A verified 2xx reply the SDK could not decode.
		return badResponse(statusOf(result), err)
	}
	return transportError(err)
}

func fromAPIError(e *core.APIError) *pos.GatewayError {
	class, known := codeClasses[e.Code]
	switch {
	case known:
	case e.Code == "":
		class = pos.ClassRetry
	default:
		class = classOfStatus(e.StatusCode)
	}
	code := e.Code
	if code == "" {
		code = fmt.Sprintf("HTTP_%d", e.StatusCode)
	}
	// Only code, message and status travel on: the SDK's Error() lists all reply
	// headers, which are noise for a cashier.
	return &pos.GatewayError{Class: class, Code: code, Message: e.Message, HTTPStatus: e.StatusCode,
		Err: fmt.Errorf("HTTP %d %s", e.StatusCode, code)}
}

func classOfStatus(status int) pos.ErrorClass {
	switch {
	case status >= 500, status == http.StatusTooManyRequests, status == http.StatusRequestTimeout:
		return pos.ClassRetry
	case status >= 300 && status < 400:
		return pos.ClassRetry // a redirect: a captive portal or a proxy, not WeChat
	case status == http.StatusNotFound:
		return pos.ClassNotFound
	}
	return pos.ClassRejected
}

// transportError sorts failures where no reply arrived.
func transportError(err error) *pos.GatewayError {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return &pos.GatewayError{Class: pos.ClassRetry, Code: CodeCanceled, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &pos.GatewayError{Class: pos.ClassRetry, Code: CodeTimeout,
			Message: "微信支付无应答（超时）/ no answer from WeChat Pay (timeout)", Err: err}
	}
	return &pos.GatewayError{Class: pos.ClassRetry, Code: CodeNetwork,
		Message: "无法连接微信支付 / cannot reach WeChat Pay", Err: err}
}

func badResponse(status int, err error) *pos.GatewayError {
	return &pos.GatewayError{Class: pos.ClassRetry, Code: CodeBadResponse, HTTPStatus: status,
		Message: "应答内容无效 / the reply makes no sense", Err: err}
}

func statusOf(result *core.APIResult) int {
	if result == nil || result.Response == nil {
		return 0
	}
	return result.Response.StatusCode
}

// signatureError marks a reply that failed verification, so classify can tell it from
// a reply that verified but did not decode.
type signatureError struct{ err error }

func (e *signatureError) Error() string { return "signature check failed: " + e.err.Error() }
func (e *signatureError) Unwrap() error { return e.err }
