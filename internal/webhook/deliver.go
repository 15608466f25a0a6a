package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/jobs"
)

// RequestTimeout bounds one POST, so a receiver that hangs cannot hold a job slot.
const RequestTimeout = 10 * time.Second

// retryDelays spread the MaxAttempts tries over about a day.
var retryDelays = []time.Duration{
	30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
}

// RetryDelay is the wait after failed try number attempt (1-based) before the next;
// exported so the console can show "next try at" and tests can advance past it.
func RetryDelay(attempt int) time.Duration {
	return retryDelays[min(max(attempt, 1), len(retryDelays))-1]
}

// deliver is the JobKind handler: one POST of one delivery, recorded on the delivery.
// It returns an error for a failed POST so the queue retries it.
func (s *Service) deliver(ctx context.Context, job jobs.Job) error {
	var p deliverPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.DeliveryID == 0 {
		return jobs.Permanent(fmt.Errorf("webhook: bad job payload %s", job.Payload))
	}
	d, err := getDelivery(ctx, s.store, job.TenantID, p.DeliveryID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil // the endpoint was deleted with its deliveries
	} else if err != nil {
		return err
	}
	if d.Status != DeliveryPending {
		return nil // already sent by an earlier run of this job (crash after recording)
	}
	ep, err := getEndpoint(ctx, s.store, job.TenantID, d.EndpointID)
	if siyu.ErrorCode(err) == siyu.ENOTFOUND {
		return nil // deleted a moment ago, with this delivery
	} else if err != nil {
		return err
	}
	now := s.now()
	if ep.Active == 0 {
		return setDeliveryStatus(ctx, s.store, d.TenantID, d.ID, DeliveryFailed, "endpoint is disabled", now.UnixMilli())
	}

	code, postErr := s.post(ctx, ep, d, now)
	status, msg := DeliveryDelivered, ""
	if postErr != nil {
		status, msg = DeliveryPending, errorText(postErr)
		if job.Attempts >= job.MaxAttempts {
			status = DeliveryFailed
		}
	}
	// Record with a context that outlives a cancelled job: the POST happened.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := recordAttempt(rctx, s.store, d.TenantID, d.ID, status, code, msg, s.now().UnixMilli()); err != nil {
		return err // retried; the receiver may see this event again
	}
	if postErr != nil {
		return jobs.RetryAfter(postErr, RetryDelay(job.Attempts))
	}
	return nil
}

// post sends the delivery's body signed with the endpoint's secret and returns the
// status code (0 when no response arrived); anything but 2xx is an error.
func (s *Service) post(ctx context.Context, ep endpointRow, d deliveryRow, now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, RequestTimeout)
	defer cancel()
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Siyu-Webhooks/"+siyu.Version)
	req.Header.Set(SignatureHeader, Sign(ep.Secret, now.Unix(), body))
	req.Header.Set(EventHeader, d.EventType)
	req.Header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	resp, err := s.client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // drop the prefix repeating the URL
			err = uerr.Err
		}
		return 0, fmt.Errorf("POST failed: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	msg := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if s := strings.TrimSpace(string(snippet)); s != "" {
		msg += ": " + s
	}
	return resp.StatusCode, errors.New(msg)
}

// errorText makes err storable: bounded, valid UTF-8 and free of NUL bytes, which
// PostgreSQL refuses in TEXT (a receiver's error page may contain anything).
func errorText(err error) string {
	s := err.Error()
	if len(s) > 1000 {
		s = s[:1000] + "…"
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "�"), "\x00", "")
}
