package broadcast_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/notify"
)

func seg(id int64, text string) broadcast.Audience {
	return broadcast.Audience{Kind: broadcast.AudienceSegment, ID: id, Text: text}
}

// TestCreateRefusesWhatCannotBeSent: every mistake an operator can make is a 400 on
// the field at fault, another brand's session or segment is unknown, and roles without
// customers.manage cannot touch broadcasts.
func TestCreateRefusesWhatCannotBeSent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		tomorrow := e.Clock.Now().Add(32 * time.Hour)
		sess := e.session(e.Owner, "明晚新品直播", tomorrow)
		vip := e.segment(e.Owner, "VIP", "tag:vip")
		other := e.Signup("Other")
		otherSess := e.session(other, "别家直播", tomorrow)
		otherSeg := e.segment(other, "别家", "tag:vip")
		ok := broadcast.Input{Name: "明晚预告", SessionID: sess.ID, Audiences: []broadcast.Audience{seg(vip, "{name}，{live_time} 见：{live_link}")}}
		cases := []struct {
			name  string
			edit  func(in *broadcast.Input)
			field string
		}{
			{"no name", func(in *broadcast.Input) { in.Name = " " }, "name"},
			{"no session", func(in *broadcast.Input) { in.SessionID = 0 }, "session_id"},
			{"another brand's session", func(in *broadcast.Input) { in.SessionID = otherSess.ID }, "session_id"},
			{"no audience", func(in *broadcast.Input) { in.Audiences = nil }, "audiences"},
			{"misspelt variable", func(in *broadcast.Input) { in.Audiences = []broadcast.Audience{seg(vip, "{nmae} 你好")} }, "audiences[0].text"},
			{"another brand's segment", func(in *broadcast.Input) { in.Audiences = []broadcast.Audience{seg(otherSeg, "hi")} }, "audiences[0].id"},
			{"a segment twice", func(in *broadcast.Input) { in.Audiences = []broadcast.Audience{seg(vip, "a"), seg(vip, "b")} }, "audiences[1]"},
			{"a community without communities", func(in *broadcast.Input) {
				in.Audiences = []broadcast.Audience{{Kind: broadcast.AudienceCommunity, ID: 1, Text: "hi"}}
			}, "audiences[0].id"},
			{"unknown channel", func(in *broadcast.Input) { in.Channels = []string{"fax"} }, "channels"},
			{"sms not configured", func(in *broadcast.Input) { in.Channels = []string{"in_app", "sms"} }, "channels"},
			{"webhook without endpoint", func(in *broadcast.Input) { in.Channels = []string{"webhook"} }, "webhook_endpoint_id"},
			{"throttle out of range", func(in *broadcast.Input) { in.ThrottlePerMinute = -1 }, "throttle_per_minute"},
		}
		for _, c := range cases {
			in := ok
			in.Audiences = append([]broadcast.Audience(nil), ok.Audiences...)
			c.edit(&in)
			_, err := e.svc.Create(e.Ctx, e.agent, in)
			if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != c.field {
				t.Errorf("%s: got %v (field %q), want invalid on %q", c.name, err, siyu.ErrorField(err), c.field)
			}
		}
		if _, err := e.svc.Create(e.Ctx, e.host, ok); siyu.ErrorCode(err) != siyu.EFORBIDDEN {
			t.Fatalf("a host created a broadcast: %v", err)
		}
		b, err := e.svc.Create(e.Ctx, e.agent, ok)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != broadcast.StatusDraft || len(b.Channels) != 1 || b.Channels[0] != notify.ChannelInApp || !b.Poster ||
			b.Audiences[0].Name != "VIP" || b.SessionTitle != "明晚新品直播" {
			t.Fatalf("created %+v", b)
		}
		if _, err := e.svc.Get(e.Ctx, other, b.ID); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("another brand read the broadcast: %v", err)
		}
		if _, err := e.svc.Update(e.Ctx, other, b.ID, broadcast.Patch{}); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("another brand changed the broadcast: %v", err)
		}
		name := "改个名"
		if b, err = e.svc.Update(e.Ctx, e.agent, b.ID, broadcast.Patch{Name: &name}); err != nil || b.Name != name {
			t.Fatalf("update: %+v %v", b, err)
		}
		// An ended live cannot be promoted any more.
		ended := e.session(e.Owner, "昨晚", time.Time{})
		if _, err := e.live.Start(e.Ctx, e.Owner, ended.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.live.End(e.Ctx, e.Owner, ended.ID); err != nil {
			t.Fatal(err)
		}
		in := ok
		in.SessionID = ended.ID
		if _, err := e.svc.Create(e.Ctx, e.agent, in); siyu.ErrorField(err) != "session_id" {
			t.Fatalf("an ended live was accepted: %v", err)
		}
	})
}

