package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// bridge is the one door from other goroutines (a charge's updates, recovery reports,
// timers, the demo simulator) to the widgets. Work is queued and run, in order, through
// fyne.Do by a single worker: nothing else in ui calls fyne.Do. One worker matters in
// tests too, where fyne.Do runs inline on its caller and several callers would race.
type bridge struct {
	mu      sync.Mutex
	queue   []func()
	wake    chan struct{} // a token means "the queue may have work"
	stop    chan struct{}
	stopped sync.Once
	timers  map[*timerKey]*time.Timer
}

func newBridge() *bridge {
	return &bridge{wake: make(chan struct{}, 1), stop: make(chan struct{}), timers: map[*timerKey]*time.Timer{}}
}

// post queues fn to run on the UI goroutine. It never blocks, so a charge's goroutine is
// never held up by a busy screen.
func (b *bridge) post(fn func()) {
	b.mu.Lock()
	b.queue = append(b.queue, fn)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// start runs the worker until close.
func (b *bridge) start() {
	go func() {
		for {
			select {
			case <-b.stop:
				return
			case <-b.wake:
				b.drain()
			}
		}
	}()
}

// drain runs what is queued now, in order, each through fyne.Do, and says how many ran.
// Tests call it on their own goroutine instead of starting the worker.
func (b *bridge) drain() int {
	b.mu.Lock()
	work := b.queue
	b.queue = nil
	b.mu.Unlock()
	for _, fn := range work {
		fyne.Do(fn)
	}
	return len(work)
}

// after runs fn on the UI goroutine once d has passed; the returned func cancels it.
func (b *bridge) after(d time.Duration, fn func()) (cancel func()) {
	key := new(timerKey)
	b.mu.Lock()
	defer b.mu.Unlock() // the timer is registered before its callback can forget it
	t := time.AfterFunc(d, func() {
		b.forget(key)
		b.post(fn)
	})
	b.timers[key] = t
	return func() {
		t.Stop()
		b.forget(key)
	}
}

// every runs fn on the UI goroutine every d until the returned func is called.
func (b *bridge) every(d time.Duration, fn func()) (cancel func()) {
	t := time.NewTicker(d)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				b.post(fn)
			case <-done:
				return
			case <-b.stop:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.Stop()
			close(done)
		})
	}
}

// timerKey names a pending timer.
type timerKey struct{ _ byte }

func (b *bridge) forget(key *timerKey) {
	b.mu.Lock()
	delete(b.timers, key)
	b.mu.Unlock()
}

// close stops the worker, the tickers and pending timers; later posts are never run.
func (b *bridge) close() {
	b.stopped.Do(func() {
		close(b.stop)
		b.mu.Lock()
		for _, t := range b.timers {
			t.Stop()
		}
		b.timers = map[*timerKey]*time.Timer{}
		b.mu.Unlock()
	})
}
