package community_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/live"
)

// A community is created with fresh codes and its creator as manager; the announcement
// keeps the time it changed; bad input names its field; another brand (or a role
// without customers.manage) neither sees nor changes it; deleting it hides it.
func TestCommunityLifecycle(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: " 老客福利群 ", Announcement: "每周三晚 8 点直播"})
		if c.Name != "老客福利群" || c.JoinMode != community.JoinOpen || len(c.Code) != community.CodeLen ||
			c.URL != "https://live.example.cn/g/"+c.Code || c.AnnouncementAt.IsZero() || c.MemberCount != 0 {
			t.Fatalf("created: %+v", c)
		}
		if len(c.Managers) != 1 || c.Managers[0].UserID != e.Owner.UserID {
			t.Fatalf("managers: %+v, want the creator", c.Managers)
		}
		before := c.AnnouncementAt
		e.Clock.Add(60_000_000_000)
		u, err := e.svc.Update(e.Ctx, e.agent, c.ID, community.Patch{Announcement: crmtest.Ptr("今晚 8 点上新，记得预约"), JoinMode: crmtest.Ptr("invite")})
		if err != nil {
			t.Fatal(err)
		}
		if u.Announcement != "今晚 8 点上新，记得预约" || !u.AnnouncementAt.After(before) || u.JoinMode != community.JoinInvite ||
			!strings.Contains(u.InviteURL, "?invite=") {
			t.Fatalf("updated: %+v", u)
		}
		u2, err := e.svc.Update(e.Ctx, e.agent, c.ID, community.Patch{Name: crmtest.Ptr("VIP 群")})
		if err != nil || !u2.AnnouncementAt.Equal(u.AnnouncementAt) {
			t.Fatalf("renaming moved the announcement time: %+v %v", u2, err)
		}

		_, err = e.svc.Create(e.Ctx, e.Owner, community.Input{Name: ""})
		crmtest.Code(t, err, siyu.EINVALID, "name")
		_, err = e.svc.Create(e.Ctx, e.Owner, community.Input{Name: "x", AvatarURL: "javascript:alert(1)"})
		crmtest.Code(t, err, siyu.EINVALID, "avatar_url")
		_, err = e.svc.Create(e.Ctx, e.Owner, community.Input{Name: "x", JoinMode: "closed"})
		crmtest.Code(t, err, siyu.EINVALID, "join_mode")
		_, err = e.svc.Create(e.Ctx, e.Owner, community.Input{Name: "x", ManagerIDs: []int64{999999}})
		crmtest.Code(t, err, siyu.EINVALID, "manager_ids")
		_, err = e.svc.Create(e.Ctx, e.kos, community.Input{Name: "x"})
		crmtest.Code(t, err, siyu.EFORBIDDEN)
		_, err = e.svc.Update(e.Ctx, e.kos, c.ID, community.Patch{Name: crmtest.Ptr("x")})
		crmtest.Code(t, err, siyu.EFORBIDDEN)

		other := e.Signup("Other")
		_, err = e.svc.Get(e.Ctx, other, c.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.svc.Update(e.Ctx, other, c.ID, community.Patch{Name: crmtest.Ptr("hijack")})
		crmtest.Code(t, err, siyu.ENOTFOUND)
		list, _, err := e.svc.List(e.Ctx, other, "", 50)
		if err != nil || len(list) != 0 {
			t.Fatalf("other brand's list: %+v %v", list, err)
		}

		ms, err := e.svc.SetManagers(e.Ctx, e.Owner, c.ID, community.ManagersInput{UserIDs: []int64{e.agent.UserID, e.kos.UserID, e.agent.UserID}})
		if err != nil || len(ms) != 2 {
			t.Fatalf("managers: %+v %v", ms, err)
		}
		_, err = e.svc.SetManagers(e.Ctx, e.Owner, c.ID, community.ManagersInput{UserIDs: []int64{other.UserID}})
		crmtest.Code(t, err, siyu.EINVALID, "user_ids")

		if err := e.svc.Delete(e.Ctx, e.Owner, c.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Get(e.Ctx, e.Owner, c.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.svc.Page(e.Ctx, c.Code, nil)
		crmtest.Code(t, err, siyu.ENOTFOUND)
	})
}

