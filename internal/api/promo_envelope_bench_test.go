package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// BenchmarkGrabRoute measures POST /api/v1/red-envelopes/{id}/grab in process, without
// the network: the middleware, the viewer-token check, the owner and the JSON answer
// (refused from memory as already_grabbed, so no commit is measured). Profile it with
// -cpuprofile to see what an HTTP grab costs besides the socket.
func BenchmarkGrabRoute(b *testing.B) {
	app := apptest.New(b)
	o := app.Signup("Bench Route Co").Token
	sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "压测"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", o, nil)
	tok := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "v"}).JSON["token"].(string)
	eid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/red-envelopes", o,
		map[string]any{"total": 100, "count": 1, "mode": "fixed"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/red-envelopes/"+eid+"/grab", tok, nil)
	h := app.Server.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/red-envelopes/"+eid+"/grab", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusConflict {
			b.Fatalf("grab: %d %s", w.Code, w.Body)
		}
	}
}
