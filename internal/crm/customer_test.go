package crm_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
)

// A second customer with the same phone (however it is typed) is the first one: same
// id, the name it had, remarks added up. Bad input names its field.
func TestSamePhoneIsTheSameCustomer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.Customer(e.Owner, crm.CustomerInput{Name: "王小美", Phone: "13800138000", Remark: "老客户，喜欢口红"})
		if a.Merged || a.Phone != "13800138000" || a.FirstSource != crm.OriginAPI {
			t.Fatalf("first: %+v", a)
		}
		b := e.Customer(e.Owner, crm.CustomerInput{Name: "小美", Phone: "+86 138-0013-8000", Remark: "要发票"})
		if b.ID != a.ID || !b.Merged || b.Name != "王小美" || b.Remark != "老客户，喜欢口红\n要发票" {
			t.Fatalf("second with the same phone: %+v, want id %d", b, a.ID)
		}
		c := e.Customer(e.Owner, crm.CustomerInput{Name: "阿花", Phone: "13900139000"})
		if c.ID == a.ID || c.Merged {
			t.Fatalf("another phone made no new customer: %+v", c)
		}
		_, err := e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "x", Phone: "abc"})
		crmtest.Code(t, err, siyu.EINVALID, "phone")
		_, err = e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: " "})
		crmtest.Code(t, err, siyu.EINVALID, "name")
		_, err = e.CRM.Create(e.Ctx, e.Owner, crm.CustomerInput{Name: "x", Identities: []crm.Identity{{Kind: "viewer", Value: "1"}}})
		crmtest.Code(t, err, siyu.EINVALID, "identities")
		_, err = e.CRM.Create(e.Ctx, e.kos, crm.CustomerInput{Name: "x"})
		crmtest.Code(t, err, siyu.EFORBIDDEN)
	})
}

// Identifying with a WeChat openid finds its customer; an identify that names two
// profiles (a phone of one, the openid of another) merges them into the older, and the
// merged-away id answers with the survivor.
func TestOpenIDIdentifiesAndMerges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		first := e.Customer(e.Owner, crm.CustomerInput{Name: "微信粉丝", WechatOpenID: "oAbCdEf123456789"})
		again := e.Customer(e.Owner, crm.CustomerInput{Name: "同一人", WechatOpenID: "oAbCdEf123456789", Phone: "13700137000"})
		if again.ID != first.ID || !again.Merged {
			t.Fatalf("openid did not find its customer: %+v", again)
		}
		other := e.Customer(e.Owner, crm.CustomerInput{Name: "另一个号", Phone: "13600136000",
			Identities: []crm.Identity{{Kind: "platform:douyin", Value: "dy_42"}}})
		if other.ID == first.ID {
			t.Fatal("a new phone found the first customer")
		}
		both := e.Customer(e.Owner, crm.CustomerInput{Name: "合并", Phone: "13600136000", WechatUnionID: "u-1", WechatOpenID: "oAbCdEf123456789"})
		if both.ID != first.ID {
			t.Fatalf("merge survivor %d, want the older %d", both.ID, first.ID)
		}
		p := e.get(other.ID)
		if p.ID != first.ID {
			t.Fatalf("merged-away id answers with %d, want the survivor %d", p.ID, first.ID)
		}
		var kinds []string
		for _, id := range p.Identities {
			kinds = append(kinds, id.Kind+"="+id.Value)
		}
		for _, want := range []string{"phone=13700137000", "phone=13600136000", "wechat_openid=oAbCdEf123456789",
			"wechat_unionid=u-1", "platform:douyin=dy_42"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("identities %v lack %s", kinds, want)
			}
		}
		if p.Phone != "13700137000" {
			t.Errorf("phone %q, want the survivor's own", p.Phone)
		}
		if f, ok := e.obs.last(other.ID); !ok || !f.Gone {
			t.Errorf("observers were not told the merged-away profile is gone: %+v", f)
		}
		list, _, err := e.CRM.List(e.Ctx, e.Owner, crm.ListQuery{})
		if err != nil || len(list) != 1 || list[0].ID != first.ID {
			t.Fatalf("list after merge: %+v %v", list, err)
		}
	})
}

