// Package webhook sends signed outbound webhooks: a tenant registers endpoints (a URL
// and the event types it wants, "*" for all) and every domain publishes its events
// here, inside its own transaction. Each matching endpoint gets a delivery row and a
// durable job; the job POSTs the event signed with HMAC-SHA256 over a timestamp and
// the body (see Sign), retries with backoff through the jobs queue, and records the
// last status code and error so the console can show what happened.
//
// Delivery is at-least-once: a receiver may see the same event twice (for example if
// the process dies after the POST but before recording it), so receivers should
// de-duplicate on the event id or the Siyu-Delivery header.
package webhook

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// AllEvents subscribes an endpoint to every event type, including ones added later.
const AllEvents = "*"

// EventTypes lists the event types endpoints may subscribe to. Later domains add
// theirs with RegisterEventType from an init function, so validation knows them
// before the server serves; read it, do not append to it directly.
var EventTypes = []string{"staff.created", "staff.disabled", "tenant.settings_updated", "webhook.test"}

var eventTypesMu sync.RWMutex

// RegisterEventType makes name a known event type, so endpoints can subscribe to it
// and Publish accepts it. Registering a name twice is harmless; an empty name or one
// containing "*" or spaces is a programming error and panics.
func RegisterEventType(name string) {
	if name == "" || strings.ContainsAny(name, "* \t\n") {
		panic("webhook: invalid event type name " + strconv.Quote(name))
	}
	eventTypesMu.Lock()
	defer eventTypesMu.Unlock()
	if !slices.Contains(EventTypes, name) {
		EventTypes = append(EventTypes, name)
	}
}

// KnownEventType reports whether name was registered, so callers can validate before
// publishing.
func KnownEventType(name string) bool {
	eventTypesMu.RLock()
	defer eventTypesMu.RUnlock()
	return slices.Contains(EventTypes, name)
}

// Endpoint is a receiver URL registered by a tenant. Secret is filled only in the
// answer to CreateEndpoint (and RotateSecret returns a new one): it is shown once, so
// a leaked console screenshot or list response cannot be used to forge deliveries.
type Endpoint struct {
	ID          int64     `json:"id"`
	TenantID    int64     `json:"-"`
	URL         string    `json:"url"`
	Events      []string  `json:"events"`
	Description string    `json:"description"`
	Active      bool      `json:"active"`
	Secret      string    `json:"secret,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// wants reports whether the endpoint subscribes to eventType.
func (e Endpoint) wants(eventType string) bool {
	return slices.Contains(e.Events, AllEvents) || slices.Contains(e.Events, eventType)
}

// EndpointInput is what a tenant may set on an endpoint.
type EndpointInput struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description,omitempty"`
}

// Limits on endpoint input, so one tenant cannot store unbounded text.
const (
	maxURLLen         = 2048
	maxDescriptionLen = 500
)

// normalize validates in and returns it trimmed and with duplicate events removed.
// Errors are invalid and name the field at fault.
func (in EndpointInput) normalize() (EndpointInput, error) {
	in.URL = strings.TrimSpace(in.URL)
	if in.URL == "" {
		return in, siyu.Invalid("url", "url is required")
	}
	if len(in.URL) > maxURLLen {
		return in, siyu.Invalid("url", "url must be at most %d characters", maxURLLen)
	}
	u, err := url.Parse(in.URL)
	if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return in, siyu.Invalid("url", "url must be an absolute http or https URL with a host, got %q", in.URL)
	}
	if len(in.Events) == 0 {
		return in, siyu.Invalid("events", "choose at least one event type, or %q for all", AllEvents)
	}
	events := make([]string, 0, len(in.Events))
	for _, ev := range in.Events {
		ev = strings.TrimSpace(ev)
		if ev != AllEvents && !KnownEventType(ev) {
			return in, siyu.Invalid("events", "unknown event type %q", ev)
		}
		if !slices.Contains(events, ev) {
			events = append(events, ev)
		}
	}
	in.Events = events
	in.Description = strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(in.Description) > maxDescriptionLen {
		return in, siyu.Invalid("description", "description must be at most %d characters", maxDescriptionLen)
	}
	return in, nil
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one event sent (or being sent) to one endpoint, with the outcome of its
// latest try so a tenant can see why their receiver is not getting events. Payload is
// the exact JSON body POSTed; redeliveries send the same bytes.
type Delivery struct {
	ID             int64           `json:"id"`
	TenantID       int64           `json:"-"`
	EndpointID     int64           `json:"endpoint_id"`
	EventType      string          `json:"event_type"`
	EventID        string          `json:"event_id"`
	Payload        json.RawMessage `json:"payload"`
	Status         string          `json:"status"`
	Attempts       int             `json:"attempts"`
	LastStatusCode int             `json:"last_status_code"`
	LastError      string          `json:"last_error"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}
