package room_test

import (
	"context"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/room"
)

// TestBannedWordReachesOnlySender: a hit, also full-width and spaced, is echoed to its
// sender as sent, reaches the host and moderators flagged, reaches no other viewer and
// is stored hidden.
func TestBannedWordReachesOnlySender(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	e.update(func(s *room.SessionInfo) { s.BannedWords = []string{"微信", "vx"} })
	aliceID, aliceTok := e.viewer("小红")
	_, bobTok := e.viewer("小明")
	alice, bob, host, mod := e.dial(aliceTok), e.dial(bobTok), e.dial(e.hostToken), e.dial(e.modToken)
	for _, c := range []*client{bob, host, mod} {
		c.waitFor("welcome", nil)
	}
	banned := []string{"加我 微 信 吧", "ＶＸ：abc123", "加我V.X"}
	for _, text := range banned {
		alice.comment(text)
		ev := alice.waitFor("comment", textIs(text))
		if ev["nickname"] != "小红" || ev["hidden"] != nil || ev["hidden_reason"] != nil {
			t.Fatalf("the sender's own copy must look like any comment: %v", ev)
		}
	}
	alice.comment("正常评论")
	for _, staff := range []*client{host, mod} {
		for _, text := range banned {
			ev := staff.waitFor("comment", nil)
			if ev["text"] != text || ev["hidden"] != true || ev["hidden_reason"] != "banned_word" ||
				num(ev, "viewer_id") != aliceID || ev["nickname"] != "小红" || num(ev, "id") <= 0 {
				t.Fatalf("staff get a held-back comment flagged, in order: want %q, got %v", text, ev)
			}
		}
		if ev := staff.waitFor("comment", nil); ev["text"] != "正常评论" || ev["hidden"] != nil {
			t.Fatalf("an ordinary comment is not flagged for staff: %v", ev)
		}
	}
	if ev := bob.waitFor("comment", nil); ev["text"] != "正常评论" {
		t.Fatalf("a banned comment reached another viewer: %v", ev)
	}
	// The stats staff and viewers get count only what viewers saw.
	bob.waitFor("stats", func(m map[string]any) bool { return num(m, "comments") == 1 && m["hidden_comments"] == nil })
	must(t, e.svc().Flush(context.Background(), e.session))
	var hidden, shown int
	must(t, e.store.GetContext(context.Background(), &hidden, `SELECT COUNT(*) FROM room_events WHERE session_id = ? AND kind = 'comment' AND hidden = 1`, e.session))
	must(t, e.store.GetContext(context.Background(), &shown, `SELECT COUNT(*) FROM room_events WHERE session_id = ? AND kind = 'comment' AND hidden = 0`, e.session))
	if hidden != 3 || shown != 1 {
		t.Fatalf("stored hidden=%d shown=%d, want 3 and 1", hidden, shown)
	}
	st, err := e.svc().SessionStats(context.Background(), e.tenant, e.session)
	must(t, err)
	if st.Comments != 1 || st.HiddenComments != 3 {
		t.Fatalf("stats count hidden comments separately: %+v", st)
	}
	list, _, err := e.svc().Comments(context.Background(), e.tenant, e.session, "", 10)
	must(t, err)
	if len(list) != 4 || !list[1].Hidden || list[1].Reason != "banned_word" || list[0].Hidden {
		t.Fatalf("comments for staff: %+v", list)
	}
}

// TestStaffBannedCommentOnce: the filter holds back staff comments too; the host who
// said it sees it once, flagged, like the other staff, and viewers never get it.
func TestStaffBannedCommentOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	e.update(func(s *room.SessionInfo) { s.BannedWords = []string{"微信"} })
	_, tok := e.viewer("小明")
	viewer, host, mod := e.dial(tok), e.dial(e.hostToken), e.dial(e.modToken)
	for _, c := range []*client{viewer, host, mod} {
		c.waitFor("welcome", nil)
	}
	host.comment("加主播微信")
	host.comment("欢迎大家")
	for _, c := range []*client{host, mod} {
		if ev := c.waitFor("comment", nil); ev["text"] != "加主播微信" || ev["hidden_reason"] != "banned_word" || ev["role"] != "host" {
			t.Fatalf("staff copy of a held-back staff comment: %v", ev)
		}
		if ev := c.waitFor("comment", nil); ev["text"] != "欢迎大家" {
			t.Fatalf("the host's held-back comment came twice or out of order: %v", ev)
		}
	}
	if ev := viewer.waitFor("comment", nil); ev["text"] != "欢迎大家" {
		t.Fatalf("a viewer got a held-back staff comment: %v", ev)
	}
}

