package room_test

import (
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room"
)

// activityWatcher sums what the rooms tell it per viewer.
type activityWatcher struct {
	mu  sync.Mutex
	got map[int64]room.ViewerActivity
}

func (w *activityWatcher) OnActivity(a room.Activity) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, v := range a.Viewers {
		s := w.got[v.ViewerID]
		s.ViewerID = v.ViewerID
		s.Joins += v.Joins
		s.FirstJoin = s.FirstJoin || v.FirstJoin
		s.WatchMs += v.WatchMs
		s.Comments += v.Comments
		s.GiftFen += v.GiftFen
		w.got[v.ViewerID] = s
	}
}

func (w *activityWatcher) of(id int64) room.ViewerActivity {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.got[id]
}

// TestActivityWatcherHearsJoinsWatchTimeAndGifts: after each commit the CRM's watcher
// is told, per viewer, the first join, shown comments, gift value and the watch time
// booked (here on leaving); staff are never told.
func TestActivityWatcherHearsJoinsWatchTimeAndGifts(t *testing.T) {
	t.Parallel()
	w := &activityWatcher{got: map[int64]room.ViewerActivity{}}
	e := newEnv(t, room.Options{Activity: w})
	id, tok := e.viewer("小红")
	alice, host := e.dial(tok), e.dial(e.hostToken)
	alice.waitFor("welcome", nil)
	host.waitFor("welcome", nil)
	alice.comment("好看")
	alice.send(map[string]any{"type": "gift", "gift_id": 1, "count": 3})
	host.comment("谢谢")
	host.waitFor("gift", nil)
	e.clock.advance(2 * time.Minute)
	alice.ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for w.of(id).WatchMs < (2 * time.Minute).Milliseconds() {
		if time.Now().After(deadline) {
			t.Fatalf("watch time never told: %+v", w.of(id))
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := w.of(id)
	if got.Joins != 1 || !got.FirstJoin || got.Comments != 1 || got.GiftFen != 300 {
		t.Fatalf("told %+v, want one first join, one comment, 300 fen of gifts", got)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.got) != 1 {
		t.Fatalf("told about staff too: %+v", w.got)
	}
}
