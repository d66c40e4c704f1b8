package ui

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// Work posted from many goroutines runs on one goroutine, in the order each poster
// posted it.
func TestBridgeRunsPostsInOrderOnOneGoroutine(t *testing.T) {
	test.NewTempApp(t)
	b := newBridge()
	var got [3][]int // touched only by the drained work: no lock, -race checks that
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				b.post(func() { got[g] = append(got[g], i) })
			}
		}()
	}
	wg.Wait()
	if n := b.drain(); n != 300 {
		t.Fatalf("drained %d, want 300", n)
	}
	for g, seq := range got {
		for i, v := range seq {
			if v != i {
				t.Fatalf("poster %d: item %d ran as %d: order lost", g, i, v)
			}
		}
	}
}

// A cancelled timer never runs; a ticker stops when told; close stops pending timers.
func TestBridgeTimers(t *testing.T) {
	test.NewTempApp(t)
	b := newBridge()
	ran := map[string]int{}
	cancel := b.after(30*time.Millisecond, func() { ran["cancelled"]++ })
	cancel()
	b.after(time.Millisecond, func() { ran["after"]++ })
	stop := b.every(5*time.Millisecond, func() { ran["every"]++ })
	deadline := time.Now().Add(5 * time.Second)
	for (ran["after"] == 0 || ran["every"] < 3) && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
		b.drain()
	}
	stop()
	time.Sleep(20 * time.Millisecond)
	b.drain()
	ticks := ran["every"]
	b.after(20*time.Millisecond, func() { ran["closed"]++ })
	b.close()
	time.Sleep(60 * time.Millisecond)
	b.drain()
	if ran["after"] != 1 || ticks < 3 || ran["every"] != ticks || ran["cancelled"] != 0 || ran["closed"] != 0 {
		t.Errorf("runs = %v (ticks before stop %d): want after 1, every ≥ 3 then no more, cancelled and closed 0", ran, ticks)
	}
}