// TestMuteHoldsAndExpires: a muted viewer's comment is refused naming the time left;
// on the injected clock the mute runs out.
func TestMuteHoldsAndExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	id, tok := e.viewer("小红")
	alice := e.dial(tok)
	alice.waitFor("welcome", nil)
	if _, err := e.svc().Mute(context.Background(), e.tenant, e.session, id, 0, "", e.host); siyu.ErrorField(err) != "seconds" {
		t.Fatalf("mute 0 s: %v", err)
	}
	s, err := e.svc().Mute(context.Background(), e.tenant, e.session, id, 60, "刷屏", e.host)
	must(t, err)
	if !s.Active || s.Kind != "mute" || s.Nickname != "小红" {
		t.Fatalf("sanction: %+v", s)
	}
	if ev := alice.waitFor("muted", nil); num(ev, "until") != s.Until.UnixMilli() {
		t.Fatalf("muted event: %v", ev)
	}
	alice.comment("还能说话吗")
	ev := alice.waitFor("error", nil)
	if ev["code"] != "muted" || num(ev, "remaining") != 60 {
		t.Fatalf("muted comment: %v", ev)
	}
	e.clock.advance(61 * time.Second)
	alice.comment("解禁了")
	alice.waitFor("comment", textIs("解禁了"))
	if err := e.svc().Unmute(context.Background(), e.tenant, e.session, id); siyu.ErrorCode(err) != siyu.ENOTFOUND {
		t.Fatalf("unmute an expired mute: %v", err)
	}
	// Unmute lifts at once.
	_, err = e.svc().Mute(context.Background(), e.tenant, e.session, id, 600, "", e.host)
	must(t, err)
	alice.waitFor("muted", nil)
	must(t, e.svc().Unmute(context.Background(), e.tenant, e.session, id))
	alice.waitFor("muted", func(m map[string]any) bool { return num(m, "until") == 0 })
	alice.comment("又能说了")
	alice.waitFor("comment", textIs("又能说了"))
}

// TestKickDisconnectsButMayRejoin.
func TestKickDisconnectsButMayRejoin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	id, tok := e.viewer("小红")
	alice := e.dial(tok)
	alice.waitFor("welcome", nil)
	_, err := e.svc().Kick(context.Background(), e.tenant, e.session, id, e.host)
	must(t, err)
	alice.waitFor("kicked", nil)
	alice.waitClosed()
	again := e.dial(tok)
	again.waitFor("welcome", nil)
}

// TestBanHoldsAcrossReconnectAndRestart: a ban disconnects, refuses the next join, and
// still holds for a new Service on the same store; unban lets the viewer back.
func TestBanHoldsAcrossReconnectAndRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	id, tok := e.viewer("小红")
	alice := e.dial(tok)
	alice.waitFor("welcome", nil)
	_, err := e.svc().Ban(context.Background(), e.tenant, e.session, id, "广告", e.host)
	must(t, err)
	alice.waitFor("banned", nil)
	alice.waitClosed()
	again := e.dial(tok)
	again.waitFor("banned", nil)
	again.waitClosed()

	restarted := e.addNode() // a new Service on the same store: a restart
	c := e.dialNode(1, tok)
	c.waitFor("banned", nil)
	c.waitClosed()
	list, err := restarted.svc.Sanctions(context.Background(), e.tenant, e.session)
	must(t, err)
	if len(list) != 1 || list[0].Kind != "ban" || !list[0].Active || list[0].Reason != "广告" {
		t.Fatalf("sanctions: %+v", list)
	}
	// Unban answers once the room on the node that took it has applied it.
	must(t, restarted.svc.Unban(context.Background(), e.tenant, e.session, id))
	e.dialNode(1, tok).waitFor("welcome", nil)
}

