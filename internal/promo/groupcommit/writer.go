// Package groupcommit is the machinery the in-room tools' hot paths share (red-envelope
// grabs in promo, flash-sale orders in flashsale): one owner goroutine per envelope or
// sale decides each request in memory, and one group-commit writer writes everything
// the owners decided since its last commit in one transaction, then answers those
// callers. Nothing is acknowledged before it is durable.
//
// The package holds only the parts that do not depend on what is sold: the writer's
// batching (Writer), the grouping of a batch by owner in lock order (Split), the
// owners' registry with its start-up and shutdown rules (Owners) and the owner's
// "decide what is queued, hand it over in one message" loop (DecideQueued). What a
// commit writes and how it answers stays with each tool.
package groupcommit

import (
	"cmp"
	"slices"
	"sync/atomic"
	"time"
)

// Writer is a group commit: one goroutine takes every item submitted since its last
// commit (up to max) and hands them to commit as one batch. While a commit is on disk
// the next items queue up, and once it has one item the writer keeps collecting for up
// to linger, so a storm is written in a few large transactions (a commit costs about as
// much as a few hundred rows) and a lone item waits at most linger.
type Writer[T any] struct {
	in      chan []T // each message: what one owner decided in one wake-up
	done    chan struct{}
	max     int
	linger  time.Duration
	commit  func(batch []T)
	started atomic.Bool
	closed  atomic.Bool
}

// NewWriter returns a writer that calls commit with each batch; commit must answer
// every item of it. The batch slice is reused after commit returns.
func NewWriter[T any](max int, linger time.Duration, commit func(batch []T)) *Writer[T] {
	return &Writer[T]{in: make(chan []T, 4096), done: make(chan struct{}), max: max, linger: linger, commit: commit}
}

// Submit queues what one owner decided; it blocks only while the queue is full.
func (w *Writer[T]) Submit(items []T) { w.in <- items }

// Start runs the writer's goroutine; starting twice does nothing.
func (w *Writer[T]) Start() {
	if w.started.Swap(true) {
		return
	}
	go w.run()
}

// Close stops the writer after it has committed and answered everything submitted.
// Safe without Start (then nothing was committed) and twice.
func (w *Writer[T]) Close() {
	if !w.started.Load() || w.closed.Swap(true) {
		return
	}
	close(w.in)
	<-w.done
}

func (w *Writer[T]) run() {
	defer close(w.done)
	batch := make([]T, 0, w.max)
	for {
		items, ok := <-w.in
		if !ok {
			return
		}
		batch = w.fill(append(batch[:0], items...))
		w.commit(batch)
	}
}

// fill adds what is queued to batch, lingering for more while under max.
func (w *Writer[T]) fill(batch []T) []T {
	var deadline <-chan time.Time
	for len(batch) < w.max {
		select {
		case items, ok := <-w.in:
			if !ok {
				return batch
			}
			batch = append(batch, items...)
			continue
		default:
		}
		if w.linger <= 0 {
			return batch
		}
		if deadline == nil {
			t := time.NewTimer(w.linger)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case items, ok := <-w.in:
			if !ok {
				return batch
			}
			batch = append(batch, items...)
		case <-deadline:
			return batch
		}
	}
	return batch
}

// Group is the items of one owner within a batch.
type Group[O comparable, T any] struct {
	Owner O
	Items []T
}

// Split groups a batch by owner (each owner once, its items in batch order) and sorts
// the groups by the owner's id: a fixed lock order across nodes, so two writers on
// PostgreSQL never deadlock.
func Split[O comparable, T any](batch []T, owner func(T) O, id func(O) int64) []Group[O, T] {
	var groups []Group[O, T]
	for _, item := range batch {
		o := owner(item)
		i := slices.IndexFunc(groups, func(g Group[O, T]) bool { return g.Owner == o })
		if i < 0 {
			i = len(groups)
			groups = append(groups, Group[O, T]{Owner: o})
		}
		groups[i].Items = append(groups[i].Items, item)
	}
	slices.SortFunc(groups, func(a, b Group[O, T]) int { return cmp.Compare(id(a.Owner), id(b.Owner)) })
	return groups
}
