package live_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
)

func ptr[T any](v T) *T { return &v }

func TestCreateAndValidate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		at := e.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
		s, err := e.svc.Create(e.ctx, e.owner, live.CreateInput{Title: " 秋冬新品 ", ScheduledAt: at,
			SessionPatch: live.SessionPatch{Theme: ptr("jade"), Rundown: &[]live.Segment{{Title: "开场", Minutes: 5}},
				HostID: &e.host.UserID, VideoURL: ptr("https://cdn.example.cn/live/1.m3u8")}})
		if err != nil {
			t.Fatal(err)
		}
		if s.Status != live.StatusScheduled || s.Title != "秋冬新品" || s.Host.ID != e.host.UserID || s.Host.Name != "host 名" ||
			s.Theme != "jade" || len(s.Rundown) != 1 || s.ScheduledAt.Format(time.RFC3339) != at || len(s.BannedWords) != 0 {
			t.Fatalf("created %+v", s)
		}
		if s.EntryURL != "https://live.example.cn/live/s/"+itoa(s.ID) || s.PreviewURL != s.EntryURL+"/preview" {
			t.Fatalf("urls %q %q", s.EntryURL, s.PreviewURL)
		}
		// Without scheduled_at a draft, hosted by the creator when they may host.
		d, err := e.svc.Create(e.ctx, e.host, live.CreateInput{Title: "draft"})
		if err != nil || d.Status != live.StatusDraft || d.Host.ID != e.host.UserID || d.Theme != "rose" {
			t.Fatalf("draft %+v %v", d, err)
		}
		bad := []struct {
			name  string
			in    live.CreateInput
			field string
		}{
			{"empty title", live.CreateInput{Title: "  "}, "title"},
			{"long title", live.CreateInput{Title: strings.Repeat("长", 101)}, "title"},
			{"control char", live.CreateInput{Title: "a\x07b"}, "title"},
			{"past", live.CreateInput{Title: "x", ScheduledAt: e.clock.Now().Add(-time.Minute).Format(time.RFC3339)}, "scheduled_at"},
			{"not rfc3339", live.CreateInput{Title: "x", ScheduledAt: "tomorrow 8pm"}, "scheduled_at"},
			{"theme", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{Theme: ptr("neon")}}, "theme"},
			{"video", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{VideoURL: ptr("rtmp://x/y")}}, "video_url"},
			{"cover", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{CoverURL: ptr("javascript:alert(1)")}}, "cover_url"},
			{"slow mode", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{SlowModeSeconds: ptr(301)}}, "slow_mode_seconds"},
			{"rundown", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{Rundown: &[]live.Segment{{Title: "a", Minutes: 0}}}}, "rundown"},
			{"agent host", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{HostID: &e.agent.UserID}}, "host_id"},
			{"stranger host", live.CreateInput{Title: "x", SessionPatch: live.SessionPatch{HostID: ptr(int64(99999))}}, "host_id"},
		}
		for _, b := range bad {
			_, err := e.svc.Create(e.ctx, e.owner, b.in)
			code(t, b.name, err, siyu.EINVALID, b.field)
		}
		_, err = e.svc.Create(e.ctx, e.agent, live.CreateInput{Title: "x"})
		code(t, "agent creates", err, siyu.EFORBIDDEN)

		list, next, err := e.svc.List(e.ctx, e.owner, "", 0, 1)
		if err != nil || len(list) != 1 || list[0].ID != d.ID || next != itoa(d.ID) {
			t.Fatalf("page 1: %v %q %v", list, next, err)
		}
		list, next, _ = e.svc.List(e.ctx, e.owner, "", d.ID, 1)
		if len(list) != 1 || list[0].ID != s.ID {
			t.Fatalf("page 2: %v %q", list, next)
		}
		list, _, _ = e.svc.List(e.ctx, e.owner, live.StatusScheduled, 0, 10)
		if len(list) != 1 || list[0].ID != s.ID {
			t.Fatalf("scheduled filter: %v", list)
		}
		_, _, err = e.svc.List(e.ctx, e.owner, "paused", 0, 10)
		code(t, "bad status filter", err, siyu.EINVALID, "status")
		other, _ := e.signup("Other Brand")
		_, err = e.svc.Get(e.ctx, other, s.ID)
		code(t, "other tenant reads", err, siyu.ENOTFOUND)
	})
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("lifecycle")
		e.bus.take()
		_, err := e.svc.End(e.ctx, e.host, s.ID)
		code(t, "end a draft", err, siyu.ECONFLICT)
		_, err = e.svc.Interrupt(e.ctx, e.host, s.ID)
		code(t, "interrupt a draft", err, siyu.ECONFLICT)
		_, err = e.svc.Schedule(e.ctx, e.host, s.ID, live.ScheduleInput{ScheduledAt: "2020-01-01T00:00:00Z"})
		code(t, "schedule in the past", err, siyu.EINVALID, "scheduled_at")
		when := e.clock.Now().Add(time.Hour)
		sc, err := e.svc.Schedule(e.ctx, e.host, s.ID, live.ScheduleInput{ScheduledAt: when.Format(time.RFC3339)})
		if err != nil || sc.Status != live.StatusScheduled || !sc.ScheduledAt.Equal(when) {
			t.Fatalf("schedule: %+v %v", sc, err)
		}
		_, err = e.svc.Start(e.ctx, e.agent, s.ID)
		code(t, "agent starts", err, siyu.EFORBIDDEN)

		e.clock.Add(time.Hour)
		st, err := e.svc.Start(e.ctx, e.host, s.ID)
		if err != nil || st.Status != live.StatusLive || !st.StartedAt.Equal(e.clock.Now()) {
			t.Fatalf("start: %+v %v", st, err)
		}
		_, err = e.svc.Start(e.ctx, e.host, s.ID)
		code(t, "start twice", err, siyu.ECONFLICT)
		_, err = e.svc.Schedule(e.ctx, e.host, s.ID, live.ScheduleInput{ScheduledAt: e.clock.Now().Add(time.Hour).Format(time.RFC3339)})
		code(t, "schedule a live session", err, siyu.ECONFLICT)
		_, err = e.svc.Update(e.ctx, e.owner, s.ID, live.SessionPatch{HostID: &e.owner.UserID})
		code(t, "change the host while live", err, siyu.ECONFLICT)

		// 10 minutes on air, 5 interrupted, 20 more on air.
		e.clock.Add(10 * time.Minute)
		in, err := e.svc.Interrupt(e.ctx, e.host, s.ID)
		if err != nil || in.Status != live.StatusLive || !in.Interrupted || in.DurationSeconds != 600 {
			t.Fatalf("interrupt: %+v %v", in, err)
		}
		_, err = e.svc.Interrupt(e.ctx, e.host, s.ID)
		code(t, "interrupt twice", err, siyu.ECONFLICT)
		e.clock.Add(5 * time.Minute)
		re, err := e.svc.Resume(e.ctx, e.host, s.ID)
		if err != nil || re.Interrupted || !re.InterruptedAt.IsZero() || re.DurationSeconds != 600 {
			t.Fatalf("resume: %+v %v", re, err)
		}
		_, err = e.svc.Resume(e.ctx, e.host, s.ID)
		code(t, "resume twice", err, siyu.ECONFLICT)
		e.clock.Add(20 * time.Minute)
		end, err := e.svc.End(e.ctx, e.host, s.ID)
		if err != nil || end.Status != live.StatusEnded || end.DurationSeconds != 30*60 || !end.EndedAt.Equal(e.clock.Now()) {
			t.Fatalf("end: %+v %v", end, err)
		}
		_, err = e.svc.Start(e.ctx, e.host, s.ID)
		code(t, "restart an ended session", err, siyu.ECONFLICT)
		if !strings.Contains(siyu.ErrorMessage(err), "has ended; it cannot be started again") {
			t.Fatalf("message %q", siyu.ErrorMessage(err))
		}
		_, err = e.svc.End(e.ctx, e.host, s.ID)
		code(t, "end twice", err, siyu.ECONFLICT)

		// Every change told the rooms; interruptions also say so explicitly.
		var types []string
		for _, c := range e.bus.take() {
			if c.SessionID != s.ID {
				t.Fatalf("control for another session: %+v", c)
			}
			types = append(types, c.Type)
		}
		want := "session_changed,session_changed,stream_interrupted,session_changed,stream_resumed,session_changed,session_changed"
		if strings.Join(types, ",") != want {
			t.Fatalf("control messages %v, want %s", types, want)
		}
		if got := e.events.List(); got != "live.started,live.ended" {
			t.Fatalf("webhooks %s", got)
		}
		entries, _ := e.org.AuditLog(e.ctx, e.owner, 0, 100)
		var actions []string
		for _, a := range entries {
			if strings.HasPrefix(a.Action, "session.") && a.Target == "session:"+itoa(s.ID) {
				actions = append(actions, a.Action)
			}
		}
		if strings.Join(actions, ",") != "session.end,session.start,session.create" {
			t.Fatalf("audit trail %v", actions)
		}
		// Ending while interrupted does not count the pause either.
		s2 := e.live("interrupted end")
		e.clock.Add(10 * time.Minute)
		if _, err := e.svc.Interrupt(e.ctx, e.host, s2.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour)
		end, err = e.svc.End(e.ctx, e.host, s2.ID)
		if err != nil || end.DurationSeconds != 600 || end.Interrupted {
			t.Fatalf("end while interrupted: %+v %v", end, err)
		}
	})
}

