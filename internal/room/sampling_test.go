package room_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room"
)

// TestSamplingKeepsStaffGiftsAndOwnComments: above SampleAbove, viewers see at most
// MaxCommentsPerTick ordinary comments per tick, but every host comment and gift, and
// each sender sees all of their own; the host sees every comment.
func TestSamplingKeepsStaffGiftsAndOwnComments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{SampleAbove: 2, MaxCommentsPerTick: 1, Tick: 150 * time.Millisecond, StatsEvery: time.Hour})
	var senders []*client
	for i := range 3 {
		_, tok := e.viewer(fmt.Sprintf("观众%d", i))
		senders = append(senders, e.dial(tok))
	}
	_, watchTok := e.viewer("围观")
	watcher := e.dial(watchTok)
	host := e.dial(e.hostToken)
	host.waitFor("welcome", nil)
	watcher.waitFor("welcome", nil)
	for _, s := range senders {
		s.waitFor("welcome", nil)
	}
	const each = 5
	for i, s := range senders {
		for j := range each {
			s.comment(fmt.Sprintf("c-%d-%d", i, j))
		}
	}
	host.comment("主播：上链接")
	senders[0].send(map[string]any{"type": "gift", "gift_id": 1})
	// The host gets every comment.
	total := len(senders)*each + 1
	seen := map[string]bool{}
	for len(seen) < total {
		ev := host.waitFor("comment", nil)
		seen[ev["text"].(string)] = true
	}
	// Each sender gets all of their own.
	for i, s := range senders {
		own := 0
		for own < each {
			ev := s.waitFor("comment", nil)
			if strings.HasPrefix(ev["text"].(string), fmt.Sprintf("c-%d-", i)) {
				own++
			}
		}
	}
	// The watcher gets the host's comment and the gift, but not every ordinary comment.
	ordinary, hostSeen, gift := 0, false, false
	deadline := time.After(3 * time.Second)
	for !(hostSeen && gift) {
		select {
		case ev := <-watcher.events:
			switch {
			case ev["type"] == "comment" && ev["role"] == "host":
				hostSeen = true
			case ev["type"] == "comment":
				ordinary++
			case ev["type"] == "gift":
				gift = true
			}
		case <-deadline:
			t.Fatalf("watcher: host comment %v, gift %v", hostSeen, gift)
		}
	}
	drain := time.After(500 * time.Millisecond)
	for done := false; !done; {
		select {
		case ev := <-watcher.events:
			if ev["type"] == "comment" && ev["role"] != "host" {
				ordinary++
			}
		case <-drain:
			done = true
		}
	}
	if ordinary >= len(senders)*each {
		t.Fatalf("watcher saw %d of %d ordinary comments: nothing was sampled", ordinary, len(senders)*each)
	}
	if e.svc().Metrics().Sampled() == 0 {
		t.Fatal("no comment counted as sampled")
	}
	st := e.svc().Stats(e.session)
	if st.Comments != int64(total) {
		t.Fatalf("sampled comments are still counted: %+v", st)
	}
}
