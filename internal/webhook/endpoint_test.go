package webhook_test

import (
	"context"
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/webhook"
)

func TestCreateEndpointValidates(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		ctx := context.Background()
		for _, tc := range []struct {
			name  string
			in    webhook.EndpointInput
			field string
		}{
			{"empty url", webhook.EndpointInput{Events: []string{"*"}}, "url"},
			{"relative url", webhook.EndpointInput{URL: "/hooks", Events: []string{"*"}}, "url"},
			{"ftp url", webhook.EndpointInput{URL: "ftp://example.com/x", Events: []string{"*"}}, "url"},
			{"no host", webhook.EndpointInput{URL: "https:///x", Events: []string{"*"}}, "url"},
			{"not a url", webhook.EndpointInput{URL: "http://exa mple.com", Events: []string{"*"}}, "url"},
			{"no events", webhook.EndpointInput{URL: "https://example.com/hook"}, "events"},
			{"unknown event", webhook.EndpointInput{URL: "https://example.com/hook", Events: []string{"staff.created", "order.teleported"}}, "events"},
			{"long description", webhook.EndpointInput{URL: "https://example.com/hook", Events: []string{"*"}, Description: strings.Repeat("长", 501)}, "description"},
		} {
			_, err := e.svc.CreateEndpoint(ctx, e.tenant, tc.in)
			if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) != tc.field {
				t.Errorf("%s: got %v (field %q), want invalid on %q", tc.name, err, siyu.ErrorField(err), tc.field)
			}
		}

		ep, err := e.svc.CreateEndpoint(ctx, e.tenant, webhook.EndpointInput{
			URL: " https://example.com/hook ", Events: []string{"staff.created", "staff.created", "webhook.test"}, Description: "ERP",
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ep.Secret, "whsec_") || len(ep.Secret) != len("whsec_")+64 {
			t.Fatalf("secret %q, want whsec_ and 64 hex digits", ep.Secret)
		}
		if ep.URL != "https://example.com/hook" || len(ep.Events) != 2 || !ep.Active || ep.TenantID != e.tenant {
			t.Fatalf("created %+v", ep)
		}
		got, err := e.svc.GetEndpoint(ctx, e.tenant, ep.ID)
		if err != nil || got.Secret != "" || got.URL != ep.URL || got.Description != "ERP" || !got.Active {
			t.Fatalf("get: %+v, %v (secret must not be returned)", got, err)
		}

		webhook.RegisterEventType("test.later_domain")
		if _, err := e.svc.UpdateEndpoint(ctx, e.tenant, ep.ID, webhook.EndpointInput{
			URL: "http://example.com/v2", Events: []string{"test.later_domain"},
		}); err != nil {
			t.Fatalf("update with a registered event type: %v", err)
		}
		if _, err := e.svc.UpdateEndpoint(ctx, e.tenant, ep.ID, webhook.EndpointInput{URL: "nope", Events: []string{"*"}}); siyu.ErrorField(err) != "url" {
			t.Fatalf("update with a bad url: %v", err)
		}
		secret, err := e.svc.RotateSecret(ctx, e.tenant, ep.ID)
		if err != nil || secret == ep.Secret || !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("rotate: %q, %v", secret, err)
		}
	})
}

func TestEndpointsAreTenantScoped(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		ctx := context.Background()
		ep := e.endpoint(t, "https://example.com/hook", "*")
		notFound := func(what string, err error) {
			t.Helper()
			if siyu.ErrorCode(err) != siyu.ENOTFOUND {
				t.Errorf("%s from another tenant: %v, want not_found", what, err)
			}
		}
		_, err := e.svc.GetEndpoint(ctx, e.other, ep.ID)
		notFound("get", err)
		_, err = e.svc.UpdateEndpoint(ctx, e.other, ep.ID, webhook.EndpointInput{URL: "https://evil.example/", Events: []string{"*"}})
		notFound("update", err)
		notFound("set active", e.svc.SetActive(ctx, e.other, ep.ID, false))
		_, err = e.svc.RotateSecret(ctx, e.other, ep.ID)
		notFound("rotate secret", err)
		notFound("delete", e.svc.DeleteEndpoint(ctx, e.other, ep.ID))
		_, err = e.svc.SendTest(ctx, e.other, ep.ID)
		notFound("send test", err)

		if list, err := e.svc.ListEndpoints(ctx, e.other); err != nil || len(list) != 0 {
			t.Fatalf("other tenant lists %v, %v", list, err)
		}
		list, err := e.svc.ListEndpoints(ctx, e.tenant)
		if err != nil || len(list) != 1 || list[0].ID != ep.ID || list[0].Secret != "" {
			t.Fatalf("own list %+v, %v (one endpoint, no secret)", list, err)
		}

		e.publish(t, "staff.created", map[string]int{"staff_id": 1})
		ds := e.deliveries(t, ep.ID)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		if other, err := e.svc.ListDeliveries(ctx, e.other, ep.ID, 10); err != nil || len(other) != 0 {
			t.Fatalf("other tenant sees deliveries %v, %v", other, err)
		}
		_, err = e.svc.GetDelivery(ctx, e.other, ds[0].ID)
		notFound("get delivery", err)
		notFound("redeliver", e.svc.Redeliver(ctx, e.other, ds[0].ID))

		// The owner can still do all of it.
		if err := e.svc.DeleteEndpoint(ctx, e.tenant, ep.ID); err != nil {
			t.Fatal(err)
		}
		if ds := e.deliveries(t, 0); len(ds) != 0 {
			t.Fatalf("deleting an endpoint left %d deliveries", len(ds))
		}
		e.runDue(t, 1) // the queued job finds nothing to send and finishes quietly
		notFound("get deleted", func() error { _, err := e.svc.GetEndpoint(ctx, e.tenant, ep.ID); return err }())
	})
}