func TestUpdateAndBannedWords(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("settings")
		u, err := e.svc.Update(e.ctx, e.host, s.ID, live.SessionPatch{Announcement: ptr("今晚 8 点抽奖\n关注主播"),
			SlowModeSeconds: ptr(30), FollowersOnly: ptr(true), HostID: &e.owner.UserID})
		if err != nil || u.Announcement != "今晚 8 点抽奖\n关注主播" || u.SlowModeSeconds != 30 || !u.FollowersOnly ||
			u.Host.ID != e.owner.UserID || u.Title != "settings" {
			t.Fatalf("update: %+v %v", u, err)
		}
		words, err := e.svc.SetBannedWords(e.ctx, e.host, s.ID, []string{" 微信 ", "加V", "ＶＸ", "vx", "微 信"})
		if err != nil || strings.Join(words, ",") != "微信,加V,ＶＸ" {
			t.Fatalf("banned words: %q %v", words, err)
		}
		g, _ := e.svc.Get(e.ctx, e.host, s.ID)
		if strings.Join(g.BannedWords, ",") != "微信,加V,ＶＸ" {
			t.Fatalf("saved %q", g.BannedWords)
		}
		many := make([]string, live.MaxBannedWords+1)
		for i := range many {
			many[i] = "w" + itoa(int64(i))
		}
		for name, in := range map[string][]string{
			"too many": many, "empty": {"ok", "  "}, "too long": {strings.Repeat("长", 51)}, "only punctuation": {"!!!"},
		} {
			_, err := e.svc.SetBannedWords(e.ctx, e.host, s.ID, in)
			code(t, name, err, siyu.EINVALID, "words")
		}
		if w, err := e.svc.SetBannedWords(e.ctx, e.host, s.ID, many[:live.MaxBannedWords]); err != nil || len(w) != live.MaxBannedWords {
			t.Fatalf("2000 words: %d %v", len(w), err)
		}
		if w, err := e.svc.SetBannedWords(e.ctx, e.host, s.ID, nil); err != nil || w == nil || len(w) != 0 {
			t.Fatalf("clearing: %v %v", w, err)
		}
		_, err = e.svc.SetBannedWords(e.ctx, e.agent, s.ID, []string{"x"})
		code(t, "agent", err, siyu.EFORBIDDEN)
	})
}
