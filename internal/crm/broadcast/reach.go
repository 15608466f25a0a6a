package broadcast

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/talk"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/notify"
)

// MessageKind is the notify kind of broadcast messages.
const MessageKind = "broadcast"

// contact is how a customer can be reached.
type contact struct {
	ID         int64
	Name       string
	Phone      string
	Erased     bool
	MergedInto int64
	ViewerID   int64             // their most recent viewer account, for in-app messages
	External   map[string]string // wechat_openid, wechat_unionid, platform:<name> → value
}

// loadContacts reads the customers and identities of ids in two queries.
func loadContacts(ctx context.Context, q db.Querier, tenantID int64, ids []int64) (map[int64]*contact, error) {
	out := make(map[int64]*contact, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	var custs []struct {
		ID     int64  `db:"id"`
		Name   string `db:"name"`
		Phone  string `db:"phone"`
		Erased int64  `db:"erased_at"`
		Merged int64  `db:"merged_into"`
	}
	if err := q.SelectContext(ctx, &custs, `SELECT id, name, COALESCE(phone, '') AS phone, COALESCE(erased_at, 0) AS erased_at,
		COALESCE(merged_into, 0) AS merged_into FROM customers WHERE tenant_id = ? AND id IN (`+in+`)`,
		append([]any{tenantID}, args...)...); err != nil {
		return nil, fmt.Errorf("broadcast: load customers: %w", err)
	}
	for _, c := range custs {
		out[c.ID] = &contact{ID: c.ID, Name: c.Name, Phone: c.Phone, Erased: c.Erased > 0, MergedInto: c.Merged}
	}
	var ids2 []struct {
		CustomerID int64  `db:"customer_id"`
		Kind       string `db:"kind"`
		Value      string `db:"value"`
		RefID      int64  `db:"ref_id"`
	}
	if err := q.SelectContext(ctx, &ids2, `SELECT customer_id, kind, value, ref_id FROM customer_identities
		WHERE tenant_id = ? AND customer_id IN (`+in+`)`, append([]any{tenantID}, args...)...); err != nil {
		return nil, fmt.Errorf("broadcast: load identities: %w", err)
	}
	for _, id := range ids2 {
		c := out[id.CustomerID]
		if c == nil {
			continue
		}
		switch {
		case id.Kind == crm.KindViewer:
			c.ViewerID = max(c.ViewerID, id.RefID)
		case id.Kind == crm.KindPhone:
			if c.Phone == "" {
				c.Phone = id.Value
			}
		default:
			if c.External == nil {
				c.External = map[string]string{}
			}
			c.External[id.Kind] = id.Value
		}
	}
	return out, nil
}

func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

// Reasons a recipient is unreachable, as stored on the recipient (several joined with
// ReasonSep when several channels were tried). Exported so the console translates them.
const (
	ReasonNotFound      = "customer not found"
	ReasonErased        = "personal data erased on request"
	ReasonMerged        = "merged into another customer"
	ReasonNoViewer      = "in-app: never watched a live (no viewer account)"
	ReasonNoContact     = "webhook: no phone, WeChat or platform id"
	ReasonNotConfigured = ": not configured" // after the channel's name
	ReasonSep           = "; "
)

// choose picks the first of channels that reaches c; with none, the reason why.
func choose(c *contact, channels []string) (string, string) {
	switch {
	case c == nil:
		return "", ReasonNotFound
	case c.Erased:
		return "", ReasonErased
	case c.MergedInto > 0:
		return "", ReasonMerged
	}
	var why []string
	for _, ch := range channels {
		switch ch {
		case notify.ChannelInApp:
			if c.ViewerID > 0 {
				return ch, ""
			}
			why = append(why, ReasonNoViewer)
		case notify.ChannelWebhook:
			if c.Phone != "" || len(c.External) > 0 {
				return ch, ""
			}
			why = append(why, ReasonNoContact)
		default:
			why = append(why, ch+ReasonNotConfigured)
		}
	}
	return "", strings.Join(why, ReasonSep)
}

// values are a broadcast's talk-track values shared by every recipient.
type values struct {
	Brand, LiveTitle, LiveTime, Coupon string
	CoverURL                           string
	ScheduledAt                        time.Time
}

var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// liveTime writes when the live starts the way a Chinese message says it:
// "12月8日 周二 20:00".
func liveTime(p live.Preview, loc *time.Location) string {
	switch {
	case p.Status == live.StatusLive:
		return "正在直播"
	case p.ScheduledAt.IsZero():
		return "即将开播"
	}
	t := p.ScheduledAt.In(loc)
	return fmt.Sprintf("%d月%d日 %s %02d:%02d", t.Month(), t.Day(), weekdays[t.Weekday()], t.Hour(), t.Minute())
}

func (s *Service) values(p live.Preview, st settings) values {
	return values{Brand: p.Brand, LiveTitle: p.Title, LiveTime: liveTime(p, s.opt.Location), Coupon: st.Coupon,
		CoverURL: p.CoverURL, ScheduledAt: p.ScheduledAt}
}

// NameFallback fills {name} for a customer without a name: 亲, the usual address of
// Chinese shop messages.
const NameFallback = "亲"

// linkURL and posterURL are a recipient's tracked link and poster image.
func (s *Service) linkURL(token string) string { return s.opt.PublicURL + "/r/" + token }
func (s *Service) posterURL(token string) string {
	return s.opt.PublicURL + "/r/" + token + "/poster.png"
}

// render fills one audience's talk-track for one customer.
func (s *Service) render(text string, v values, name, link string) string {
	if strings.TrimSpace(name) == "" {
		name = NameFallback
	}
	return talk.Render(text, map[string]string{"name": name, "live_title": v.LiveTitle, "live_time": v.LiveTime,
		"live_link": link, "brand": v.Brand, "coupon": v.Coupon})
}

// message builds a recipient's notification.
func (s *Service) message(tenantID int64, st settings, v values, c *contact, rc pendingRow) notify.Message {
	title := st.Title
	if title == "" {
		title = v.LiveTitle
	}
	text := ""
	if rc.Audience >= 0 && rc.Audience < len(st.Audiences) {
		text = st.Audiences[rc.Audience].Text
	}
	m := notify.Message{TenantID: tenantID, ViewerID: c.ViewerID, Phone: c.Phone, Kind: MessageKind, Title: title,
		Body: s.render(text, v, c.Name, s.linkURL(rc.Token)), Link: s.linkURL(rc.Token),
		DedupeKey: "reach:" + strconv.FormatInt(rc.ID, 10), CustomerID: c.ID, Name: c.Name, Contacts: c.External}
	if st.Poster {
		m.ImageURL = s.posterURL(rc.Token)
	}
	return m
}
