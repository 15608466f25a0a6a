package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/demo"
)

// TestMarketingPage: the 营销工具 page lists the demo's past session's tools, one tab per
// tool, each row linking to the session's studio; the lottery tab shows the winners
// with the delivery details one of them gave and the public verify link. An agent (no
// promo.manage) may not open it, another brand sees only its own empty tabs, and an
// unknown tab is not found.
func TestMarketingPage(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	s := app.Server
	if err := demo.Seed(context.Background(), s.Org, s.Live, s.Commerce, s.Promo, s.FlashSales, s.GroupBuys, s.Assists,
		s.Coupons); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, app)
	b.login(demo.OwnerEmail, demo.Password)

	p := b.get("/console/marketing")
	mustStatus(t, p, http.StatusOK, "marketing")
	mustHave(t, p, "flash sales", "营销工具", `data-tab="flash-sales"`, "羊毛针织围巾", "¥49.00", `data-testid="mk-sold">6 / 20`,
		`data-status="ended"`, demo.PastTitle, `/studio"`, `href="/console/marketing/lotteries"`, `aria-current="page"`)
	mustNotHave(t, p, "flash sales", "<script>", "style=")
	for path, texts := range map[string][]string{
		"/console/marketing/red-envelopes": {"感谢大家来看直播！", "拼手气", `data-status="expired"`, "¥88.88"},
		"/console/marketing/lotteries": {"羊毛针织围巾 1 条", `data-status="drawn"`, "8 人参与", `data-testid="mk-winner" data-filled="yes"`,
			`data-filled="no"`, "13912345678", "浙江省杭州市西湖区文三路 90 号 3 幢 501", "待填写", "/api/v1/public/lotteries/",
			"siyu lottery verify --url"},
		"/console/marketing/group-buys": {"真丝衬衫", "¥239.00", "成团 1", "拼团中 1", "1 天内完成", `data-status="closed"`},
		"/console/marketing/assists":    {"羊毛针织围巾", "¥59.00", "1 / 2", `data-status="closed"`},
		"/console/marketing/coupons":    {"直播间专享 满299减50", "−¥50.00", "满 ¥299.00 可用", `data-testid="mk-claimed">4 / 200`, `data-testid="mk-used">1`},
	} {
		p := b.get(path)
		mustStatus(t, p, http.StatusOK, path)
		mustHave(t, p, path, append(texts, demo.PastTitle)...)
	}
	mustHave(t, b.get("/console/marketing/lotteries?lang=en"), "lotteries en", "Lotteries", "Recipient", "8 entrants", "Waiting")
	mustStatus(t, b.get("/console/marketing/raffles"), http.StatusNotFound, "unknown tab")

	agent := newBrowser(t, app)
	agent.login(demo.AgentEmail, demo.Password)
	mustStatus(t, agent.get("/console/marketing/lotteries"), http.StatusForbidden, "agent")

	other, _ := ownerOf(t, app, "Other Brand")
	for _, tab := range []string{"flash-sales", "red-envelopes", "lotteries", "group-buys", "assists", "coupons"} {
		p := other.get("/console/marketing/" + tab)
		mustStatus(t, p, http.StatusOK, "other brand "+tab)
		mustHave(t, p, "other brand "+tab, `data-testid="mk-empty"`)
		mustNotHave(t, p, "other brand "+tab, "羊毛针织围巾", "真丝衬衫", "满299减50", "感谢大家", "13912345678", demo.PastTitle)
	}
}
