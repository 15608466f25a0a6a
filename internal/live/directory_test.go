package live_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/room"
)

func TestDirectoryAuthenticate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		dir := e.svc.Directory()
		s := e.live("room")
		other := e.session("other room")
		entry, _ := e.svc.CreateEntry(e.ctx, e.owner, s.ID, live.EntryInput{Channel: "mall"})
		vc, err := e.svc.CreateViewer(e.ctx, s.ID, live.ViewerInput{Nickname: "观众", Entry: entry.Code})
		if err != nil {
			t.Fatal(err)
		}
		m, err := dir.Authenticate(e.ctx, s.ID, vc.Token)
		if err != nil || m.Role != room.RoleViewer || m.ViewerID != vc.ID || m.Nickname != "观众" || m.EntryLinkID != entry.ID ||
			m.TenantID != e.owner.TenantID || m.SessionID != s.ID || m.Known {
			t.Fatalf("viewer: %+v %v", m, err)
		}
		_, err = dir.Authenticate(e.ctx, other.ID, vc.Token)
		code(t, "viewer token of another session", err, siyu.EUNAUTHORIZED)

		m, err = dir.Authenticate(e.ctx, s.ID, e.tokenOf(e.host))
		if err != nil || m.Role != room.RoleHost || m.UserID != e.host.UserID || m.Nickname != "host 名" {
			t.Fatalf("host: %+v %v", m, err)
		}
		m, err = dir.Authenticate(e.ctx, s.ID, e.token)
		if err != nil || m.Role != room.RoleModerator || m.UserID != e.owner.UserID {
			t.Fatalf("owner as moderator: %+v %v", m, err)
		}
		_, err = dir.Authenticate(e.ctx, s.ID, e.tokenOf(e.agent))
		code(t, "agent (no live.host)", err, siyu.EUNAUTHORIZED)
		_, stranger := e.signup("Stranger Brand")
		_, err = dir.Authenticate(e.ctx, s.ID, stranger)
		code(t, "another tenant's owner", err, siyu.EUNAUTHORIZED)
		for _, bad := range []string{"", "hello", "sy_forged", "sv_forged"} {
			_, err = dir.Authenticate(e.ctx, s.ID, bad)
			code(t, "token "+bad, err, siyu.EUNAUTHORIZED)
		}
		_, err = dir.Authenticate(e.ctx, 99999, vc.Token)
		code(t, "unknown session", err, siyu.ENOTFOUND)
	})
}

