package pos_test

import (
	"context"
	"math"
	"math/rand"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"wxtill/payment"
	"wxtill/payment/sandbox"
	"wxtill/pos"
	"wxtill/storage"
)

// BenchmarkDetectionOnSandbox measures, for real, how soon the till learns that a
// customer paid and how many queries it spends: orders on the real gateway against the
// sandbox, with 100 ms added on the way to WeChat (the sandbox's latency fault) and 100 ms
// on the way back (a sleep after each answer): 200 ms round trips. Customers pay after
// the design's log-normal delay (median 12 s, 90 % within 25 s), the same draws for both
// schedules. One iteration takes about a minute per schedule.
//
//	go test -run '^$' -bench DetectionOnSandbox -benchtime 1x ./pos
func BenchmarkDetectionOnSandbox(b *testing.B) {
	schedules := []struct {
		name string
		poll pos.PollSchedule
	}{
		{"default", pos.DefaultPollSchedule()},
		{"fixed2s", pos.FixedPollSchedule(2 * time.Second)},
	}
	for _, s := range schedules {
		b.Run(s.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r := detectionRun(b, s.poll, 200, 7)
				b.ReportMetric(r.p50.Seconds()*1000, "p50-ms")
				b.ReportMetric(r.p95.Seconds()*1000, "p95-ms")
				b.ReportMetric(r.meanQueries, "queries/order")
				b.ReportMetric(float64(r.max60), "max-queries-60s")
				b.Logf("%s: %d orders, detection p50 %v p95 %v max %v, %.1f queries per order, at most %d in an order's first 60 s",
					s.name, r.n, r.p50, r.p95, r.max, r.meanQueries, r.max60)
			}
		})
	}
}

type detection struct {
	n             int
	p50, p95, max time.Duration
	meanQueries   float64
	max60         int
}

// measuredGateway counts queries per order and delays each answer on its way back.
type measuredGateway struct {
	pos.Gateway
	back    time.Duration
	mu      sync.Mutex
	queries map[string][]time.Time
}

func (g *measuredGateway) Query(ctx context.Context, no string) (pos.OrderStatus, error) {
	g.mu.Lock()
	g.queries[no] = append(g.queries[no], time.Now())
	g.mu.Unlock()
	st, err := g.Gateway.Query(ctx, no)
	time.Sleep(g.back)
	return st, err
}

// payerDelays draws the design's log-normal payment delays.
func payerDelays(n int, seed int64) []time.Duration {
	rng := rand.New(rand.NewSource(seed))
	sigma := math.Log(25.0/12.0) / 1.2816
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(12*time.Second) * math.Exp(sigma*rng.NormFloat64()))
	}
	return out
}

// detectionRun runs n orders at once under poll and measures them.
func detectionRun(b *testing.B, poll pos.PollSchedule, n int, seed int64) detection {
	sb, _, cfgPath := newSandbox(b)
	sb.SetFaults([]sandbox.Fault{{Kind: sandbox.FaultLatency, Rate: 1, Delay: 100 * time.Millisecond}})
	cfg, err := payment.LoadConfig(cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	real, err := payment.NewGateway(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer real.Stop()
	led, err := storage.Open(filepath.Join(b.TempDir(), storage.FileName), storage.Options{NoAutoBackup: true})
	if err != nil {
		b.Fatal(err)
	}
	defer led.Close()
	gw := &measuredGateway{Gateway: real, back: 100 * time.Millisecond, queries: map[string][]time.Time{}}
	co, err := pos.NewCheckout(pos.Config{Gateway: gw, Ledger: led, TillID: "BENCH", Poll: poll})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	lat, awaitingAt := payAll(b, co, sb, payerDelays(n, seed))
	b.StopTimer()
	return summarize(lat, gw, awaitingAt)
}

// payAll starts one charge per delay; each customer pays delay after the QR is up. It
// returns each order's detection latency and when its QR went up.
func payAll(b *testing.B, co *pos.Checkout, sb *sandbox.Server, delays []time.Duration) ([]time.Duration, map[string]time.Time) {
	var mu sync.Mutex
	var lat []time.Duration
	awaitingAt := map[string]time.Time{}
	var wg sync.WaitGroup
	for _, d := range delays {
		wg.Add(1)
		var paidAt time.Time
		var once sync.Once
		ch, err := co.StartNative(context.Background(), amountCart(100), func(u pos.Update) {
			switch u.Phase {
			case pos.PhaseAwaiting:
				once.Do(func() {
					mu.Lock()
					awaitingAt[u.Sale.OutTradeNo] = time.Now()
					mu.Unlock()
					time.AfterFunc(d, func() {
						mu.Lock()
						defer mu.Unlock()
						if err := sb.Pay(u.Sale.OutTradeNo); err != nil {
							b.Error(err)
						}
						paidAt = time.Now()
					})
				})
			case pos.PhasePaid:
				mu.Lock()
				lat = append(lat, time.Since(paidAt))
				mu.Unlock()
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		go func() { <-ch.Done(); wg.Done() }()
	}
	wg.Wait()
	return lat, awaitingAt
}

func summarize(lat []time.Duration, gw *measuredGateway, awaitingAt map[string]time.Time) detection {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := detection{n: len(lat)}
	if r.n == 0 {
		return r
	}
	r.p50, r.p95, r.max = lat[r.n*50/100], lat[(r.n*95+99)/100-1], lat[r.n-1]
	total := 0
	for no, qs := range gw.queries {
		total += len(qs)
		in60 := 0
		for _, q := range qs {
			if q.Sub(awaitingAt[no]) <= time.Minute {
				in60++
			}
		}
		r.max60 = max(r.max60, in60)
	}
	r.meanQueries = float64(total) / float64(r.n)
	return r
}
