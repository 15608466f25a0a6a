package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
)

// Service manages a tenant's endpoints and delivers published events to them.
type Service struct {
	store  *db.DB
	queue  *jobs.Queue
	client *http.Client
	now    func() time.Time
}

// NewService builds the service and registers the "webhook.deliver" job kind on queue,
// so it must be called before queue.Start. A nil client means NewClient(false), which
// refuses private and loopback addresses; tests pass a client that may reach their
// httptest server.
func NewService(store *db.DB, queue *jobs.Queue, client *http.Client, now func() time.Time) *Service {
	if client == nil {
		client = NewClient(false)
	}
	if now == nil {
		now = time.Now
	}
	s := &Service{store: store, queue: queue, client: client, now: now}
	queue.Register(JobKind, s.deliver)
	return s
}

// randomHex returns n random bytes from crypto/rand as hex; secrets and event ids must
// not be guessable.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}

func newSecret() string { return "whsec_" + randomHex(32) }

// CreateEndpoint registers a receiver for tenantID and returns it with its signing
// secret, which is shown only this once.
func (s *Service) CreateEndpoint(ctx context.Context, tenantID int64, in EndpointInput) (Endpoint, error) {
	in, err := in.normalize()
	if err != nil {
		return Endpoint{}, err
	}
	now := s.now().UnixMilli()
	secret := newSecret()
	id, err := insertEndpoint(ctx, s.store, tenantID, in, secret, now)
	if err != nil {
		return Endpoint{}, err
	}
	return Endpoint{
		ID: id, TenantID: tenantID, URL: in.URL, Events: in.Events, Description: in.Description,
		Active: true, Secret: secret, CreatedAt: time.UnixMilli(now),
	}, nil
}

// ListEndpoints lists the tenant's endpoints, without secrets.
func (s *Service) ListEndpoints(ctx context.Context, tenantID int64) ([]Endpoint, error) {
	rows, err := listEndpoints(ctx, s.store, tenantID, false)
	if err != nil {
		return nil, err
	}
	out := make([]Endpoint, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.endpoint(false))
	}
	return out, nil
}

// GetEndpoint returns one of the tenant's endpoints, without its secret; another
// tenant's id answers not_found.
func (s *Service) GetEndpoint(ctx context.Context, tenantID, id int64) (Endpoint, error) {
	r, err := getEndpoint(ctx, s.store, tenantID, id)
	if err != nil {
		return Endpoint{}, err
	}
	return r.endpoint(false), nil
}

// UpdateEndpoint replaces the URL, events and description of an endpoint, validated
// as on create; the secret and active flag are unchanged.
func (s *Service) UpdateEndpoint(ctx context.Context, tenantID, id int64, in EndpointInput) (Endpoint, error) {
	in, err := in.normalize()
	if err != nil {
		return Endpoint{}, err
	}
	events, err := json.Marshal(in.Events)
	if err != nil {
		return Endpoint{}, fmt.Errorf("webhook: encode events: %w", err)
	}
	if err := execOne(ctx, s.store, "update endpoint", id, `UPDATE webhook_endpoints
		SET url = ?, events = ?, description = ? WHERE tenant_id = ? AND id = ?`,
		in.URL, string(events), in.Description, tenantID, id); err != nil {
		return Endpoint{}, err
	}
	return s.GetEndpoint(ctx, tenantID, id)
}

// SetActive enables or disables an endpoint. A disabled endpoint gets no new
// deliveries, and deliveries still queued for it fail with "endpoint is disabled"
// instead of being sent.
func (s *Service) SetActive(ctx context.Context, tenantID, id int64, active bool) error {
	return execOne(ctx, s.store, "set endpoint active", id,
		`UPDATE webhook_endpoints SET active = ? WHERE tenant_id = ? AND id = ?`,
		boolInt(active), tenantID, id)
}

// RotateSecret gives the endpoint a new signing secret and returns it (shown once),
// for a tenant who lost the old one or suspects it leaked.
func (s *Service) RotateSecret(ctx context.Context, tenantID, id int64) (string, error) {
	secret := newSecret()
	if err := execOne(ctx, s.store, "rotate secret", id,
		`UPDATE webhook_endpoints SET secret = ? WHERE tenant_id = ? AND id = ?`,
		secret, tenantID, id); err != nil {
		return "", err
	}
	return secret, nil
}

// DeleteEndpoint removes an endpoint together with its delivery history (deliveries
// reference the endpoint); queued deliveries are dropped. Tenants who want to keep the
// history disable the endpoint instead.
func (s *Service) DeleteEndpoint(ctx context.Context, tenantID, id int64) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE tenant_id = ? AND endpoint_id = ?`,
			tenantID, id); err != nil {
			return fmt.Errorf("webhook: delete deliveries of endpoint %d: %w", id, err)
		}
		return execOne(ctx, tx, "delete endpoint", id,
			`DELETE FROM webhook_endpoints WHERE tenant_id = ? AND id = ?`, tenantID, id)
	})
}

// Deliveries listing bounds.
const (
	defaultDeliveryLimit = 50
	maxDeliveryLimit     = 500
)

// ListDeliveries lists the tenant's deliveries newest first, for one endpoint or, with
// endpointID 0, for all; limit <= 0 means 50 and is capped at 500. Another tenant's
// endpoint id lists nothing.
func (s *Service) ListDeliveries(ctx context.Context, tenantID, endpointID int64, limit int) ([]Delivery, error) {
	if limit <= 0 {
		limit = defaultDeliveryLimit
	}
	limit = min(limit, maxDeliveryLimit)
	rows, err := listDeliveries(ctx, s.store, tenantID, endpointID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.delivery())
	}
	return out, nil
}

// GetDelivery returns one of the tenant's deliveries; another tenant's id answers
// not_found.
func (s *Service) GetDelivery(ctx context.Context, tenantID, id int64) (Delivery, error) {
	r, err := getDelivery(ctx, s.store, tenantID, id)
	if err != nil {
		return Delivery{}, err
	}
	return r.delivery(), nil
}

// Redeliver sends a delivered or failed delivery again, with the same body and event
// id, and a fresh budget of attempts. A delivery still pending answers conflict (it is
// already queued), as does one whose endpoint is disabled.
func (s *Service) Redeliver(ctx context.Context, tenantID, deliveryID int64) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		d, err := getDelivery(ctx, tx, tenantID, deliveryID)
		if err != nil {
			return err
		}
		if d.Status == DeliveryPending {
			return siyu.Errorf(siyu.ECONFLICT, "webhook delivery %d is already queued", deliveryID)
		}
		ep, err := getEndpoint(ctx, tx, tenantID, d.EndpointID)
		if err != nil {
			return err
		}
		if ep.Active == 0 {
			return siyu.Errorf(siyu.ECONFLICT, "webhook endpoint %d is disabled; enable it to redeliver", ep.ID)
		}
		// The status guard makes two concurrent redeliveries queue one job.
		ok, err := requeueDelivery(ctx, tx, tenantID, deliveryID, s.now().UnixMilli())
		if err != nil {
			return err
		}
		if !ok {
			return siyu.Errorf(siyu.ECONFLICT, "webhook delivery %d is already queued", deliveryID)
		}
		return s.enqueue(ctx, tx, tenantID, deliveryID)
	})
}
