package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/db"
)

// TestGrabOverRoomWebSocket: a viewer in the room grabs by sending
// {"type":"grab","envelope_id":N,"ref":…} on the room's socket. The grab_result comes
// only once the grab is committed: while another transaction holds the envelope's row
// (SQLite: the single writer) nothing is answered; once it lets go, the answer comes
// with the amount that is then stored. A second grab, over the socket or HTTP, is
// already_grabbed. On SQLite and PostgreSQL.
func TestGrabOverRoomWebSocket(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := apptest.New(t, apptest.Options{Postgres: pg})
			o := app.Signup("WS Envelope Co").Token
			sid := itoa(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", o, map[string]any{"title": "红包雨"}).ID("id"))
			app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", o, nil)
			viewer := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "手快的"})
			tok, vid := viewer.JSON["token"].(string), viewer.ID("viewer_id")
			ws := dialRoom(t, app, sid, tok)
			ws.waitFor("welcome", nil)
			eidN := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/red-envelopes", o,
				map[string]any{"total": 1000, "count": 3, "mode": "random"}).ID("id")
			eid := itoa(eidN)
			ws.waitFor("red_envelope", func(m map[string]any) bool { return int64(m["id"].(float64)) == eidN })

			// Hold the envelope's row in another transaction: the grab cannot commit.
			held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				done <- app.Server.Store.Tx(context.Background(), func(tx *db.Tx) error {
					if _, err := tx.ExecContext(context.Background(), `UPDATE red_envelopes SET message = message WHERE id = ?`, eidN); err != nil {
						return err
					}
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			ws.send(map[string]any{"type": "grab", "envelope_id": eidN, "ref": "first"})
			noGrabResult(t, ws, 300*time.Millisecond)
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			res := ws.waitFor("grab_result", nil)
			amount := int64(res["amount"].(float64))
			if res["ref"] != "first" || int64(res["envelope_id"].(float64)) != eidN || amount < 1 || res["error"] != nil {
				t.Fatalf("grab_result %v", res)
			}
			stored := app.Must(http.StatusOK, "GET", "/api/v1/red-envelopes/"+eid, o, nil)
			grabs := stored.JSON["grabs"].([]any)
			if len(grabs) != 1 {
				t.Fatalf("%d grabs stored, want 1: %s", len(grabs), stored.Body)
			}
			g := grabs[0].(map[string]any)
			if int64(g["viewer_id"].(float64)) != vid || int64(g["amount"].(float64)) != amount {
				t.Fatalf("stored grab %v, answered viewer %d %d fen", g, vid, amount)
			}

			ws.send(map[string]any{"type": "grab", "envelope_id": eidN, "ref": "again"})
			res = ws.waitFor("grab_result", nil)
			if e, _ := res["error"].(map[string]any); e["code"] != "already_grabbed" || res["ref"] != "again" || res["amount"] != nil {
				t.Fatalf("second grab: %v", res)
			}
			app.Run(t, []apptest.Scenario{{Name: "then over HTTP", Method: "POST", Path: "/api/v1/red-envelopes/" + eid + "/grab",
				Token: tok, Status: 409, Code: "already_grabbed"}})
			ws.send(map[string]any{"type": "grab", "envelope_id": 999999, "ref": "nope"})
			res = ws.waitFor("grab_result", nil)
			if e, _ := res["error"].(map[string]any); e["code"] != "not_found" {
				t.Fatalf("unknown envelope: %v", res)
			}
		})
	}
}

// noGrabResult fails if a grab_result arrives within d.
func noGrabResult(t *testing.T, c *wsClient, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-c.events:
			if ev["type"] == "grab_result" {
				t.Fatalf("answered before the grab could commit: %v", ev)
			}
		case <-deadline:
			return
		}
	}
}