func TestDirectorySessionGiftsFollows(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		dir := e.svc.Directory()
		s := e.live("cached")
		if _, err := e.svc.SetBannedWords(e.ctx, e.host, s.ID, []string{"微信"}); err != nil {
			t.Fatal(err)
		}
		info, err := dir.Session(e.ctx, s.ID)
		if err != nil || info.Status != live.StatusLive || info.HostName != "host 名" || info.TenantID != e.owner.TenantID ||
			strings.Join(info.BannedWords, ",") != "微信" || info.LargeGiftFen != 52000 || info.StartedAt.IsZero() {
			t.Fatalf("session info: %+v %v", info, err)
		}
		// A change through this service is seen at once (the cache entry is dropped).
		if _, err := e.svc.Interrupt(e.ctx, e.host, s.ID); err != nil {
			t.Fatal(err)
		}
		if info, _ = dir.Session(e.ctx, s.ID); !info.Interrupted {
			t.Fatal("stale SessionInfo after a local change")
		}
		// A change written elsewhere is seen within a second.
		_, _ = store.ExecContext(e.ctx, `UPDATE live_sessions SET announcement = 'from node B' WHERE id = ?`, s.ID)
		if info, _ = dir.Session(e.ctx, s.ID); info.Announcement != "" {
			t.Fatal("the cache did not answer within its second")
		}
		e.clock.Add(time.Second)
		if info, _ = dir.Session(e.ctx, s.ID); info.Announcement != "from node B" {
			t.Fatal("the cache outlived its second")
		}

		// Gifts: the default catalog appears on first use, once.
		gifts, err := e.svc.SessionGifts(e.ctx, s.ID)
		if err != nil || len(gifts) != len(live.DefaultGifts) || gifts[3].Name != "跑车" || gifts[3].Value != 52000 {
			t.Fatalf("default catalog: %+v %v", gifts, err)
		}
		all, _ := e.svc.Gifts(e.ctx, e.owner)
		if len(all) != 4 {
			t.Fatalf("catalog seeded twice: %d", len(all))
		}
		g, err := dir.Gift(e.ctx, e.owner.TenantID, gifts[1].ID)
		if err != nil || g.Name != "玫瑰" || g.ValueFen != 100 {
			t.Fatalf("gift: %+v %v", g, err)
		}
		off := false
		if _, err := e.svc.UpdateGift(e.ctx, e.owner, gifts[1].ID, live.GiftPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		_, err = dir.Gift(e.ctx, e.owner.TenantID, gifts[1].ID)
		code(t, "inactive gift", err, siyu.ENOTFOUND)
		other, _ := e.signup("Gift Thief")
		_, err = dir.Gift(e.ctx, other.TenantID, gifts[0].ID)
		code(t, "another tenant's gift", err, siyu.ENOTFOUND)
		for name, in := range map[string]live.GiftInput{
			"name":  {Name: "", Icon: "🎁", Value: 1},
			"icon":  {Name: "礼物", Icon: "not an icon at all", Value: 1},
			"value": {Name: "礼物", Icon: "🎁", Value: 10_000_001},
		} {
			_, err := e.svc.CreateGift(e.ctx, e.owner, in)
			code(t, "gift "+name, err, siyu.EINVALID, name)
		}
		ng, err := e.svc.CreateGift(e.ctx, e.owner, live.GiftInput{Name: "火箭", Icon: "https://cdn.example.cn/rocket.png", Value: 100000, Sort: 50})
		if err != nil || !ng.Active {
			t.Fatalf("create gift: %+v %v", ng, err)
		}
		if g, err := dir.Gift(e.ctx, e.owner.TenantID, ng.ID); err != nil || g.ValueFen != 100000 {
			t.Fatalf("new gift not visible at once on this node: %+v %v", g, err)
		}
		_, err = e.svc.CreateGift(e.ctx, e.agent, live.GiftInput{Name: "x", Icon: "🎁", Value: 1})
		code(t, "agent creates a gift", err, siyu.EFORBIDDEN)

		// Follows: idempotent, and a known customer follows across viewer identities.
		v1 := e.viewer(s.ID, "粉丝")
		m, _ := dir.Authenticate(e.ctx, s.ID, v1.Token)
		if ok, _ := dir.IsFollower(e.ctx, m); ok {
			t.Fatal("follower before following")
		}
		if isNew, err := dir.Follow(e.ctx, m); err != nil || !isNew {
			t.Fatalf("follow: %v %v", isNew, err)
		}
		if isNew, err := dir.Follow(e.ctx, m); err != nil || isNew {
			t.Fatalf("follow again: %v %v", isNew, err)
		}
		if ok, _ := dir.IsFollower(e.ctx, m); !ok {
			t.Fatal("not a follower after following")
		}
		if ok, _ := dir.IsFollower(e.ctx, room.Member{Role: room.RoleHost, SessionID: s.ID}); !ok {
			t.Fatal("staff are held back by followers-only chat")
		}
		_, err = dir.Follow(e.ctx, room.Member{Role: room.RoleModerator, SessionID: s.ID, UserID: 1})
		code(t, "staff follow", err, siyu.EINVALID)
		_, _ = store.ExecContext(e.ctx, `UPDATE viewers SET phone = '13700000000' WHERE id = ?`, v1.ID)
		next := e.live("next show")
		v2 := e.viewer(next.ID, "同一个人")
		_, _ = store.ExecContext(e.ctx, `UPDATE viewers SET phone = '13700000000' WHERE id = ?`, v2.ID)
		m2 := room.Member{TenantID: e.owner.TenantID, SessionID: next.ID, Role: room.RoleViewer, ViewerID: v2.ID}
		if ok, err := dir.IsFollower(e.ctx, m2); err != nil || !ok {
			t.Fatalf("a known customer's follow did not carry over: %v %v", ok, err)
		}
	})
}

