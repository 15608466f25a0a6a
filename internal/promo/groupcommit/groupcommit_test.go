package groupcommit_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/promo/groupcommit"
)

// TestWriterCommitsEverythingSubmittedInFewBatches: items submitted while a commit is
// on disk are written together, no batch exceeds max, and Close returns only after
// every submitted item was committed.
func TestWriterCommitsEverythingSubmittedInFewBatches(t *testing.T) {
	var mu sync.Mutex
	var batches [][]int
	slow := make(chan struct{})
	w := groupcommit.NewWriter(100, time.Millisecond, func(batch []int) {
		<-slow
		mu.Lock()
		batches = append(batches, append([]int(nil), batch...))
		mu.Unlock()
	})
	w.Start()
	w.Start() // twice is harmless
	for i := range 250 {
		w.Submit([]int{i})
	}
	close(slow)
	w.Close()
	w.Close()
	seen := map[int]bool{}
	for _, b := range batches {
		if len(b) > 100 {
			t.Fatalf("a batch of %d items, max 100", len(b))
		}
		for _, i := range b {
			seen[i] = true
		}
	}
	if len(seen) != 250 || len(batches) > 10 {
		t.Fatalf("%d of 250 items committed in %d batches", len(seen), len(batches))
	}
}

// TestWriterCloseWithoutStart does not block: nothing was ever committed.
func TestWriterCloseWithoutStart(t *testing.T) {
	groupcommit.NewWriter(10, 0, func([]int) { t.Error("committed without Start") }).Close()
}

type item struct{ owner *fakeOwner }

// TestSplitGroupsByOwnerInIDOrder: each owner once, in id order (the lock order), its
// items in submission order.
func TestSplitGroupsByOwnerInIDOrder(t *testing.T) {
	a, b := &fakeOwner{id: 7}, &fakeOwner{id: 3}
	batch := []item{{a}, {b}, {a}, {b}, {b}}
	groups := groupcommit.Split(batch, func(i item) *fakeOwner { return i.owner }, func(o *fakeOwner) int64 { return o.id })
	if len(groups) != 2 || groups[0].Owner != b || len(groups[0].Items) != 3 || groups[1].Owner != a || len(groups[1].Items) != 2 {
		t.Fatalf("groups: %+v", groups)
	}
}

type fakeOwner struct {
	id      int64
	running atomic.Bool
	stopped atomic.Bool
}

func (o *fakeOwner) Run()  { o.running.Store(true) }
func (o *fakeOwner) Stop() { o.stopped.Store(true) }

// TestOwnersBuildOnceAndNotWhileShuttingDown: concurrent first uses build one owner;
// after Shutdown every owner was stopped, new ones are refused with Unavailable, and a
// second Shutdown does nothing.
func TestOwnersBuildOnceAndNotWhileShuttingDown(t *testing.T) {
	unavailable := errors.New("restarting")
	r := &groupcommit.Owners[*fakeOwner]{Unavailable: func() error { return unavailable }}
	var builds atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.For(1, nil, func() (*fakeOwner, error) { builds.Add(1); return &fakeOwner{id: 1}, nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	o, ok := r.Loaded(1)
	if builds.Load() != 1 || !ok {
		t.Fatalf("%d builds, loaded %v", builds.Load(), ok)
	}
	if _, err := r.For(2, func() error { return errors.New("no such sale") }, nil); err == nil {
		t.Fatal("a failing check still built an owner")
	}
	var after []int64
	if !r.Shutdown(groupcommit.NewWriter(1, 0, func([]int) {}), func(o *fakeOwner) { after = append(after, o.id) }) {
		t.Fatal("first Shutdown reported already shut down")
	}
	if !o.stopped.Load() || len(after) != 1 {
		t.Fatalf("owner stopped %v, after ran for %v", o.stopped.Load(), after)
	}
	if _, err := r.For(3, nil, func() (*fakeOwner, error) { return &fakeOwner{id: 3}, nil }); err != unavailable {
		t.Fatalf("an owner built while shutting down: %v", err)
	}
	if r.Retire(1) || r.Shutdown(nil, nil) {
		t.Fatal("retire or a second shutdown acted after the shutdown")
	}
}

// TestDecideQueuedHandsOverInOneMessage: what is queued behind the first request is
// decided in the same wake-up and submitted once; refusals (the zero value) are not.
func TestDecideQueuedHandsOverInOneMessage(t *testing.T) {
	var got [][]*int
	w := groupcommit.NewWriter(1000, 0, func(batch []*int) { got = append(got, append([]*int(nil), batch...)) })
	w.Start()
	queue := make(chan int, 10)
	for i := 1; i < 10; i++ {
		queue <- i
	}
	var reload atomic.Bool
	groupcommit.DecideQueued(w, 0, queue, &reload, func() { t.Error("reloaded without need") }, func(i int) *int {
		if i%3 == 0 {
			return nil // refused
		}
		return &i
	})
	w.Close()
	if len(got) != 1 || len(got[0]) != 6 {
		t.Fatalf("submitted %d messages %v, want one of 6 accepted", len(got), got)
	}
}
