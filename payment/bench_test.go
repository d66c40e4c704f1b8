package payment

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"wxtill/pos"
)

// BenchmarkQuery is one order query through the real SDK against the in-process sandbox,
// in each verification mode: our request signed, checked by the sandbox, its reply signed
// by the sandbox and verified by us (two RSA-2048 signatures, two verifications).
func BenchmarkQuery(b *testing.B) {
	srv := startSandbox(b, nil)
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			g := gatewayFor(b, sandboxConfig(b, srv, m.publicKey))
			no := tradeNo("Q")
			ctx := context.Background()
			if _, err := g.PrepayNative(ctx, pos.NativeOrder{OutTradeNo: no, Description: "x", Total: 1}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if st, err := g.Query(ctx, no); err != nil || st.State != pos.TradeNotPay {
					b.Fatal(st, err)
				}
			}
		})
	}
}

// BenchmarkParseTradeBill parses a busy day's bill of 5,000 rows.
func BenchmarkParseTradeBill(b *testing.B) {
	lines := strings.Split(strings.TrimSuffix(sampleBill, "\n"), "\n")
	var sb strings.Builder
	sb.WriteString(lines[0] + "\n")
	for i := 0; i < 5000; i++ {
		sb.WriteString(strings.Replace(lines[1], "T01202503010001", fmt.Sprintf("T0120250301%04d", i), 1) + "\n")
	}
	sb.WriteString(lines[3] + "\n" + lines[4] + "\n")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bill, err := ParseTradeBill(data)
		if err != nil || len(bill.Rows) != 5000 {
			b.Fatal(err)
		}
	}
}
