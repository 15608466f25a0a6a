package crm_test

import (
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// Phone numbers and other contact details are masked for staff without contacts.view
// (a host, a KOS), whole for those with it (owner, agent); every page of the list is
// in the audit log with whether contacts were shown.
func TestContactsMaskedPerRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		c := e.Customer(e.Owner, crm.CustomerInput{Name: "王小美", Phone: "13800130000", WechatOpenID: "oWX_abcdefghijkl"})
		check := func(role string, got crm.Customer, masked bool) {
			t.Helper()
			wantPhone, wantOpen := "13800130000", "oWX_abcdefghijkl"
			if masked {
				wantPhone, wantOpen = "138****0000", "oWX****jkl"
			}
			if got.Phone != wantPhone || got.Masked != masked {
				t.Errorf("%s sees phone %q (masked %t), want %q", role, got.Phone, got.Masked, wantPhone)
			}
			for _, id := range got.Identities {
				if id.Kind == crm.KindWechatOpenID && id.Value != wantOpen {
					t.Errorf("%s sees openid %q, want %q", role, id.Value, wantOpen)
				}
				if id.Kind == crm.KindPhone && id.Value != wantPhone {
					t.Errorf("%s sees phone identity %q, want %q", role, id.Value, wantPhone)
				}
			}
		}
		for role, p := range map[string]struct {
			masked bool
			get    func() (crm.Profile, error)
			list   func() ([]crm.Customer, string, error)
		}{
			"owner": {false, func() (crm.Profile, error) { return e.CRM.Get(e.Ctx, e.Owner, c.ID) },
				func() ([]crm.Customer, string, error) { return e.CRM.List(e.Ctx, e.Owner, crm.ListQuery{}) }},
			"agent": {false, func() (crm.Profile, error) { return e.CRM.Get(e.Ctx, e.agent, c.ID) },
				func() ([]crm.Customer, string, error) { return e.CRM.List(e.Ctx, e.agent, crm.ListQuery{}) }},
			"host": {true, func() (crm.Profile, error) { return e.CRM.Get(e.Ctx, e.host, c.ID) },
				func() ([]crm.Customer, string, error) { return e.CRM.List(e.Ctx, e.host, crm.ListQuery{}) }},
			"kos": {true, func() (crm.Profile, error) { return e.CRM.Get(e.Ctx, e.kos, c.ID) },
				func() ([]crm.Customer, string, error) { return e.CRM.List(e.Ctx, e.kos, crm.ListQuery{}) }},
		} {
			prof, err := p.get()
			if err != nil {
				t.Fatal(err)
			}
			check(role, prof.Customer, p.masked)
			list, _, err := p.list()
			if err != nil || len(list) != 1 {
				t.Fatalf("%s list: %+v %v", role, list, err)
			}
			check(role+" (list)", list[0], p.masked)
		}
		// Without contacts.view, a search by phone must name the whole number.
		got, _, err := e.CRM.List(e.Ctx, e.host, crm.ListQuery{Q: "0013"})
		if err != nil || len(got) != 0 {
			t.Fatalf("host found a customer by part of a phone: %+v %v", got, err)
		}
		got, _, err = e.CRM.List(e.Ctx, e.host, crm.ListQuery{Q: "13800130000"})
		if err != nil || len(got) != 1 {
			t.Fatalf("host search by whole phone: %+v %v", got, err)
		}
		got, _, err = e.CRM.List(e.Ctx, e.Owner, crm.ListQuery{Q: "0013"})
		if err != nil || len(got) != 1 {
			t.Fatalf("owner search by part of a phone: %+v %v", got, err)
		}
		entries, err := audit.List(e.Ctx, store, e.Owner.TenantID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		lists := 0
		for _, en := range entries {
			if en.Action == crm.AuditList {
				lists++
				if en.UserID == e.host.UserID && !strings.Contains(en.Detail, "contacts=false") {
					t.Errorf("host's bulk view: %+v", en)
				}
			}
		}
		if lists != 7 {
			t.Fatalf("%d bulk views audited, want 7", lists)
		}
		other := e.Signup("Other")
		_, err = e.CRM.Get(e.Ctx, other, c.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.CRM.AddTags(e.Ctx, other, c.ID, crm.TagsInput{Tags: []string{"x"}})
		crmtest.Code(t, err, siyu.ENOTFOUND)
	})
}

// Erasing a customer removes the personal data (name 已注销, phone, WeChat ids,
// remark, tags, the viewer accounts' nicknames and phones) and keeps aggregates and
// orders; the phone is free for a new customer afterwards.
func TestEraseKeepsAggregates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		v := e.viewer(e.session, "要注销的人")
		e.join(v)
		e.watch(v, 12*time.Minute)
		e.verify(v, "13912340000")
		o := e.buy(v, "口红", 9900, 2)
		c := e.of(v)
		if _, err := e.CRM.AddTags(e.Ctx, e.Owner, c.ID, crm.TagsInput{Tags: []string{"孕妇"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Update(e.Ctx, e.Owner, c.ID, crm.CustomerPatch{Remark: crmtest.Ptr("住在静安区")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "x", Phone: "13912340000", WechatOpenID: "oErase123456"}); err != nil {
			t.Fatal(err)
		}
		_, err := e.CRM.Erase(e.Ctx, e.host, c.ID)
		crmtest.Code(t, err, siyu.EFORBIDDEN)
		gone, err := e.CRM.Erase(e.Ctx, e.agent, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gone.Name != crm.ErasedName || gone.Phone != "" || gone.Remark != "" || !gone.Erased || len(gone.Tags) != 0 {
			t.Fatalf("erased profile: %+v", gone)
		}
		for _, id := range gone.Identities {
			if id.Kind != crm.KindViewer {
				t.Fatalf("identity left after erase: %+v", id)
			}
		}
		if gone.OrdersCount != 1 || gone.SpentFen != 19800 || gone.WatchMS != (12*time.Minute).Milliseconds() {
			t.Fatalf("aggregates lost: %+v", gone)
		}
		me, err := e.live.Me(e.Ctx, v)
		if err != nil || me.Phone != "" || me.Nickname != crm.ErasedName {
			t.Fatalf("viewer account after erase: %+v %v", me, err)
		}
		if got, err := e.shop.Order(e.Ctx, e.Owner, o.ID); err != nil || got.Total != 19800 {
			t.Fatalf("order after erase: %+v %v", got, err)
		}
		if f, ok := e.obs.last(c.ID); !ok || !f.Gone || f.SpentFen != 19800 {
			t.Fatalf("observers: %+v", f)
		}
		fresh := e.Customer(e.Owner, crm.CustomerInput{Name: "新号主", Phone: "13912340000"})
		if fresh.ID == c.ID || fresh.Merged {
			t.Fatalf("the erased phone still finds the erased profile: %+v", fresh)
		}
		if _, err := e.CRM.Erase(e.Ctx, e.agent, c.ID); err != nil {
			t.Fatalf("erasing twice: %v", err)
		}
		_, err = e.CRM.Update(e.Ctx, e.Owner, c.ID, crm.CustomerPatch{Name: crmtest.Ptr("复活")})
		crmtest.Code(t, err, siyu.ECONFLICT)
		if e.events.Count(crm.EventErased) != 1 {
			t.Fatalf("webhooks: %s", e.events.List())
		}
	})
}
