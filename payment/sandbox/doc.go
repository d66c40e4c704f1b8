// Package sandbox is a WeChat Pay APIv3 simulator that the real wechatpay-go client talks
// to unchanged: the embedded default for demo mode and for tests.
//
// It checks request signatures as WeChat does, signs its replies with a platform
// certificate or a WeChat Pay public key, encrypts notification resources with the APIv3
// key, and keeps orders, refunds and bills in memory. docs/SANDBOX.md is its manual.
package sandbox