// Members are added by id (unknown or another brand's ids are invalid) or in bulk by a
// tag rule; the broadcast helper's MemberCustomerIDs follows merges and drops erased
// customers, and answers not_found for another brand's community.
func TestMembersAndMemberCustomerIDs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "会员群"})
		a := e.customer(e.Owner, "阿花")
		b := e.customer(e.Owner, "小美", "vip")
		v := e.customer(e.Owner, "老王", "vip")
		x := e.customer(e.Owner, "路人")
		got, err := e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{CustomerIDs: []int64{a, a, b}})
		if err != nil || got.Added != 2 || got.Members != 2 {
			t.Fatalf("add by id: %+v %v", got, err)
		}
		got, err = e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{Rule: "tag:vip"})
		if err != nil || got.Added != 1 || got.Members != 3 {
			t.Fatalf("add by rule: %+v %v", got, err)
		}
		other := e.Signup("Other")
		foreign := e.customer(other, "别家客户")
		_, err = e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{CustomerIDs: []int64{foreign}})
		crmtest.Code(t, err, siyu.EINVALID, "customer_ids")
		_, err = e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{Rule: "tag:vip AND ("})
		crmtest.Code(t, err, siyu.EINVALID, "rule")
		_, err = e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{})
		crmtest.Code(t, err, siyu.EINVALID, "customer_ids")
		_, err = e.svc.AddMembers(e.Ctx, e.kos, c.ID, community.MembersInput{CustomerIDs: []int64{x}})
		crmtest.Code(t, err, siyu.EFORBIDDEN)

		ids, err := e.svc.MemberCustomerIDs(e.Ctx, e.Owner.TenantID, c.ID)
		if want := []int64{a, b, v}; err != nil || !slices.Equal(ids, want) {
			t.Fatalf("member ids = %v %v, want %v", ids, err, want)
		}
		// x is merged into a member (x's id disappears, a stays once); b is erased.
		if _, err := e.CRM.Merge(e.Ctx, e.Owner, a, crm.MergeInput{CustomerID: x}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddMembers(e.Ctx, e.agent, c.ID, community.MembersInput{CustomerIDs: []int64{x}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Erase(e.Ctx, e.Owner, b); err != nil {
			t.Fatal(err)
		}
		ids, err = e.svc.MemberCustomerIDs(e.Ctx, e.Owner.TenantID, c.ID)
		if want := []int64{a, v}; err != nil || !slices.Equal(ids, want) {
			t.Fatalf("after merge and erase: %v %v, want %v", ids, err, want)
		}
		_, err = e.svc.MemberCustomerIDs(e.Ctx, other.TenantID, c.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)

		page, next, err := e.svc.ListMembers(e.Ctx, e.kos, c.ID, "", 2)
		if err != nil || len(page) != 2 || next == "" {
			t.Fatalf("first page: %+v %q %v", page, next, err)
		}
		rest, next2, err := e.svc.ListMembers(e.Ctx, e.kos, c.ID, next, 2)
		if err != nil || len(rest) != 1 || next2 != "" {
			t.Fatalf("second page: %+v %q %v", rest, next2, err)
		}
		if err := e.svc.RemoveMember(e.Ctx, e.agent, c.ID, v); err != nil {
			t.Fatal(err)
		}
		crmtest.Code(t, e.svc.RemoveMember(e.Ctx, e.agent, c.ID, v), siyu.ENOTFOUND)
		got2, _ := e.svc.Get(e.Ctx, e.kos, c.ID)
		if got2.MemberCount != 2 {
			t.Fatalf("member count after removal: %d", got2.MemberCount)
		}
	})
}

// Linking a live creates the group's own entry link (channel community): a viewer who
// comes through it is attributed to the community; the preview shows the session with
// the room and reservation links. Ended or another brand's sessions are refused.
func TestLinkLive(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.agent, community.Input{Name: "预告群"})
		sid := e.session("明晚上新专场")
		got, err := e.svc.SetLive(e.Ctx, e.agent, c.ID, community.LiveInput{SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		l := got.Live
		if l == nil || l.SessionID != sid || l.Title != "明晚上新专场" || l.Status != live.StatusScheduled || l.ScheduledAt.IsZero() ||
			l.EntryURL != "https://live.example.cn/live/"+l.EntryCode ||
			!strings.HasSuffix(l.ReserveURL, "/preview?entry="+l.EntryCode) {
			t.Fatalf("live: %+v", l)
		}
		again, err := e.svc.SetLive(e.Ctx, e.agent, c.ID, community.LiveInput{SessionID: sid})
		if err != nil || again.Live.EntryCode != l.EntryCode {
			t.Fatalf("relinking made a new entry: %+v %v", again.Live, err)
		}
		entries, err := e.live.ListEntries(e.Ctx, e.Owner, sid)
		if err != nil || len(entries) != 1 || entries[0].Channel != "community" {
			t.Fatalf("entries: %+v %v", entries, err)
		}
		vc, err := e.live.CreateViewer(e.Ctx, sid, live.ViewerInput{Nickname: "群友", Entry: l.EntryCode})
		if err != nil || vc.Channel != "community" {
			t.Fatalf("viewer through the group's link: %+v %v", vc, err)
		}
		page, err := e.svc.Page(e.Ctx, c.Code, nil)
		if err != nil || page.Live == nil || page.Live.EntryCode != l.EntryCode || page.Me != nil {
			t.Fatalf("page: %+v %v", page, err)
		}

		other := e.Signup("Other")
		_, err = e.svc.SetLive(e.Ctx, other, c.ID, community.LiveInput{SessionID: sid})
		crmtest.Code(t, err, siyu.ENOTFOUND)
		oc := e.community(other, community.Input{Name: "别家群"})
		_, err = e.svc.SetLive(e.Ctx, other, oc.ID, community.LiveInput{SessionID: sid})
		crmtest.Code(t, err, siyu.EINVALID, "session_id")
		if _, err := e.live.Start(e.Ctx, e.host, sid); err != nil {
			t.Fatal(err)
		}
		if _, err := e.live.End(e.Ctx, e.host, sid); err != nil {
			t.Fatal(err)
		}
		c2 := e.community(e.agent, community.Input{Name: "晚到群"})
		_, err = e.svc.SetLive(e.Ctx, e.agent, c2.ID, community.LiveInput{SessionID: sid})
		crmtest.Code(t, err, siyu.EINVALID, "session_id")
		cleared, err := e.svc.ClearLive(e.Ctx, e.agent, c.ID)
		if err != nil || cleared.Live != nil {
			t.Fatalf("cleared: %+v %v", cleared.Live, err)
		}
	})
}
