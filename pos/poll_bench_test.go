package pos

import (
	"testing"
	"time"
)

// BenchmarkPollSimulation replays 50 000 design payers (log-normal, median 12 s, 90 %
// within 25 s, 200 ms round trips, fixed seed) against each schedule on simulated time:
// the figures the default schedule was designed with.
//
//	go test -run '^$' -bench PollSimulation ./pos
func BenchmarkPollSimulation(b *testing.B) {
	delays := designPayer.delays(50_000, 42)
	for _, s := range []struct {
		name string
		p    PollSchedule
	}{{"default", DefaultPollSchedule()}, {"fixed2s", FixedPollSchedule(2 * time.Second)}} {
		b.Run(s.name, func(b *testing.B) {
			var r simResult
			for i := 0; i < b.N; i++ {
				r = simulate(s.p, designPayer, delays, DefaultOrderTTL)
			}
			b.ReportMetric(r.p50.Seconds()*1000, "p50-ms")
			b.ReportMetric(r.p95.Seconds()*1000, "p95-ms")
			b.ReportMetric(r.p99.Seconds()*1000, "p99-ms")
			b.ReportMetric(r.meanQueries, "queries/order")
			b.ReportMetric(float64(r.in60), "queries-60s")
		})
	}
}
