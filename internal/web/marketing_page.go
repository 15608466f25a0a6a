package web

import (
	"net/http"
	"slices"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/promo"
	"github.com/siyu-live/siyu/internal/promo/assist"
	"github.com/siyu-live/siyu/internal/promo/coupon"
	"github.com/siyu-live/siyu/internal/promo/flashsale"
	"github.com/siyu-live/siyu/internal/promo/groupbuy"
)

// MarketingTools are the in-room selling tools the 营销工具 page lists across the
// tenant's sessions. Any may be nil (a console built without it): its tab then shows
// the empty state.
type MarketingTools struct {
	Promo      *promo.Service // red envelopes and lotteries
	FlashSales *flashsale.Service
	GroupBuys  *groupbuy.Service
	Assists    *assist.Service
	Coupons    *coupon.Service
}

// marketingLimit is how many of each tool the page lists: the latest, newest first.
const marketingLimit = 100

// marketingTab is one tool's tab; Key is its URL segment and catalog key
// marketing.tab.<Key>.
type marketingTab struct {
	Key   string
	Icon  string
	Count int
	On    bool
}

// marketingTabKeys are the tabs in display order; the first is the area's landing tab.
var marketingTabKeys = []struct{ Key, Icon string }{
	{"flash-sales", "flame"}, {"red-envelopes", "gift"}, {"lotteries", "star"},
	{"group-buys", "users"}, {"assists", "heart"}, {"coupons", "bag"},
}

// toolRow is one tool in a tab with the session it ran in, which the row links to.
type toolRow[T any] struct {
	Item    T
	Session sessionOpt
}

// marketingData is the page: totals across the tools, the tabs and the open tab's rows.
type marketingData struct {
	Tab        string
	Tabs       []marketingTab
	Totals     marketingTotals
	FlashSales []toolRow[flashsale.FlashSale]
	Envelopes  []toolRow[promo.EnvelopeSummary]
	Lotteries  []toolRow[promo.TenantLottery]
	GroupBuys  []toolRow[groupbuy.GroupBuy]
	Assists    []toolRow[assist.Assist]
	Coupons    []toolRow[coupon.Coupon]
	// VerifyBase is the public address a lottery's draw is checked against.
	VerifyBase string
}

// marketingTotals are the results the KPI cards add up over the listed tools.
type marketingTotals struct {
	UnitsSold       int64 // flash-sale units in live orders
	EnvelopeFen     int64 // red-envelope money grabbed
	Winners         int   // lottery winners drawn
	GroupsSucceeded int
	Unlocked        int // assist campaigns that reached their helpers
	CouponsUsed     int64
}

// marketingPage renders one tab of the 营销工具 page.
func (c *Console) marketingPage(q *rq) error {
	tab := q.r.PathValue("tool")
	if tab == "" {
		tab = marketingTabKeys[0].Key
	}
	if !slices.ContainsFunc(marketingTabKeys, func(t struct{ Key, Icon string }) bool { return t.Key == tab }) {
		return siyu.Errorf(siyu.ENOTFOUND, "no such tool")
	}
	d, err := c.marketingLists(q.r.Context(), q)
	if err != nil {
		return err
	}
	d.Tab, d.VerifyBase = tab, publicBase(c.Config)
	counts := map[string]int{"flash-sales": len(d.FlashSales), "red-envelopes": len(d.Envelopes), "lotteries": len(d.Lotteries),
		"group-buys": len(d.GroupBuys), "assists": len(d.Assists), "coupons": len(d.Coupons)}
	for _, t := range marketingTabKeys {
		d.Tabs = append(d.Tabs, marketingTab{Key: t.Key, Icon: t.Icon, Count: counts[t.Key], On: t.Key == tab})
	}
	q.csp = imageCSP
	q.render(http.StatusOK, "marketing", "nav.marketing", d)
	return nil
}

func publicBase(cfg config.Config) string { return cfg.PublicURL() }
