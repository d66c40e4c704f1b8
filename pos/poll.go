package pos

import "time"

// PollStep says: while the order is younger than Until, query every Every.
type PollStep struct {
	Until time.Duration
	Every time.Duration
}

// PollSchedule is when a Native order is queried, as offsets from the moment its QR went
// up. Queries are planned by send time on this fixed grid, so a slow answer does not
// stretch the cadence. See docs/CHECKOUT.md for how the default was designed.
type PollSchedule struct {
	First time.Duration // the first query (nobody scans and pays faster than this)
	Steps []PollStep    // in order of Until; after the last step its Every goes on
	// Backoff on FREQUENCY_LIMITED and network errors: after k failures in a row the
	// next query waits at least min(BackoffBase·2^(k-1), BackoffMax).
	BackoffBase time.Duration
	BackoffMax  time.Duration
}

// DefaultPollSchedule meets the design target for customers who pay after a log-normal
// delay (median 12 s, 90 % within 25 s) over 200 ms round trips: detection p95 ≤ 1.5 s
// with at most 32 queries in an order's first 60 s (TestDefaultScheduleMeetsTarget), and
// then slows to background checks until expiry.
func DefaultPollSchedule() PollSchedule {
	return PollSchedule{
		First: 3 * time.Second,
		Steps: []PollStep{
			{Until: 24 * time.Second, Every: 1200 * time.Millisecond}, // most pay here
			{Until: 36 * time.Second, Every: 1700 * time.Millisecond},
			{Until: 3 * time.Minute, Every: 5 * time.Second},
			{Until: 10 * time.Minute, Every: 15 * time.Second},
			{Until: 24 * time.Hour, Every: 30 * time.Second}, // background checks until expiry
		},
		BackoffBase: time.Second,
		BackoffMax:  30 * time.Second,
	}
}

// FixedPollSchedule queries every d from d on: WeChat's own example uses 2 s.
func FixedPollSchedule(d time.Duration) PollSchedule {
	return PollSchedule{First: d, Steps: []PollStep{{Until: 24 * time.Hour, Every: d}},
		BackoffBase: time.Second, BackoffMax: 30 * time.Second}
}

// every is the gap after a query sent at offset at.
func (p PollSchedule) every(at time.Duration) time.Duration {
	for _, s := range p.Steps {
		if at < s.Until {
			return s.Every
		}
	}
	if n := len(p.Steps); n > 0 {
		return p.Steps[n-1].Every
	}
	return 2 * time.Second
}

// NextAfter is the first planned send offset strictly after offset after.
func (p PollSchedule) NextAfter(after time.Duration) time.Duration {
	at := p.First
	for at <= after {
		gap := p.every(at)
		if gap <= 0 { // a broken schedule must not spin
			gap = time.Second
		}
		at += gap
	}
	return at
}

// Slots lists the planned send offsets up to and including until.
func (p PollSchedule) Slots(until time.Duration) []time.Duration {
	var out []time.Duration
	for at := p.First; at <= until; at = p.NextAfter(at) {
		out = append(out, at)
	}
	return out
}

// Backoff is the least wait after failures failed queries in a row (0 when none).
func (p PollSchedule) Backoff(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	base, max := p.BackoffBase, p.BackoffMax
	if base <= 0 {
		base = time.Second
	}
	if max < base {
		max = base
	}
	d := base
	for i := 1; i < failures && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}