// Merging two viewers' profiles keeps everything: tags, remarks (both), summed
// aggregates, identities, attended sessions and both timelines.
func TestMergeKeepsEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		v1 := e.viewer(e.session, "小美")
		e.join(v1)
		e.watch(v1, 3*time.Minute)
		e.buy(v1, "口红", 9900, 1)
		s2 := e.startSession("第二场")
		v2 := e.viewer(s2, "美美")
		e.join(v2)
		e.watch(v2, 2*time.Minute)
		e.buy(v2, "面霜", 20000, 2)
		a, b := e.of(v1), e.of(v2)
		if a.ID == b.ID {
			t.Fatal("two guests share a profile")
		}
		if _, err := e.CRM.AddTags(e.Ctx, e.Owner, a.ID, crm.TagsInput{Tags: []string{"VIP", "口红控"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.AddTags(e.Ctx, e.Owner, b.ID, crm.TagsInput{Tags: []string{"VIP", "敏感肌"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Update(e.Ctx, e.Owner, a.ID, crm.CustomerPatch{Remark: crmtest.Ptr("周末有空")}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CRM.Update(e.Ctx, e.Owner, b.ID, crm.CustomerPatch{Remark: crmtest.Ptr("怕过敏")}); err != nil {
			t.Fatal(err)
		}
		m, err := e.CRM.Merge(e.Ctx, e.agent, a.ID, crm.MergeInput{CustomerID: b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != a.ID || m.OrdersCount != 2 || m.SpentFen != 9900+40000 || m.WatchMS != (5*time.Minute).Milliseconds() ||
			m.Sessions != 2 || m.Remark != "周末有空\n怕过敏" {
			t.Fatalf("merged aggregates: %+v", m)
		}
		if got := tagNames(m); !slices.Equal(got, []string{"VIP", "口红控", "敏感肌"}) {
			t.Fatalf("merged tags %v", got)
		}
		if e.of(v2).ID != a.ID {
			t.Fatal("the second viewer's identity did not move")
		}
		p := e.get(b.ID)
		if p.ID != a.ID {
			t.Fatalf("merged-away id answers %d", p.ID)
		}
		var orders, entries int
		for _, it := range p.Timeline.Items {
			switch it.Kind {
			case crm.ItemOrder:
				orders++
			case crm.ItemEntry:
				entries++
			}
		}
		if orders != 2 {
			t.Fatalf("timeline after merge has %d orders, want both: %+v", orders, p.Timeline.Items)
		}
		if names := p.Preferences.TopProducts; len(names) != 2 || names[0].Name != "面霜" || names[0].Quantity != 2 {
			t.Fatalf("preferences: %+v", p.Preferences)
		}
		if p.Preferences.AvgOrderFen != 49900/2 || p.Preferences.PriceBand != crm.BandMid {
			t.Fatalf("avg order / band: %+v", p.Preferences)
		}
		_, err = e.CRM.Merge(e.Ctx, e.Owner, a.ID, crm.MergeInput{CustomerID: 999999})
		crmtest.Code(t, err, siyu.EINVALID, "customer_id")
		if e.events.Count(crm.EventMerged) != 1 {
			t.Fatalf("webhooks: %s", e.events.List())
		}
	})
}

// A viewer who verifies a phone becomes the customer with that phone: their watch time
// and orders join the profile staff created, and later viewers with the phone too.
func TestVerifiedPhoneJoinsTheCustomer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		known := e.Customer(e.Owner, crm.CustomerInput{Name: "李姐", Phone: "13512345678", Remark: "门店老客"})
		v := e.viewer(e.session, "路人甲")
		e.join(v)
		e.watch(v, 4*time.Minute)
		guest := e.of(v)
		if guest.ID == known.ID || guest.Origin != crm.OriginViewer || guest.Name != "路人甲" {
			t.Fatalf("guest profile: %+v", guest)
		}
		e.verify(v, "13512345678")
		c := e.of(v)
		if c.ID != known.ID || c.WatchMS != (4*time.Minute).Milliseconds() || c.Name != "李姐" || c.Sessions != 1 {
			t.Fatalf("after verifying the phone: %+v, want customer %d with the watch time", c, known.ID)
		}
		// A viewer of the next session whose phone is already verified lands there at once.
		s2 := e.startSession("下一场")
		w := e.viewer(s2, "李姐的手机")
		e.verify(w, "13512345678")
		e.buy(w, "围巾", 5000, 1)
		c = e.get(known.ID).Customer
		if c.OrdersCount != 1 || c.SpentFen != 5000 {
			t.Fatalf("order of the second viewer: %+v", c)
		}
		id := strconv.FormatInt(w.ID, 10)
		if got, err := e.CRM.ByIdentity(e.Ctx, e.Owner, crm.KindViewer, id); err != nil || got.ID != known.ID {
			t.Fatalf("viewer identity: %+v %v", got, err)
		}
	})
}

// First touch is the earliest entry (its channel), last touch the latest, also across
// a merge; a viewer without a code came "direct".
func TestSourcesFirstAndLast(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		community := e.entry(e.session, "community")
		v1 := e.viewer(e.session, "社群粉", community.Code)
		e.join(v1)
		c := e.of(v1)
		if c.FirstSource != "community" || c.LastSource != "community" {
			t.Fatalf("first entry: %+v", c)
		}
		e.Clock.Add(24 * time.Hour)
		s2 := e.startSession("第二天")
		ad := e.entry(s2, "ad")
		v2 := e.viewer(s2, "广告来的", ad.Code)
		e.join(v2)
		e.Clock.Add(time.Hour)
		v3 := e.viewer(s2, "直接来的")
		e.join(v3)
		if d := e.of(v3); d.FirstSource != crm.SourceDirect {
			t.Fatalf("no code: %+v", d)
		}
		// The same person: both verify one phone. Merged, the earliest entry stays first.
		e.verify(v2, "13611112222")
		e.verify(v1, "13611112222")
		c = e.of(v1)
		if c.ID != e.of(v2).ID || c.FirstSource != "community" || c.LastSource != "ad" {
			t.Fatalf("after merge: %+v", c)
		}
		// A later entry through another channel moves only the last touch.
		e.Clock.Add(time.Hour)
		e.join(v1)
		c = e.of(v1)
		if c.FirstSource != "community" || c.LastSource != "community" || !c.LastTouchAt.Equal(e.Clock.Now()) {
			t.Fatalf("rejoin: %+v", c)
		}
	})
}
