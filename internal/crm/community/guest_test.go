package community_test

import (
	"strconv"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/live"
)

// Opening an open group's page and joining makes a CRM customer (first source
// community, identity platform:community) and a member; joining again changes nothing.
// An invite-only group needs its invite code. A device holding a live viewer token of
// the brand joins as that viewer's customer.
func TestJoinMakesACustomerAndAMember(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "宝妈群", Announcement: "欢迎新朋友"})
		page, err := e.svc.Page(e.Ctx, c.Code, nil)
		if err != nil || page.Community.Name != "宝妈群" || page.Community.Announcement != "欢迎新朋友" || page.Community.Brand != "Brand" {
			t.Fatalf("anonymous page: %+v %v", page, err)
		}
		j, err := e.svc.Join(e.Ctx, c.Code, "", community.JoinInput{Nickname: "小雨妈妈"})
		if err != nil || j.Token == "" || !j.Member || j.Nickname != "小雨妈妈" {
			t.Fatalf("join: %+v %v", j, err)
		}
		g, err := e.svc.AuthenticateGuest(e.Ctx, j.Token)
		if err != nil {
			t.Fatal(err)
		}
		cu, err := e.CRM.Get(e.Ctx, e.Owner, g.CustomerID)
		if err != nil || cu.Name != "小雨妈妈" || cu.FirstSource != "community" || len(cu.Identities) != 1 ||
			cu.Identities[0].Kind != community.IdentityKind {
			t.Fatalf("customer: %+v %v", cu.Customer, err)
		}
		again, err := e.svc.Join(e.Ctx, c.Code, j.Token, community.JoinInput{})
		if err != nil || again.Token != "" || !again.Member {
			t.Fatalf("join again: %+v %v", again, err)
		}
		page, err = e.svc.Page(e.Ctx, c.Code, &g)
		if err != nil || page.Me == nil || !page.Me.Member || page.Community.MemberCount != 1 {
			t.Fatalf("member's page: %+v %v", page, err)
		}
		_, err = e.svc.Join(e.Ctx, c.Code, "", community.JoinInput{Nickname: " "})
		crmtest.Code(t, err, siyu.EINVALID, "nickname")
		_, err = e.svc.Join(e.Ctx, c.Code, "sg_forged", community.JoinInput{Nickname: "x"})
		crmtest.Code(t, err, siyu.EUNAUTHORIZED)
		_, err = e.svc.Join(e.Ctx, "zzzzzzzz", "", community.JoinInput{Nickname: "x"})
		crmtest.Code(t, err, siyu.ENOTFOUND)

		// Invite only: the code from the invite link, or nothing.
		vip := e.community(e.Owner, community.Input{Name: "黑卡群", JoinMode: community.JoinInvite})
		_, err = e.svc.Join(e.Ctx, vip.Code, j.Token, community.JoinInput{})
		crmtest.Code(t, err, community.CodeInviteRequired)
		_, err = e.svc.Join(e.Ctx, vip.Code, j.Token, community.JoinInput{Invite: "wrongcod"})
		crmtest.Code(t, err, community.CodeInviteRequired)
		in, err := e.svc.Join(e.Ctx, vip.Code, j.Token, community.JoinInput{Invite: vip.InviteCode})
		if err != nil || !in.Member || in.Token != "" {
			t.Fatalf("join with the invite: %+v %v", in, err)
		}
		ids, _ := e.svc.MemberCustomerIDs(e.Ctx, e.Owner.TenantID, vip.ID)
		if len(ids) != 1 || ids[0] != g.CustomerID {
			t.Fatalf("the same guest is the same customer in both groups: %v, want %d", ids, g.CustomerID)
		}

		// A live viewer of the brand becomes the member it already is in the CRM.
		sid := e.session("直播")
		vc, err := e.live.CreateViewer(e.Ctx, sid, live.ViewerInput{Nickname: "直播间的王姐"})
		if err != nil {
			t.Fatal(err)
		}
		vj, err := e.svc.Join(e.Ctx, c.Code, "", community.JoinInput{Nickname: "王姐", ViewerToken: vc.Token})
		if err != nil {
			t.Fatal(err)
		}
		vg, _ := e.svc.AuthenticateGuest(e.Ctx, vj.Token)
		byViewer, err := e.CRM.ByIdentity(e.Ctx, e.Owner, crm.KindViewer, strconv.FormatInt(vc.ID, 10))
		if err != nil || byViewer.ID != vg.CustomerID {
			t.Fatalf("viewer's customer %+v %v, guest's %d", byViewer, err, vg.CustomerID)
		}

		// Another brand's guest is nobody here: its own brand's token does not open this page.
		other := e.Signup("Other")
		oc := e.community(other, community.Input{Name: "别家群"})
		og := e.member(oc, "别家的人")
		page, err = e.svc.Page(e.Ctx, c.Code, &og)
		if err != nil || page.Me != nil {
			t.Fatalf("another brand's guest sees: %+v %v", page.Me, err)
		}
		_, err = e.svc.Grab(e.Ctx, og, c.Code, 1)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		oj, err := e.svc.Join(e.Ctx, c.Code, "", community.JoinInput{Nickname: "别家的人"})
		if err != nil || oj.Token == "" {
			t.Fatalf("joining as a new guest: %+v %v", oj, err)
		}

		// An erased customer's token stops working.
		if _, err := e.CRM.Erase(e.Ctx, e.Owner, g.CustomerID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AuthenticateGuest(e.Ctx, j.Token)
		crmtest.Code(t, err, siyu.EUNAUTHORIZED)
	})
}
