package pos

import (
	"math"
	"math/rand"
	"sort"
	"time"
)

// payerModel is the design's customer: pays after a log-normal delay (median 12 s,
// 90 % within 25 s: sigma = ln(25/12)/1.2816 ≈ 0.573), over a link of round trip rtt.
type payerModel struct {
	median time.Duration
	sigma  float64
	rtt    time.Duration
}

var designPayer = payerModel{median: 12 * time.Second, sigma: math.Log(25.0/12.0) / 1.2816, rtt: 200 * time.Millisecond}

// delays draws n payment delays with a fixed seed.
func (m payerModel) delays(n int, seed int64) []time.Duration {
	rng := rand.New(rand.NewSource(seed))
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(float64(m.median) * math.Exp(m.sigma*rng.NormFloat64()))
	}
	return out
}

// simResult is what a schedule gives over a population of payers.
type simResult struct {
	p50, p95, p99 time.Duration // detection latency: payment → the till knows
	meanQueries   float64       // per paid order, queries until detection
	in60          int           // queries in the first 60 s of an order nobody pays
	undetected    int           // payers not detected within horizon
}

// simulate replays the schedule against each delay: a query sent at s reaches WeChat at
// s+rtt/2 and its answer is back at s+rtt.
func simulate(p PollSchedule, m payerModel, delays []time.Duration, horizon time.Duration) simResult {
	slots := p.Slots(horizon)
	var lat []time.Duration
	res := simResult{}
	total := 0
	for _, x := range delays {
		found := false
		for i, s := range slots {
			if s+m.rtt/2 >= x {
				lat = append(lat, s+m.rtt-x)
				total += i + 1
				found = true
				break
			}
		}
		if !found {
			res.undetected++
		}
	}
	for _, s := range slots {
		if s <= time.Minute {
			res.in60++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if n := len(lat); n > 0 {
		res.p50, res.p95, res.p99 = lat[n*50/100], lat[n*95/100], lat[n*99/100]
		res.meanQueries = float64(total) / float64(n)
	}
	return res
}
