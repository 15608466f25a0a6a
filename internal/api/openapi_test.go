package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestOpenAPIDocumentsEveryRoute checks the served document with an independent
// validator (kin-openapi) and that every route of the table is in it.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	r := app.Must(http.StatusOK, "GET", "/api/v1/openapi.json", "", nil)
	if !strings.HasPrefix(r.JSON["openapi"].(string), "3.") {
		t.Fatalf("not an OpenAPI 3 document: %v", r.JSON["openapi"])
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	for _, rt := range app.Server.API.Routes() {
		item := doc.Paths.Find(rt.Path)
		if item == nil || item.GetOperation(rt.Method) == nil {
			t.Errorf("route %s is missing from the OpenAPI document", rt.Pattern())
			continue
		}
		op := item.GetOperation(rt.Method)
		if op.Summary == "" {
			t.Errorf("route %s has no summary", rt.Pattern())
		}
	}
	// The contract's own endpoints are documented with their request bodies.
	signup := doc.Paths.Find("/api/v1/tenants").Post
	if signup.RequestBody == nil || signup.Responses.Status(201) == nil {
		t.Fatal("POST /api/v1/tenants lacks its request body or 201 answer")
	}
	// Fields the live pages read are in the answer schemas.
	for schema, fields := range map[string][]string{
		"LiveSession":     {"reservations", "next_session"},
		"LivePreview":     {"reservations", "next_session", "final_stats"},
		"LiveNextSession": {"id", "title", "scheduled_at", "preview_url"},
		"LivePublicStats": {"viewers", "likes", "peak_online"},
		"LiveRanked":      {"online"},
	} {
		ref := doc.Components.Schemas[schema]
		if ref == nil || ref.Value == nil {
			t.Errorf("schema %s is missing", schema)
			continue
		}
		for _, f := range fields {
			if ref.Value.Properties[f] == nil {
				t.Errorf("schema %s lacks %s", schema, f)
			}
		}
	}
}
