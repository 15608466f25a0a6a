package room_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room"
)

// TestCoStreamAndInvites: pairing with another session shows the partner to everyone;
// an invitation reaches the hosts only; an interrupted stream is announced.
func TestCoStreamAndInvites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	e.dir.mu.Lock()
	e.dir.sessions[777] = room.SessionInfo{ID: 777, TenantID: e.tenant, Title: "隔壁直播间", HostName: "主播阿强", VideoURL: "https://v.example/777.m3u8", Status: "live"}
	e.dir.mu.Unlock()
	_, tok := e.viewer("小红")
	viewer, host := e.dial(tok), e.dial(e.hostToken)
	viewer.waitFor("welcome", nil)
	host.waitFor("welcome", nil)

	data, _ := json.Marshal(room.Control{Type: "co_stream_invite", SessionID: e.session, FromSessionID: 777})
	must(t, e.sharedBus.Publish(context.Background(), room.ControlSubject(e.session), data))
	inv := host.waitFor("co_stream_invite", nil)
	if num(inv, "from_session_id") != 777 || inv["host_name"] != "主播阿强" {
		t.Fatalf("invite: %v", inv)
	}
	e.update(func(s *room.SessionInfo) { s.CoStream = 777 })
	for _, c := range []*client{viewer, host} {
		ev := c.waitFor("co_stream", nil)
		p, _ := ev["partner"].(map[string]any)
		if num(p, "session_id") != 777 || p["title"] != "隔壁直播间" || p["host_name"] != "主播阿强" || p["video_url"] != "https://v.example/777.m3u8" {
			t.Fatalf("co_stream: %v", ev)
		}
	}
	// A late joiner learns the pairing from the welcome.
	_, tok2 := e.viewer("后来的")
	late := e.dial(tok2)
	if w := late.waitFor("welcome", nil); w["co_stream"] == nil {
		t.Fatalf("welcome lacks the co-stream partner: %v", w)
	}
	e.update(func(s *room.SessionInfo) { s.CoStream = 0; s.Interrupted = true; s.Announcement = "马上回来" })
	// In the order the room sends them.
	viewer.waitFor("announcement", func(m map[string]any) bool { return m["text"] == "马上回来" })
	viewer.waitFor("session", func(m map[string]any) bool { return m["interrupted"] == true })
	viewer.waitFor("co_stream", func(m map[string]any) bool { return m["partner"] == nil })
	select {
	case ev := <-viewer.events:
		if ev["type"] == "co_stream_invite" {
			t.Fatalf("a viewer got the host's invitation: %v", ev)
		}
	default:
	}
}

// TestIdleRoomClosesAndReloads: an empty room's hub closes; the next join starts a new
// hub that reloads the stored counters.
func TestIdleRoomClosesAndReloads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{IdleClose: 30 * time.Millisecond})
	_, tok := e.viewer("小红")
	c := e.dial(tok)
	c.waitFor("welcome", nil)
	c.comment("第一条")
	c.waitFor("comment", textIs("第一条"))
	c.send(map[string]any{"type": "like", "count": 9})
	c.waitFor("stats", statsWith("likes", 9))
	c.ws.Close()
	deadline := time.Now().Add(5 * time.Second)
	for e.svc().Stats(e.session) != (room.Stats{}) {
		if time.Now().After(deadline) {
			t.Fatal("the empty room's hub did not close")
		}
		time.Sleep(10 * time.Millisecond)
	}
	again := e.dial(tok)
	st := again.waitFor("welcome", nil)["stats"].(map[string]any)
	if num(st, "likes") != 9 || num(st, "comments") != 1 || num(st, "viewers") != 1 || num(st, "peak") != 1 {
		t.Fatalf("reloaded stats: %v", st)
	}
}
