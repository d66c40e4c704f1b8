// Package sandbox is a WeChat Pay APIv3 simulator that the real wechatpay-go client talks
// to unchanged: the embedded default for demo mode and for tests.
package sandbox
