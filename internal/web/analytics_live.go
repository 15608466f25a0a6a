package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/siyu-live/siyu/internal/analytics/dashboard"
	"github.com/siyu-live/siyu/internal/live"
)

// analyticsLiveData is the 数据大屏 of one session. The page is rendered with the
// figures of the moment and static/analytics-live.js then polls the dashboard API
// every second and updates it in place.
type analyticsLiveData struct {
	S     live.Session
	D     dashboard.Dashboard
	Texts string // the script's texts (analytics.js.*), JSON
	Names string // channel names in the page's language, JSON
	Alert string // the newest drop alert in words, "" without one
}

func (c *Console) analyticsLive(q *rq) error {
	if err := c.analyticsReady(); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	ctx := q.r.Context()
	s, err := c.Live.Get(ctx, q.p, id)
	if err != nil {
		return err
	}
	d, err := c.Analytics.Dashboard(ctx, q.p, id)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, ch := range append([]string{live.ChannelDirect}, live.Channels...) {
		names[ch] = c.channelName(q.lang, ch)
	}
	b, _ := json.Marshal(names)
	q.render(http.StatusOK, "analytics_live", "analytics.live.title", analyticsLiveData{S: s, D: d,
		Texts: c.jsTexts(q.lang, "analytics.js."), Names: string(b), Alert: c.alertText(q.lang, d.Alerts)})
	return nil
}

// alertText words the newest alert in the page's language (the API's message is
// Chinese only), as analytics-live.js does for the ones that come later.
func (c *Console) alertText(lang string, alerts []dashboard.AlertOut) string {
	if len(alerts) == 0 {
		return ""
	}
	a := alerts[0]
	m := strconv.Itoa(a.WindowMinutes)
	return strings.NewReplacer("{m}", m, "{pct}", strconv.Itoa(int(-a.Change*100+0.5)),
		"{prev}", groupDigits(int(a.Previous)), "{cur}", groupDigits(int(a.Current))).Replace(c.tr(lang, "analytics.js.alert."+a.Kind))
}

// channelName is an entry channel in words (社群, 公众号 …), the code itself when the
// catalog does not know it.
func (c *Console) channelName(lang, ch string) string {
	if k := "live.channel." + ch; c.has(lang, k) {
		return c.tr(lang, k)
	}
	return ch
}

// analyticsToken gives the dashboard script a bearer token for the dashboard API,
// as the studio's token route does: a CSRF-protected POST (the authed wrapper checks
// it) by a signed-in member who may view analytics (the area's permission).
func (c *Console) analyticsToken(q *rq) error { return c.writeLoginToken(q) }