func TestCoStreaming(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.live("A 直播间")
		h2 := e.staff(e.owner, "host-b", org.RoleHost)
		b, _ := e.svc.Create(e.ctx, h2, live.CreateInput{Title: "B 直播间"})
		_, err := e.svc.InviteCoStream(e.ctx, e.host, a.ID, live.CoStreamInput{SessionID: b.ID})
		code(t, "invite a session that is not live", err, siyu.ECONFLICT)
		if _, err := e.svc.Start(e.ctx, h2, b.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AcceptCoStream(e.ctx, h2, b.ID, live.CoStreamInput{SessionID: a.ID})
		code(t, "accept without an invitation", err, siyu.ECONFLICT)
		_, err = e.svc.InviteCoStream(e.ctx, e.host, a.ID, live.CoStreamInput{SessionID: a.ID})
		code(t, "invite yourself", err, siyu.EINVALID, "session_id")
		e.bus.take()
		inv, err := e.svc.InviteCoStream(e.ctx, e.host, a.ID, live.CoStreamInput{SessionID: b.ID})
		if err != nil || inv.Status != "invited" || inv.PartnerID != b.ID {
			t.Fatalf("invite: %+v %v", inv, err)
		}
		msgs := e.bus.take()
		if len(msgs) != 1 || msgs[0].Type != "co_stream_invite" || msgs[0].SessionID != b.ID || msgs[0].FromSessionID != a.ID {
			t.Fatalf("invite messages: %+v", msgs)
		}
		acc, err := e.svc.AcceptCoStream(e.ctx, h2, b.ID, live.CoStreamInput{SessionID: a.ID})
		if err != nil || acc.Status != "paired" || acc.PartnerID != a.ID || acc.Partner != "A 直播间" {
			t.Fatalf("accept: %+v %v", acc, err)
		}
		got := map[int64]string{}
		for _, m := range e.bus.take() {
			got[m.SessionID] += m.Type
		}
		if got[a.ID] != "session_changed" || got[b.ID] != "session_changed" {
			t.Fatalf("accept messages: %v", got)
		}
		ia, _ := e.svc.Directory().Session(e.ctx, a.ID)
		ib, _ := e.svc.Directory().Session(e.ctx, b.ID)
		if ia.CoStream != b.ID || ib.CoStream != a.ID {
			t.Fatalf("pairing not in SessionInfo: %d %d", ia.CoStream, ib.CoStream)
		}
		c := e.live("C")
		_, err = e.svc.InviteCoStream(e.ctx, e.host, c.ID, live.CoStreamInput{SessionID: a.ID})
		code(t, "invite a paired session", err, siyu.ECONFLICT)
		// Ending one session ends the pairing for both.
		if _, err := e.svc.End(e.ctx, e.host, a.ID); err != nil {
			t.Fatal(err)
		}
		if gb, _ := e.svc.Get(e.ctx, h2, b.ID); gb.CoStreamWith != 0 {
			t.Fatalf("partner still paired after the end: %+v", gb)
		}
		// And DELETE ends it explicitly.
		_, _ = e.svc.InviteCoStream(e.ctx, e.host, c.ID, live.CoStreamInput{SessionID: b.ID})
		e.clock.Add(live.InviteTTL + time.Second)
		_, err = e.svc.AcceptCoStream(e.ctx, h2, b.ID, live.CoStreamInput{SessionID: c.ID})
		code(t, "accept an expired invitation", err, siyu.ECONFLICT)
		_, _ = e.svc.InviteCoStream(e.ctx, e.host, c.ID, live.CoStreamInput{SessionID: b.ID})
		if _, err := e.svc.AcceptCoStream(e.ctx, h2, b.ID, live.CoStreamInput{SessionID: c.ID}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.EndCoStream(e.ctx, e.host, c.ID); err != nil {
			t.Fatal(err)
		}
		gb, _ := e.svc.Get(e.ctx, h2, b.ID)
		gc, _ := e.svc.Get(e.ctx, h2, c.ID)
		if gb.CoStreamWith != 0 || gc.CoStreamWith != 0 {
			t.Fatalf("pairing survived DELETE: %d %d", gb.CoStreamWith, gc.CoStreamWith)
		}
		// Another brand's live session is not found.
		o2, _ := e.signup("Co Other")
		foreign := e.staff(o2, "fh", org.RoleHost)
		fs, _ := e.svc.Create(e.ctx, foreign, live.CreateInput{Title: "foreign"})
		_, _ = e.svc.Start(e.ctx, foreign, fs.ID)
		_, err = e.svc.InviteCoStream(e.ctx, e.host, b.ID, live.CoStreamInput{SessionID: fs.ID})
		code(t, "invite another brand", err, siyu.ENOTFOUND)
	})
}