// TestSendInAppOncePerCustomerAndFunnel: two overlapping segments each with their own
// talk-track; every customer gets exactly one in-app message, from the first segment
// holding them, filled with their own values and link; a customer without a viewer
// account is unreachable with the reason; then a recipient reads, clicks, and comes
// into the room through the broadcast's entry link, and the funnel shows it.
func TestSendInAppOncePerCustomerAndFunnel(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		old := e.session(e.Owner, "上周直播", time.Time{})
		tomorrow := time.Date(2030, 3, 7, 12, 0, 0, 0, time.UTC) // Thursday 20:00 in Shanghai
		next := e.session(e.Owner, "春季新品发布", tomorrow)
		vA, cA := e.viewerCustomer(e.Owner, old.ID, "小美", "vip", "active")
		vB, cB := e.viewerCustomer(e.Owner, old.ID, "阿强", "active")
		cC := e.customer(e.Owner, "只有手机", "13800138000", "vip")
		vip := e.segment(e.Owner, "VIP", "tag:vip")
		active := e.segment(e.Owner, "活跃", "tag:active")

		b, err := e.svc.Create(e.Ctx, e.agent, broadcast.Input{Name: "明晚预告", SessionID: next.ID, Coupon: "满199减30",
			Audiences: []broadcast.Audience{seg(vip, "VIP {name}：{live_title} {live_time}，{coupon}，{live_link}"),
				seg(active, "{name} 明晚见 {live_link}")}})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := e.svc.PreviewSaved(e.Ctx, e.agent, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Recipients != 3 || pv.Audiences[0].Recipients != 2 || pv.Audiences[1].Members != 2 || pv.Audiences[1].Recipients != 1 ||
			!strings.Contains(pv.Audiences[0].Sample, "春季新品发布 3月7日 周四 20:00，满199减30") {
			t.Fatalf("preview %+v", pv)
		}
		if b, err = e.svc.SendNow(e.Ctx, e.agent, b.ID); err != nil || b.Status != broadcast.StatusSending || b.Entry == nil {
			t.Fatalf("send now: %+v %v", b, err)
		}
		e.run()
		b = e.get(b.ID)
		want := broadcast.Counts{Recipients: 3, Delivered: 2, Unreachable: 1}
		if b.Status != broadcast.StatusSent || b.Counts != want {
			t.Fatalf("after send: status %s counts %+v, want sent %+v", b.Status, b.Counts, want)
		}
		rs := e.recipients(b.ID)
		if rs[cA].Audience != 0 || rs[cB].Audience != 1 || rs[cA].ViewerID != vA || rs[cB].ViewerID != vB ||
			rs[cC].Status != broadcast.RecipientUnreachable || !strings.Contains(rs[cC].Reason, "no viewer account") {
			t.Fatalf("recipients %+v", rs)
		}
		inbox, _, _ := notify.Inbox(e.Ctx, store, e.Owner.TenantID, vA, 0, 10)
		if len(inbox) != 1 || !strings.HasPrefix(inbox[0].Body, "VIP 小美：春季新品发布 3月7日 周四 20:00，满199减30，"+publicURL+"/r/") ||
			inbox[0].Title != "春季新品发布" || !strings.HasPrefix(inbox[0].Link, publicURL+"/r/") {
			t.Fatalf("A's inbox %+v", inbox)
		}
		inboxB, _, _ := notify.Inbox(e.Ctx, store, e.Owner.TenantID, vB, 0, 10)
		if len(inboxB) != 1 || !strings.HasPrefix(inboxB[0].Body, "阿强 明晚见 ") {
			t.Fatalf("B's inbox %+v", inboxB)
		}

		// B reads the message: opened.
		if _, err := notify.MarkRead(e.Ctx, store, e.Owner.TenantID, vB, inboxB[0].ID, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		// A opens the link on a new device: clicked, and a viewer of tomorrow's live is
		// made through the broadcast's entry link.
		tok := strings.TrimPrefix(inbox[0].Link, publicURL+"/r/")
		land, err := e.svc.Click(e.Ctx, tok)
		if err != nil || land.SessionID != next.ID || land.RoomURL != "/live/"+b.Entry.Code {
			t.Fatalf("click: %+v %v", land, err)
		}
		joined, err := e.svc.Join(e.Ctx, tok, broadcast.JoinInput{})
		if err != nil || joined.Token == "" || joined.Nickname != "小美" {
			t.Fatalf("join: %+v %v", joined, err)
		}
		v, err := e.live.AuthenticateViewer(e.Ctx, joined.Token)
		if err != nil || v.SessionID != next.ID || v.Channel != broadcast.EntryChannel || v.EntryLinkID != b.Entry.ID {
			t.Fatalf("the new viewer %+v %v is not attributed to the broadcast's entry link", v, err)
		}
		// The same device again: its viewer is linked, none is made.
		again, err := e.svc.Join(e.Ctx, tok, broadcast.JoinInput{ViewerToken: joined.Token})
		if err != nil || again.ViewerID != joined.ViewerID || again.Token != "" {
			t.Fatalf("join again: %+v %v", again, err)
		}
		if got := e.get(b.ID).Counts; got.Opened != 2 || got.Clicked != 1 || got.Came != 0 {
			t.Fatalf("before the room: %+v", got)
		}
		// The room records the viewer's presence: A came.
		at := e.Clock.Now().Add(time.Minute).UnixMilli()
		if _, err := store.ExecContext(e.Ctx, `INSERT INTO room_presence (tenant_id, session_id, viewer_id, entry_link_id, first_joined_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`, e.Owner.TenantID, next.ID, joined.ViewerID, b.Entry.ID, at, at); err != nil {
			t.Fatal(err)
		}
		b = e.get(b.ID)
		if b.Counts.Came != 1 || b.Counts.Clicked != 1 || b.Counts.Opened != 2 || b.Entry.Viewers != 1 {
			t.Fatalf("funnel %+v entry %+v", b.Counts, b.Entry)
		}
		rs = e.recipients(b.ID)
		if rs[cA].Stage != broadcast.StageCame || rs[cA].CameAt.IsZero() || rs[cB].Stage != broadcast.StageOpened {
			t.Fatalf("stages: A %+v B %+v", rs[cA], rs[cB])
		}
		came, err := e.svc.Recipients(e.Ctx, e.Owner, b.ID, broadcast.StageCame, "", 10)
		if err != nil || len(came.Items) != 1 || came.Items[0].CustomerID != cA {
			t.Fatalf("came filter: %+v %v", came, err)
		}
		if _, err := e.svc.Recipients(e.Ctx, e.Owner, b.ID, "bogus", "", 10); siyu.ErrorField(err) != "status" {
			t.Fatalf("bad filter: %v", err)
		}
		// Sent is final.
		if _, err := e.svc.SendNow(e.Ctx, e.agent, b.ID); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("sent twice: %v", err)
		}
		// The poster of A's link: their own QR code, and it counts as opened.
		png, err := e.svc.PosterPNG(e.Ctx, tok)
		if err != nil || !strings.Contains(string(png), tok) {
			t.Fatalf("poster: %q %v", png, err)
		}
		if _, err := e.svc.Click(e.Ctx, "not-a-token"); siyu.ErrorCode(err) != siyu.ENOTFOUND {
			t.Fatalf("a bad token: %v", err)
		}
	})
}

