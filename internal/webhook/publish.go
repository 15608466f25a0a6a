package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// JobKind is the jobs kind that sends one delivery.
const JobKind = "webhook.deliver"

// MaxAttempts is how many times one delivery is tried before it is marked failed;
// with RetryDelay between tries that spans about a day, so a receiver down for a
// deploy or an outage still gets its events.
const MaxAttempts = 8

// envelope is the JSON body every delivery POSTs.
type envelope struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	CreatedAt string          `json:"created_at"`
	TenantID  int64           `json:"tenant_id"`
	Data      json.RawMessage `json:"data"`
}

// event builds one event's id and body; all its deliveries share them so receivers
// can de-duplicate on the id.
func (s *Service) event(tenantID int64, eventType string, data any) (id string, body []byte, err error) {
	raw := json.RawMessage("{}")
	if data != nil {
		if raw, err = json.Marshal(data); err != nil {
			return "", nil, fmt.Errorf("webhook: encode %s data: %w", eventType, err)
		}
	}
	id = "evt_" + randomHex(12)
	body, err = json.Marshal(envelope{
		ID: id, Type: eventType, CreatedAt: s.now().UTC().Format(time.RFC3339),
		TenantID: tenantID, Data: raw,
	})
	if err != nil {
		return "", nil, fmt.Errorf("webhook: encode %s event: %w", eventType, err)
	}
	return id, body, nil
}

// Publish queues eventType with data for every active endpoint of tenantID that
// subscribes to it: one delivery row and one job each. Pass the caller's *db.Tx as q
// so the webhook goes out only if the change it reports commits (nil uses the store).
// An unregistered event type is invalid, so a typo cannot silently send nothing.
func (s *Service) Publish(ctx context.Context, q db.Querier, tenantID int64, eventType string, data any) error {
	if q == nil {
		q = s.store
	}
	if !KnownEventType(eventType) {
		return siyu.Invalid("type", "unknown webhook event type %q", eventType)
	}
	rows, err := listEndpoints(ctx, q, tenantID, true)
	if err != nil {
		return err
	}
	var targets []int64
	for _, r := range rows {
		if r.endpoint(false).wants(eventType) {
			targets = append(targets, r.ID)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	eventID, body, err := s.event(tenantID, eventType, data)
	if err != nil {
		return err
	}
	for _, endpointID := range targets {
		if _, err := s.createDelivery(ctx, q, tenantID, endpointID, eventType, eventID, body); err != nil {
			return err
		}
	}
	return nil
}

// SendTest queues a "webhook.test" event to one endpoint whatever its event filter,
// so a tenant can check their receiver from the console; a disabled endpoint answers
// conflict.
func (s *Service) SendTest(ctx context.Context, tenantID, endpointID int64) (Delivery, error) {
	var out Delivery
	err := s.store.Tx(ctx, func(tx *db.Tx) error {
		ep, err := getEndpoint(ctx, tx, tenantID, endpointID)
		if err != nil {
			return err
		}
		if ep.Active == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "webhook endpoint %d is disabled", endpointID)
		}
		eventID, body, err := s.event(tenantID, "webhook.test", map[string]string{"message": "Siyu webhook test"})
		if err != nil {
			return err
		}
		id, err := s.createDelivery(ctx, tx, tenantID, endpointID, "webhook.test", eventID, body)
		if err != nil {
			return err
		}
		r, err := getDelivery(ctx, tx, tenantID, id)
		out = r.delivery()
		return err
	})
	return out, err
}

func (s *Service) createDelivery(ctx context.Context, q db.Querier, tenantID, endpointID int64, eventType, eventID string, body []byte) (int64, error) {
	id, err := insertDelivery(ctx, q, Delivery{
		TenantID: tenantID, EndpointID: endpointID, EventType: eventType, EventID: eventID, Payload: body,
	}, s.now().UnixMilli())
	if err != nil {
		return 0, err
	}
	return id, s.enqueue(ctx, q, tenantID, id)
}

// deliverPayload is the job payload of JobKind.
type deliverPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

func (s *Service) enqueue(ctx context.Context, q db.Querier, tenantID, deliveryID int64) error {
	payload, err := json.Marshal(deliverPayload{DeliveryID: deliveryID})
	if err != nil {
		return fmt.Errorf("webhook: encode job: %w", err)
	}
	if _, err := s.queue.Enqueue(ctx, q, jobs.Job{
		TenantID: tenantID, Kind: JobKind, Payload: payload, MaxAttempts: MaxAttempts,
	}); err != nil {
		return fmt.Errorf("webhook: queue delivery %d: %w", deliveryID, err)
	}
	return nil
}
