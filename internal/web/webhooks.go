package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/audit"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/webhook"
)

// webhooksData is the endpoint list with the create form; New carries the endpoint
// just created, whose secret is shown this once.
type webhooksData struct {
	Endpoints []webhook.Endpoint
	Events    []string
	Form      *form
	New       *webhook.Endpoint
}

// webhookData is one endpoint with its recent deliveries.
type webhookData struct {
	E          webhook.Endpoint
	Deliveries []webhook.Delivery
	CSRF       string
}

// eventTypes is a copy of the registered event types for the checkboxes.
func eventTypes() []string {
	var out []string
	for _, e := range webhook.EventTypes {
		if webhook.KnownEventType(e) {
			out = append(out, e)
		}
	}
	return out
}

// requireWebhooks is checked by every webhook handler (the area check in authed does
// the same; this keeps each handler safe on its own).
func requireWebhooks(q *rq) error {
	if !q.p.Can(org.PermWebhooksManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "area")
	}
	return nil
}

// auditWebhook records a console change to an endpoint. The webhook service does not
// audit, so the console does, after the change succeeded.
func (c *Console) auditWebhook(q *rq, action string, id int64, detail string) {
	if c.API == nil || c.API.Store == nil {
		return
	}
	err := audit.Record(q.r.Context(), c.API.Store, time.Now(), audit.Entry{TenantID: q.p.TenantID, UserID: q.p.UserID,
		Actor: q.p.Email, Action: action, Target: fmt.Sprintf("webhook:%d", id), Detail: detail})
	if err != nil {
		c.Logger.WarnContext(q.r.Context(), "audit webhook change", "action", action, "err", err)
	}
}

func (c *Console) webhooksData(q *rq, f *form) (webhooksData, error) {
	eps, err := c.Webhooks.ListEndpoints(q.r.Context(), q.p.TenantID)
	if err != nil {
		return webhooksData{}, err
	}
	if f == nil {
		f = newForm(nil)
	}
	return webhooksData{Endpoints: eps, Events: eventTypes(), Form: f}, nil
}

func (c *Console) webhooksPage(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	d, err := c.webhooksData(q, nil)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "webhooks", "nav.webhooks", d)
	return nil
}

func (c *Console) webhookCreate(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	if err := q.r.ParseForm(); err != nil {
		return siyu.Errorf(siyu.EINVALID, "bad form")
	}
	f := newForm(q.r.PostForm)
	events := f.Values["events"]
	if slices.Contains(events, webhook.AllEvents) {
		events = []string{webhook.AllEvents}
	}
	ep, err := c.Webhooks.CreateEndpoint(q.r.Context(), q.p.TenantID, webhook.EndpointInput{
		URL: f.Get("url"), Events: events, Description: f.Get("description")})
	if err != nil {
		if siyu.ErrorCode(err) == siyu.EINTERNAL {
			return err
		}
		f.fail(c, q.lang, "webhook", err, "url", "events", "description")
		d, derr := c.webhooksData(q, f)
		if derr != nil {
			return derr
		}
		q.render(formStatus(err), "webhooks", "nav.webhooks", d)
		return nil
	}
	c.auditWebhook(q, "webhook.create", ep.ID, ep.URL+" "+strings.Join(ep.Events, ","))
	d, err := c.webhooksData(q, nil)
	if err != nil {
		return err
	}
	d.New = &ep
	q.render(http.StatusOK, "webhooks", "nav.webhooks", d)
	return nil
}

func (c *Console) webhookData(q *rq) (webhookData, error) {
	if err := requireWebhooks(q); err != nil {
		return webhookData{}, err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return webhookData{}, err
	}
	ep, err := c.Webhooks.GetEndpoint(q.r.Context(), q.p.TenantID, id)
	if err != nil {
		return webhookData{}, err
	}
	ds, err := c.Webhooks.ListDeliveries(q.r.Context(), q.p.TenantID, id, 50)
	if err != nil {
		return webhookData{}, err
	}
	return webhookData{E: ep, Deliveries: ds, CSRF: q.csrf}, nil
}

func (c *Console) webhookPage(q *rq) error {
	d, err := c.webhookData(q)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "webhook", "webhooks.detail.title", d)
	return nil
}

// webhookDeliveries is the deliveries table alone, which the endpoint page polls.
func (c *Console) webhookDeliveries(q *rq) error {
	d, err := c.webhookData(q)
	if err != nil {
		return err
	}
	q.fragment(http.StatusOK, "webhook", "deliveries", d)
	return nil
}

func (c *Console) webhookActive(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	active := q.r.PostFormValue("active") == "true"
	if err := c.Webhooks.SetActive(q.r.Context(), q.p.TenantID, id, active); err != nil {
		return err
	}
	action, key := "webhook.pause", "flash.webhook_paused"
	if active {
		action, key = "webhook.resume", "flash.webhook_resumed"
	}
	c.auditWebhook(q, action, id, "")
	q.redirect(backTo(q, id), key, "")
	return nil
}

// backTo returns the page a webhook action came from: the endpoint page or the list.
func backTo(q *rq, id int64) string {
	if q.r.PostFormValue("back") == "endpoint" {
		return "/console/webhooks/" + strconv.FormatInt(id, 10)
	}
	return "/console/webhooks"
}

func (c *Console) webhookDelete(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	ep, err := c.Webhooks.GetEndpoint(q.r.Context(), q.p.TenantID, id)
	if err != nil {
		return err
	}
	if err := c.Webhooks.DeleteEndpoint(q.r.Context(), q.p.TenantID, id); err != nil {
		return err
	}
	c.auditWebhook(q, "webhook.delete", id, ep.URL)
	q.redirect("/console/webhooks", "flash.webhook_deleted", ep.URL)
	return nil
}

func (c *Console) webhookTest(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	_, err = c.Webhooks.SendTest(q.r.Context(), q.p.TenantID, id)
	switch siyu.ErrorCode(err) {
	case "":
		q.redirect("/console/webhooks/"+strconv.FormatInt(id, 10), "flash.webhook_test_sent", "")
	case siyu.ECONFLICT, siyu.EINVALID:
		q.redirect(backTo(q, id), "flash.error.action", c.errText(q.lang, "webhook", err))
	default:
		return err
	}
	return nil
}

func (c *Console) webhookRedeliver(q *rq) error {
	if err := requireWebhooks(q); err != nil {
		return err
	}
	id, err := pathID(q, "id")
	if err != nil {
		return err
	}
	did, err := pathID(q, "did")
	if err != nil {
		return err
	}
	d, err := c.Webhooks.GetDelivery(q.r.Context(), q.p.TenantID, did)
	if err != nil {
		return err
	}
	if d.EndpointID != id {
		return siyu.Errorf(siyu.ENOTFOUND, "not_found")
	}
	back := "/console/webhooks/" + strconv.FormatInt(id, 10)
	err = c.Webhooks.Redeliver(q.r.Context(), q.p.TenantID, did)
	switch siyu.ErrorCode(err) {
	case "":
		q.redirect(back, "flash.webhook_redelivered", "")
	case siyu.ECONFLICT:
		q.redirect(back, "flash.error.action", c.errText(q.lang, "webhook", err))
	default:
		return err
	}
	return nil
}
