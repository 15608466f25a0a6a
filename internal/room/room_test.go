package room_test

import (
	"testing"

	"github.com/siyu-live/siyu/internal/room"
)

// TestJoinCommentLikesAndLeave: the welcome, a comment reaching every connection as
// comment{id, text, viewer_id, nickname}, likes aggregated into stats, online counts.
func TestJoinCommentLikesAndLeave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	aliceID, aliceTok := e.viewer("小红")
	_, bobTok := e.viewer("小明")
	host := e.dial(e.hostToken)
	w := host.waitFor("welcome", nil)
	if w["member"].(map[string]any)["role"] != "host" || w["session"].(map[string]any)["title"] != "春季上新" {
		t.Fatalf("host welcome: %v", w)
	}
	alice := e.dial(aliceTok)
	w = alice.waitFor("welcome", nil)
	if m := w["member"].(map[string]any); num(m, "viewer_id") != aliceID || m["nickname"] != "小红" || m["role"] != "viewer" {
		t.Fatalf("viewer welcome: %v", w)
	}
	if w["session"].(map[string]any)["announcement"] != "欢迎来到直播间" {
		t.Fatalf("welcome lacks the announcement: %v", w)
	}
	bob := e.dial(bobTok)
	bob.waitFor("welcome", nil)
	alice.waitFor("stats", statsWith("online", 2))
	host.waitFor("prompt", func(m map[string]any) bool { return m["kind"] == "welcome" && m["nickname"] == "小红" })

	alice.comment("大家好")
	for _, c := range []*client{alice, bob, host} {
		ev := c.waitFor("comment", textIs("大家好"))
		if num(ev, "id") <= 0 || num(ev, "viewer_id") != aliceID || ev["nickname"] != "小红" {
			t.Fatalf("comment shape: %v", ev)
		}
	}
	bob.send(map[string]any{"type": "like", "count": 30})
	bob.send(map[string]any{"type": "like", "count": 500}) // capped at 100
	bob.send(map[string]any{"type": "like"})
	host.waitFor("stats", statsWith("likes", 131))
	st := alice.waitFor("stats", statsWith("likes", 131))
	if num(st, "comments") != 1 || num(st, "viewers") != 2 || num(st, "peak") != 2 {
		t.Fatalf("stats: %v", st)
	}
	bob.ws.Close()
	alice.waitFor("stats", statsWith("online", 1))
	if got := e.svc().Stats(e.session); got.Online != 1 || got.Likes != 131 {
		t.Fatalf("Service.Stats: %+v", got)
	}
}
