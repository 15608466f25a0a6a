package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/siyu-live/siyu/internal/audit"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/webhook"
)

// WebhookPatch pauses or resumes an endpoint.
type WebhookPatch struct {
	Active *bool `json:"active"`
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	eps, err := a.Webhooks.ListEndpoints(r.Context(), principal(r).TenantID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(eps, ""))
	return nil
}

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in webhook.EndpointInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ep, err := a.Webhooks.CreateEndpoint(r.Context(), principal(r).TenantID, in)
	if err != nil {
		return err
	}
	a.audit(r, "webhook.create", fmt.Sprintf("webhook:%d", ep.ID), ep.URL)
	writeJSON(w, http.StatusCreated, ep)
	return nil
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ep, err := a.Webhooks.GetEndpoint(r.Context(), principal(r).TenantID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ep)
	return nil
}

func (a *API) patchWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in WebhookPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Active == nil {
		return siyu.Invalid("active", "active is required (true or false)")
	}
	tenant := principal(r).TenantID
	if err := a.Webhooks.SetActive(r.Context(), tenant, id, *in.Active); err != nil {
		return err
	}
	a.audit(r, "webhook.update", fmt.Sprintf("webhook:%d", id), fmt.Sprintf("active=%v", *in.Active))
	ep, err := a.Webhooks.GetEndpoint(r.Context(), tenant, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ep)
	return nil
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Webhooks.DeleteEndpoint(r.Context(), principal(r).TenantID, id); err != nil {
		return err
	}
	a.audit(r, "webhook.delete", fmt.Sprintf("webhook:%d", id), "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tenant := principal(r).TenantID
	if _, err := a.Webhooks.GetEndpoint(r.Context(), tenant, id); err != nil {
		return err
	}
	ds, err := a.Webhooks.ListDeliveries(r.Context(), tenant, id, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(ds, ""))
	return nil
}

func (a *API) testWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := a.Webhooks.SendTest(r.Context(), principal(r).TenantID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, d)
	return nil
}

func (a *API) redeliver(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Webhooks.Redeliver(r.Context(), principal(r).TenantID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// audit records a staff action that its service cannot attribute itself (the webhook
// service does not know who is calling). A failure to write it is logged, not returned:
// the change has already been made.
func (a *API) audit(r *http.Request, action, target, detail string) {
	p := principal(r)
	err := audit.Record(r.Context(), a.Store, time.Now(), audit.Entry{TenantID: p.TenantID, UserID: p.UserID,
		Actor: p.Email, Action: action, Target: target, Detail: detail})
	if err != nil {
		a.Logger.ErrorContext(r.Context(), "audit record failed", "action", action, "err", err)
	}
}
