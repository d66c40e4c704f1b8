package pos

import (
	"testing"
	"time"
)

// The design target of the issue, checked on the simulation (deterministic seed).
func TestDefaultScheduleMeetsTarget(t *testing.T) {
	delays := designPayer.delays(50_000, 42)
	ours := simulate(DefaultPollSchedule(), designPayer, delays, DefaultOrderTTL)
	fixed := simulate(FixedPollSchedule(2*time.Second), designPayer, delays, DefaultOrderTTL)
	t.Logf("default: p50 %v p95 %v p99 %v, %.1f queries/paid order, %d in 60 s", ours.p50, ours.p95, ours.p99, ours.meanQueries, ours.in60)
	t.Logf("fixed 2s: p50 %v p95 %v p99 %v, %.1f queries/paid order, %d in 60 s", fixed.p50, fixed.p95, fixed.p99, fixed.meanQueries, fixed.in60)
	if ours.p95 > 1500*time.Millisecond {
		t.Errorf("p95 detection %v, want ≤ 1.5 s", ours.p95)
	}
	if ours.in60 > 32 {
		t.Errorf("%d queries in the first 60 s, want ≤ 32", ours.in60)
	}
	if ours.undetected != 0 {
		t.Errorf("%d payers never detected", ours.undetected)
	}
	if ours.p95 >= fixed.p95 || ours.in60 > fixed.in60+2 {
		t.Errorf("default (p95 %v, %d queries) is no better than a fixed 2 s poller (p95 %v, %d queries)", ours.p95, ours.in60, fixed.p95, fixed.in60)
	}
}

func TestScheduleSlotsAndNextAfter(t *testing.T) {
	p := PollSchedule{First: time.Second, Steps: []PollStep{{Until: 3 * time.Second, Every: time.Second}, {Until: time.Hour, Every: 5 * time.Second}}}
	s := time.Second
	tests := []struct {
		after, want time.Duration
	}{
		{-1, 1 * s}, {0, 1 * s}, {1 * s, 2 * s}, {1500 * time.Millisecond, 2 * s},
		{2 * s, 3 * s}, {3 * s, 8 * s}, {8 * s, 13 * s}, {9 * s, 13 * s},
	}
	for _, tt := range tests {
		if got := p.NextAfter(tt.after); got != tt.want {
			t.Errorf("NextAfter(%v) = %v, want %v", tt.after, got, tt.want)
		}
	}
	got := p.Slots(13 * s)
	want := []time.Duration{1 * s, 2 * s, 3 * s, 8 * s, 13 * s}
	if len(got) != len(want) {
		t.Fatalf("Slots = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Slots = %v, want %v", got, want)
		}
	}
}

// A broken schedule (zero or no steps) must still move forward.
func TestScheduleNeverSpins(t *testing.T) {
	for _, p := range []PollSchedule{{}, {First: time.Second, Steps: []PollStep{{Until: time.Hour}}}} {
		if got := p.NextAfter(10 * time.Second); got <= 10*time.Second {
			t.Errorf("%+v: NextAfter(10s) = %v", p, got)
		}
	}
}

func TestBackoff(t *testing.T) {
	p := PollSchedule{BackoffBase: time.Second, BackoffMax: 10 * time.Second}
	want := []time.Duration{0, 1, 2, 4, 8, 10, 10}
	for k, w := range want {
		if got := p.Backoff(k); got != w*time.Second {
			t.Errorf("Backoff(%d) = %v, want %v", k, got, w*time.Second)
		}
	}
	if got := (PollSchedule{}).Backoff(1); got != time.Second {
		t.Errorf("zero schedule Backoff(1) = %v, want 1s", got)
	}
}
