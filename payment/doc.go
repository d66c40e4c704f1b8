// Package payment is the till's only way to WeChat Pay: config and credentials, Native
// prepay/query/close, payment code, refunds, trade bill and notifications, through the
// official wechatpay-go SDK. It implements pos.Gateway.
//
// Load a config with LoadConfig, connect with NewGateway, check a setup with Doctor.
// Every error a gateway call returns is a *pos.GatewayError sorted by what the caller
// should do (retry, already settled, not found, rejected), with WeChat's code and message.
// docs/FAQ.md explains the config keys and the usual setup problems.
package payment
