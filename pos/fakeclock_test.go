package pos

import (
	"sort"
	"sync"
	"testing"
	"time"
)

// fakeClock is time that tests move. Its timers can be stopped (stoppableClock), so a
// charge blocked in a wait has exactly one live timer: the test knows the charge is idle
// and can jump to that timer's time.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	nextID  int
	timers  map[int]*fakeTimer
	changed chan struct{} // closed and replaced on every change of timers
}

type fakeTimer struct {
	id int
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local), timers: map[int]*fakeTimer{}, changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch, _ := c.Timer(d)
	return ch
}

func (c *fakeClock) Timer(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch, func() {}
	}
	c.nextID++
	id := c.nextID
	c.timers[id] = &fakeTimer{id: id, at: c.now.Add(d), ch: ch}
	c.notify()
	return ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.timers[id]; ok {
			delete(c.timers, id)
			c.notify()
		}
	}
}

func (c *fakeClock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Advance moves time by d and fires the timers due.
func (c *fakeClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves time to t (never back) and fires the timers due, in order.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	var due []*fakeTimer
	for id, tm := range c.timers {
		if !tm.at.After(c.now) {
			due = append(due, tm)
			delete(c.timers, id)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, tm := range due {
		tm.ch <- tm.at
	}
	if len(due) > 0 {
		c.notify()
	}
}

// nextTimer waits (real time, bounded) until a live timer with an id above after
// exists, or done is closed; it returns that timer's id and time.
func (c *fakeClock) nextTimer(t *testing.T, after int, done <-chan struct{}) (int, time.Time, bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		best := (*fakeTimer)(nil)
		for _, tm := range c.timers {
			if tm.id > after && (best == nil || tm.at.Before(best.at)) {
				best = tm
			}
		}
		changed := c.changed
		c.mu.Unlock()
		if best != nil {
			return best.id, best.at, true
		}
		select {
		case <-done:
			return 0, time.Time{}, false
		case <-changed:
		case <-deadline:
			t.Fatalf("fake clock: nothing waits on a timer and the charge is not done")
		}
	}
}

// timerGone waits until timer id is fired or stopped, or done is closed.
func (c *fakeClock) timerGone(t *testing.T, id int, done <-chan struct{}) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		_, live := c.timers[id]
		changed := c.changed
		c.mu.Unlock()
		if !live {
			return
		}
		select {
		case <-done:
			return
		case <-changed:
		case <-deadline:
			t.Fatalf("fake clock: timer %d still waits", id)
		}
	}
}
