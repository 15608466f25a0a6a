package groupcommit

import (
	"sync/atomic"
	"time"
)

// maxDecided bounds the requests an owner decides in one wake-up, so one message to
// the writer stays small and the owner answers its control channel in time.
const maxDecided = 256

// DecideQueued is an owner's wake-up: it decides r and every request already queued
// behind it (up to a bound) and submits the accepted ones to w in one message. decide
// answers a refusal itself and returns the zero T; an accepted T is answered by the
// writer after its commit. When needReload is set (a commit failed), what was accepted
// so far is submitted first and reload runs before the next decision, because a
// reload waits for every decided request to be answered.
func DecideQueued[R any, T comparable](w *Writer[T], r R, queue <-chan R, needReload *atomic.Bool, reload func(),
	decide func(R) T) {
	var zero T
	var accepted []T
	for n := 0; ; n++ {
		if needReload.Load() {
			if len(accepted) > 0 {
				w.Submit(accepted)
				accepted = nil
			}
			reload()
		}
		if p := decide(r); p != zero {
			accepted = append(accepted, p)
		}
		if n == maxDecided-1 {
			break
		}
		select {
		case r = <-queue:
			continue
		default:
		}
		break
	}
	if len(accepted) > 0 {
		w.Submit(accepted)
	}
}

// Drain blocks an owner until none of its decided requests waits for its commit:
// inflight counts them, and the writer takes each off once answered.
func Drain(inflight *atomic.Int64) {
	for inflight.Load() > 0 {
		time.Sleep(200 * time.Microsecond)
	}
}
