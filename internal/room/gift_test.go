package room_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/room"
)

// TestGiftsShareFollowAndHostPrompts: gifts add to gift_value and reach everyone; the
// host is prompted to thank the giver by name and, for a large gift, to send a red
// envelope back; shares and follows are counted and announced.
func TestGiftsShareFollowAndHostPrompts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	id, tok := e.viewer("土豪")
	_, bobTok := e.viewer("小明")
	alice, bob, host := e.dial(tok), e.dial(bobTok), e.dial(e.hostToken)
	bob.waitFor("welcome", nil)
	host.waitFor("welcome", nil)
	alice.send(map[string]any{"type": "gift", "gift_id": 1, "count": 3})
	ev := bob.waitFor("gift", nil)
	if num(ev, "viewer_id") != id || ev["nickname"] != "土豪" || num(ev, "gift_id") != 1 || ev["name"] != "小心心" ||
		num(ev, "value") != 300 || num(ev, "count") != 3 {
		t.Fatalf("gift event: %v", ev)
	}
	// Prompts carry what a page needs to word them in any language, besides the
	// Chinese text.
	p := host.waitFor("prompt", func(m map[string]any) bool { return m["kind"] == "thank_gift" })
	if p["nickname"] != "土豪" || num(p, "viewer_id") != id || num(p, "gift_id") != 1 || p["gift_name"] != "小心心" ||
		num(p, "gift_value") != 300 || num(p, "count") != 3 || p["text"] != "感谢 土豪 送出的小心心 ×3！" {
		t.Fatalf("thank prompt: %v", p)
	}
	alice.send(map[string]any{"type": "gift", "gift_id": 2})
	p = host.waitFor("prompt", func(m map[string]any) bool { return m["kind"] == "suggest_red_envelope" })
	if p["nickname"] != "土豪" || num(p, "viewer_id") != id || num(p, "gift_id") != 2 || p["gift_name"] != "嘉年华" ||
		num(p, "gift_value") != 60000 || num(p, "count") != 1 || !strings.Contains(p["text"].(string), "嘉年华") {
		t.Fatalf("red envelope prompt: %v", p)
	}
	bob.waitFor("stats", statsWith("gift_value", 60300))
	alice.send(map[string]any{"type": "gift", "gift_id": 99})
	if ev := alice.waitFor("error", nil); ev["code"] != "not_found" {
		t.Fatalf("unknown gift: %v", ev)
	}
	bob.send(map[string]any{"type": "share"})
	alice.waitFor("share", func(m map[string]any) bool { return m["nickname"] == "小明" })
	bob.send(map[string]any{"type": "follow"})
	alice.waitFor("follow", func(m map[string]any) bool { return m["nickname"] == "小明" })
	bob.send(map[string]any{"type": "follow"}) // idempotent: counted once
	st := alice.waitFor("stats", func(m map[string]any) bool { return num(m, "shares") == 1 && num(m, "follows") == 1 })
	if num(st, "gift_value") != 60300 {
		t.Fatalf("stats: %v", st)
	}
	// The host's own screen never shows prompts to viewers.
	select {
	case ev := <-bob.events:
		if ev["type"] == "prompt" {
			t.Fatalf("a viewer got a host prompt: %v", ev)
		}
	default:
	}
}

// TestBadFramesAnswerErrorEvents: malformed input gets an error event naming the
// field; the connection stays usable.
func TestBadFramesAnswerErrorEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	_, tok := e.viewer("小红")
	c := e.dial(tok)
	c.waitFor("welcome", nil)
	for _, tc := range []struct {
		frame string
		field string
	}{
		{`not json`, ""},
		{`{"type":"dance"}`, "type"},
		{`{"text":"hi"}`, "type"},
		{`{"type":"comment"}`, "text"},
		{`{"type":"comment","text":"   "}`, "text"},
		{`{"type":"comment","text":"` + strings.Repeat("长", 301) + `"}`, "text"},
		{`{"type":"comment","text":12}`, "text"},
		{`{"type":"like","count":-1}`, "count"},
		{`{"type":"like","count":"many"}`, "count"},
		{`{"type":"gift"}`, "gift_id"},
		{`[1,2]`, ""},
	} {
		if err := c.ws.WriteMessage(1, []byte(tc.frame)); err != nil {
			t.Fatal(err)
		}
		ev := c.waitFor("error", nil)
		if ev["code"] != "invalid" || (tc.field != "" && ev["field"] != tc.field) {
			t.Errorf("%s: %v", tc.frame, ev)
		}
	}
	c.comment("\x00\x1b[31m好\u0007")
	c.waitFor("comment", textIs("[31m好"))
	c.send(map[string]any{"type": "ping"})
	c.waitFor("pong", nil)
}

// TestJoinRules: scheduled rooms are open (with the countdown), drafts and ended
// sessions answer an error event and close, bad tokens are refused before upgrade.
func TestJoinRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	_, tok := e.viewer("小红")
	e.update(func(s *room.SessionInfo) { s.Status = "draft" })
	c := e.dial(tok)
	if ev := c.waitFor("error", nil); ev["code"] != "not_open" {
		t.Fatalf("draft: %v", ev)
	}
	c.waitClosed()
	e.update(func(s *room.SessionInfo) { s.Status = "scheduled"; s.ScheduledAt = e.clock.now().Add(3600e9) })
	c = e.dial(tok)
	w := c.waitFor("welcome", nil)
	if s := w["session"].(map[string]any); s["status"] != "scheduled" || s["scheduled_at"] == nil {
		t.Fatalf("scheduled welcome: %v", w)
	}
	c.comment("还没开始")
	if ev := c.waitFor("error", nil); ev["code"] != "not_live" {
		t.Fatalf("comment before live: %v", ev)
	}
	e.update(func(s *room.SessionInfo) { s.Status = "live" })
	c.waitFor("session", func(m map[string]any) bool { return m["status"] == "live" })
	e.update(func(s *room.SessionInfo) { s.Status = "ended" })
	c.waitFor("ended", nil)
	c.waitClosed()
	c = e.dial(tok)
	c.waitFor("ended", nil)
	if ev := c.waitFor("error", nil); ev["code"] != "session_ended" {
		t.Fatalf("join after end: %v", ev)
	}
	_, res, err := websocketDial(e, "bad-token")
	if err == nil || res == nil || res.StatusCode != 401 {
		t.Fatalf("bad token: %v %v", err, res)
	}
}
