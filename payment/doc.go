// Package payment is the till's only way to WeChat Pay: config and credentials, Native
// prepay/query/close, payment code, refunds, trade bill and notifications, through the
// official wechatpay-go SDK. It implements pos.Gateway.
package payment

import (
	// Pinned until the gateway uses them (keeps go.mod stable while work proceeds in parallel).
	_ "github.com/BurntSushi/toml"
	_ "github.com/wechatpay-apiv3/wechatpay-go/core"
)
