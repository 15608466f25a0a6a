package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/siyu-live/siyu/internal/db"
)

// Channels of provider adapters that a brand plugs in: an SMS gateway (marketing
// texts; the sandbox SMS outbox is only for one-time codes), e-mail and WeCom (企业微信).
const (
	ChannelEmail = "email"
	ChannelWeCom = "wecom"
)

// ErrNotConfigured is the error of a channel whose provider this server has no
// settings for. Callers check it with errors.Is and tell the operator, instead of
// counting a message as sent that nobody will receive.
var ErrNotConfigured = errors.New("channel not configured")

// Unconfigured stands in for a provider adapter (SMS gateway, e-mail, WeCom) that has
// no credentials on this server: it has the channel's name, so the channel is listed,
// and every Send fails with ErrNotConfigured naming what is missing. A real adapter
// replaces it behind the same Channel interface.
type Unconfigured struct {
	Channel string // channel name, e.g. "sms"
	Needs   string // what an operator must provide, for the error message
}

// Name implements Channel.
func (u Unconfigured) Name() string { return u.Channel }

// Send implements Channel: it never sends.
func (u Unconfigured) Send(context.Context, db.Querier, Message) (bool, error) {
	return false, u.Err()
}

// Err is the error Send returns, for callers that check a channel before using it.
func (u Unconfigured) Err() error {
	return fmt.Errorf("notify: %s: %w (needs %s)", u.Channel, ErrNotConfigured, u.Needs)
}

// Adapters returns the provider channels of this release, all unconfigured: an SMS
// gateway, e-mail and WeCom. Servers offer them so operators see what is coming and
// why it cannot be picked yet.
func Adapters() []Unconfigured {
	return []Unconfigured{
		{Channel: ChannelSMS, Needs: "an SMS gateway account (signature and template approved by the carrier)"},
		{Channel: ChannelEmail, Needs: "an SMTP server or e-mail provider account"},
		{Channel: ChannelWeCom, Needs: "a WeCom (企业微信) corp id and customer-contact secret"},
	}
}
