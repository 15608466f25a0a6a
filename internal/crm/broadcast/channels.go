package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/notify"
)

// ChannelInfo says whether a channel can be picked on this server, and why not.
type ChannelInfo struct {
	Name      string `json:"name"`
	Available bool   `json:"available"`
	Reason    string `json:"reason,omitempty"`
	// EndpointID is the webhook endpoint messages go to when a broadcast names none.
	EndpointID int64 `json:"endpoint_id,omitempty"`
}

// adapter returns the unconfigured provider adapter of a channel, if it is one.
func adapter(name string) (notify.Unconfigured, bool) {
	i := slices.IndexFunc(notify.Adapters(), func(u notify.Unconfigured) bool { return u.Channel == name })
	if i < 0 {
		return notify.Unconfigured{}, false
	}
	return notify.Adapters()[i], true
}

// ChannelsFor lists every channel with its availability for the tenant: in-app always,
// webhook when an active endpoint subscribes to broadcast.message, the provider
// adapters never in this release.
func (s *Service) ChannelsFor(ctx context.Context, tenantID int64) ([]ChannelInfo, error) {
	out := make([]ChannelInfo, 0, len(Channels))
	for _, c := range Channels {
		info := ChannelInfo{Name: c, Available: true}
		if u, ok := adapter(c); ok {
			info.Available, info.Reason = false, u.Err().Error()
		} else if c == notify.ChannelWebhook {
			ep, err := defaultEndpoint(ctx, s.store, tenantID)
			if err != nil {
				return nil, err
			}
			if ep.ID == 0 {
				info.Available, info.Reason = false, "no active webhook endpoint subscribes to "+EventMessage
			}
			info.EndpointID = ep.ID
		}
		out = append(out, info)
	}
	return out, nil
}

// checkChannels refuses a provider adapter that is not configured, and a webhook
// channel without an endpoint to hand messages to.
func (s *Service) checkChannels(ctx context.Context, tenantID int64, st settings) error {
	for _, c := range st.Channels {
		if u, ok := adapter(c); ok {
			return siyu.Invalid("channels", "channel %s is not configured on this server: %s", c, siyu.ErrorMessage(u.Err()))
		}
	}
	if st.WebhookEndpointID > 0 && !slices.Contains(st.Channels, notify.ChannelWebhook) {
		return siyu.Invalid("webhook_endpoint_id", "webhook_endpoint_id is set but webhook is not one of the channels")
	}
	if !slices.Contains(st.Channels, notify.ChannelWebhook) {
		return nil
	}
	_, err := s.endpoint(ctx, tenantID, st.WebhookEndpointID)
	return err
}

// endpointRow is a tenant's webhook endpoint as the webhook channel needs it.
type endpointRow struct {
	ID     int64  `db:"id"`
	URL    string `db:"url"`
	Secret string `db:"secret"`
	Events string `db:"events"`
	Active int    `db:"active"`
}

// endpoint resolves where webhook messages go: the named endpoint, or the tenant's
// first active endpoint subscribed to broadcast.message by name. Endpoints are read
// from the webhook domain's table because the channel signs with the endpoint's
// secret, which the webhook service never hands out.
func (s *Service) endpoint(ctx context.Context, tenantID, id int64) (endpointRow, error) {
	if id == 0 {
		ep, err := defaultEndpoint(ctx, s.store, tenantID)
		if err == nil && ep.ID == 0 {
			err = siyu.Invalid("webhook_endpoint_id", "no active webhook endpoint subscribes to %s: add one under Webhooks, or name one", EventMessage)
		}
		return ep, err
	}
	var ep endpointRow
	err := s.store.GetContext(ctx, &ep, `SELECT id, url, secret, events, active FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if db.IsNoRows(err) {
		return ep, siyu.Invalid("webhook_endpoint_id", "webhook endpoint %d not found", id)
	} else if err != nil {
		return ep, fmt.Errorf("broadcast: webhook endpoint %d: %w", id, err)
	}
	if ep.Active == 0 {
		return ep, siyu.Invalid("webhook_endpoint_id", "webhook endpoint %d is disabled", id)
	}
	return ep, nil
}

func defaultEndpoint(ctx context.Context, q db.Querier, tenantID int64) (endpointRow, error) {
	var rows []endpointRow
	if err := q.SelectContext(ctx, &rows, `SELECT id, url, secret, events, active FROM webhook_endpoints
		WHERE tenant_id = ? AND active = 1 ORDER BY id`, tenantID); err != nil {
		return endpointRow{}, fmt.Errorf("broadcast: webhook endpoints: %w", err)
	}
	for _, r := range rows {
		var events []string
		if json.Unmarshal([]byte(r.Events), &events) == nil && slices.Contains(events, EventMessage) {
			return r, nil
		}
	}
	return endpointRow{}, nil
}

// senders are the channels of one send, in the broadcast's order.
type senders struct {
	names   []string
	inApp   notify.Channel
	webhook notify.Batcher
}

// sendersFor builds the channels a broadcast sends through. A webhook endpoint gone
// since the broadcast was saved fails the send with the reason.
func (s *Service) sendersFor(ctx context.Context, r row, st settings) (senders, error) {
	out := senders{names: st.Channels, inApp: notify.InApp{Now: s.now}}
	if slices.Contains(st.Channels, notify.ChannelWebhook) {
		ep, err := s.endpoint(ctx, r.TenantID, st.WebhookEndpointID)
		if err != nil {
			return out, err
		}
		out.webhook = notify.Webhook{URL: ep.URL, Secret: ep.Secret, EventType: EventMessage, Client: s.opt.HTTPClient, Now: s.now}
	}
	return out, nil
}

// communityName reads a community's name for display; "" when it cannot be read.
func communityName(ctx context.Context, q db.Querier, tenantID, id int64) string {
	var name string
	if err := q.GetContext(ctx, &name, `SELECT name FROM communities WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
		return ""
	}
	return name
}