// TestScheduleRescheduleCancel: a scheduled broadcast goes out when due and not
// before; a reschedule replaces the earlier job; a cancelled one never sends.
func TestScheduleRescheduleCancel(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		old := e.session(e.Owner, "上周", time.Time{})
		next := e.session(e.Owner, "周五直播", e.Clock.Now().Add(56*time.Hour))
		e.viewerCustomer(e.Owner, old.ID, "甲", "vip")
		vip := e.segment(e.Owner, "VIP", "tag:vip")
		in := broadcast.Input{Name: "预告", SessionID: next.ID, Audiences: []broadcast.Audience{seg(vip, "{name} 见")}}
		b, _ := e.svc.Create(e.Ctx, e.agent, in)
		if _, err := e.svc.Schedule(e.Ctx, e.agent, b.ID, broadcast.ScheduleInput{At: e.Clock.Now().Add(-time.Minute)}); siyu.ErrorField(err) != "at" {
			t.Fatalf("a time in the past: %v", err)
		}
		b, err := e.svc.Schedule(e.Ctx, e.agent, b.ID, broadcast.ScheduleInput{At: e.Clock.Now().Add(time.Hour)})
		if err != nil || b.Status != broadcast.StatusScheduled {
			t.Fatalf("schedule: %+v %v", b, err)
		}
		if b, err = e.svc.Schedule(e.Ctx, e.agent, b.ID, broadcast.ScheduleInput{At: e.Clock.Now().Add(3 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(2 * time.Hour)
		e.run()
		if got := e.get(b.ID); got.Status != broadcast.StatusScheduled || got.Counts.Recipients != 0 {
			t.Fatalf("sent at the replaced time: %+v", got)
		}
		e.Clock.Add(2 * time.Hour)
		e.run()
		if got := e.get(b.ID); got.Status != broadcast.StatusSent || got.Counts.Delivered != 1 {
			t.Fatalf("not sent when due: %+v", got)
		}

		c, _ := e.svc.Create(e.Ctx, e.agent, in)
		if _, err := e.svc.Schedule(e.Ctx, e.agent, c.ID, broadcast.ScheduleInput{At: e.Clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if c, err = e.svc.Cancel(e.Ctx, e.agent, c.ID); err != nil || c.Status != broadcast.StatusCancelled {
			t.Fatalf("cancel: %+v %v", c, err)
		}
		e.Clock.Add(2 * time.Hour)
		e.run()
		if got := e.get(c.ID); got.Status != broadcast.StatusCancelled || got.Counts.Recipients != 0 {
			t.Fatalf("a cancelled broadcast sent: %+v", got)
		}
		if _, err := e.svc.Cancel(e.Ctx, e.agent, c.ID); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("cancelled twice: %v", err)
		}
		if err := e.svc.Delete(e.Ctx, e.agent, c.ID); err != nil {
			t.Fatalf("delete a cancelled broadcast: %v", err)
		}
		if err := e.svc.Delete(e.Ctx, e.agent, b.ID); siyu.ErrorCode(err) != siyu.ECONFLICT {
			t.Fatalf("deleted a sent broadcast: %v", err)
		}
	})
}

// TestEndedSessionFailsTheSend: the live ended before the scheduled send; the
// broadcast fails with the reason instead of sending people to an ended room.
func TestEndedSessionFailsTheSend(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		old := e.session(e.Owner, "上周", time.Time{})
		next := e.session(e.Owner, "今晚", time.Time{})
		e.viewerCustomer(e.Owner, old.ID, "甲", "vip")
		vip := e.segment(e.Owner, "VIP", "tag:vip")
		b, _ := e.svc.Create(e.Ctx, e.agent, broadcast.Input{Name: "预告", SessionID: next.ID, Audiences: []broadcast.Audience{seg(vip, "见")}})
		if _, err := e.svc.Schedule(e.Ctx, e.agent, b.ID, broadcast.ScheduleInput{At: e.Clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.live.Start(e.Ctx, e.Owner, next.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.live.End(e.Ctx, e.Owner, next.ID); err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(2 * time.Hour)
		e.run()
		got := e.get(b.ID)
		if got.Status != broadcast.StatusFailed || !strings.Contains(got.LastError, "ended") || got.Counts.Recipients != 0 {
			t.Fatalf("%+v", got)
		}
	})
}
