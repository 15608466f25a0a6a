package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu/internal/apptest"
)

// wsClient is a real WebSocket client of a room; batches are flattened into events.
type wsClient struct {
	t      *testing.T
	ws     *websocket.Conn
	events chan map[string]any
	closed chan struct{}
}

// dialRoom connects to GET /api/v1/sessions/{id}/ws?token=… on a running app.
func dialRoom(t *testing.T, app *apptest.App, session, token string) *wsClient {
	t.Helper()
	u := "ws" + strings.TrimPrefix(app.URL, "http") + "/api/v1/sessions/" + session + "/ws?token=" + token
	ws, res, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial room %s: %v (HTTP %d)", session, err, status)
	}
	c := &wsClient{t: t, ws: ws, events: make(chan map[string]any, 1000), closed: make(chan struct{})}
	t.Cleanup(func() { ws.Close() })
	go func() {
		defer close(c.closed)
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(data, &m) != nil {
				t.Errorf("room sent invalid JSON: %s", data)
				return
			}
			if m["type"] == "batch" {
				for _, ev := range m["events"].([]any) {
					c.events <- ev.(map[string]any)
				}
				continue
			}
			c.events <- m
		}
	}()
	return c
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

// waitFor returns the first event of type typ matching match (nil matches any).
func (c *wsClient) waitFor(typ string, match func(map[string]any) bool) map[string]any {
	c.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-c.events:
			if ev["type"] == typ && (match == nil || match(ev)) {
				return ev
			}
		case <-c.closed:
			select {
			case ev := <-c.events:
				if ev["type"] == typ && (match == nil || match(ev)) {
					return ev
				}
				continue
			default:
			}
			c.t.Fatalf("room closed before a %s event", typ)
		case <-timeout:
			c.t.Fatalf("no %s event within 5 s", typ)
		}
	}
}

func (c *wsClient) waitClosed() {
	c.t.Helper()
	select {
	case <-c.closed:
	case <-time.After(5 * time.Second):
		c.t.Fatal("room connection not closed")
	}
}