// TestSlowModeAndFollowersOnly.
func TestSlowModeAndFollowersOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	e.update(func(s *room.SessionInfo) { s.SlowModeSeconds = 10 })
	_, tok := e.viewer("小红")
	alice := e.dial(tok)
	alice.waitFor("welcome", func(m map[string]any) bool {
		return num(m["session"].(map[string]any), "slow_mode_seconds") == 10
	})
	alice.comment("第一条")
	alice.waitFor("comment", textIs("第一条"))
	alice.comment("第二条")
	if ev := alice.waitFor("error", nil); ev["code"] != "slow_mode" || num(ev, "remaining") != 10 {
		t.Fatalf("slow mode: %v", ev)
	}
	e.clock.advance(10 * time.Second)
	alice.comment("第三条")
	alice.waitFor("comment", textIs("第三条"))

	e.update(func(s *room.SessionInfo) { s.SlowModeSeconds, s.FollowersOnly = 0, true })
	alice.waitFor("session", func(m map[string]any) bool { return m["followers_only"] == true })
	alice.comment("关注了才能说")
	if ev := alice.waitFor("error", nil); ev["code"] != "followers_only" {
		t.Fatalf("followers only: %v", ev)
	}
	alice.send(map[string]any{"type": "follow"})
	alice.waitFor("follow", nil)
	alice.comment("关注了")
	alice.waitFor("comment", textIs("关注了"))
	// The host is never limited.
	host := e.dial(e.hostToken)
	host.waitFor("welcome", nil)
	host.comment("主播说话")
	alice.waitFor("comment", func(m map[string]any) bool { return m["text"] == "主播说话" && m["role"] == "host" })
}

// TestDeleteCommentAndMic: deletions reach everyone; the on-mic flow end to end.
func TestDeleteCommentAndMic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	id, tok := e.viewer("小红")
	alice, host := e.dial(tok), e.dial(e.hostToken)
	host.waitFor("welcome", nil)
	alice.comment("删掉我")
	cid := num(host.waitFor("comment", textIs("删掉我")), "id")
	must(t, e.svc().DeleteComment(context.Background(), e.tenant, e.session, cid))
	alice.waitFor("comment_deleted", func(m map[string]any) bool { return num(m, "id") == cid })
	if err := e.svc().DeleteComment(context.Background(), e.tenant, e.session, cid+1000); siyu.ErrorCode(err) != siyu.ENOTFOUND {
		t.Fatalf("delete a missing comment: %v", err)
	}

	alice.send(map[string]any{"type": "mic_request"})
	host.waitFor("mic_request", func(m map[string]any) bool { return num(m, "viewer_id") == id && m["nickname"] == "小红" })
	reqs, err := e.svc().MicRequests(context.Background(), e.tenant, e.session)
	must(t, err)
	if len(reqs) != 1 || reqs[0].ViewerID != id {
		t.Fatalf("mic requests: %+v", reqs)
	}
	host.send(map[string]any{"type": "mic_approve", "viewer_id": id})
	alice.waitFor("mic", func(m map[string]any) bool { return m["state"] == "approved" })
	reqs, err = e.svc().MicRequests(context.Background(), e.tenant, e.session)
	must(t, err)
	if len(reqs) != 0 {
		t.Fatalf("approved request still pending: %+v", reqs)
	}
	if err := e.svc().DecideMic(context.Background(), e.tenant, e.session, id, false, e.host); siyu.ErrorCode(err) != siyu.ENOTFOUND {
		t.Fatalf("decide without a request: %v", err)
	}
	alice.send(map[string]any{"type": "mic_request"})
	host.waitFor("mic_request", nil)
	must(t, e.svc().DecideMic(context.Background(), e.tenant, e.session, id, false, e.host))
	alice.waitFor("mic", func(m map[string]any) bool { return m["state"] == "refused" })
	// A viewer may not decide.
	alice.send(map[string]any{"type": "mic_approve", "viewer_id": id})
	if ev := alice.waitFor("error", nil); ev["code"] != "forbidden" {
		t.Fatalf("viewer decided a mic request: %v", ev)
	}
}
