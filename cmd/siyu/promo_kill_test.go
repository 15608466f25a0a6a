package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func getJSON(t *testing.T, client *http.Client, url, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}

type storedEnvelope struct {
	Total     int64 `json:"total"`
	Count     int64 `json:"count"`
	Remaining int64 `json:"remaining"`
	Grabs     []struct {
		ViewerID int64 `json:"viewer_id"`
		Amount   int64 `json:"amount"`
	} `json:"grabs"`
}

// TestKill9DuringGrabStorm drives concurrent grabs at a real siyu process, half over
// HTTP and half as grab messages on the viewers' room WebSockets, SIGKILLs it in the
// middle of the storm, restarts it on the same data directory and checks that every
// grab answered with an amount (200 or grab_result) is stored with it, that the money
// reconciles to the fen, and that the rebuilt owner hands out exactly the remaining
// shares.
func TestKill9DuringGrabStorm(t *testing.T) {
	r := newLiveRig(t, "Kill Co", "owner@kill9.example", "kill -9")
	client, token, p := r.client, r.token, r.p
	const viewers, shares, total = 400, 300, 123_457
	vs := r.viewers(viewers, "观众")
	_, env, _ := post(client, p.url+"/api/v1/sessions/"+r.sid+"/red-envelopes", token, map[string]any{"total": total, "count": shares, "mode": "random"})
	if env["id"] == nil {
		t.Fatalf("create envelope: %v", env)
	}
	eid := fmt.Sprint(int64(env["id"].(float64)))

	// The storm: half the grabs over HTTP, half over the room WebSocket.
	var mu sync.Mutex
	acked := map[int64]int64{}  // viewer → amount answered 200
	unknown := map[int64]bool{} // the request failed: the grab may or may not have committed
	var ackedN, ackedWS atomic.Int64
	grab := func(i int) bool {
		var status int
		var body map[string]any
		var err error
		if i%2 == 1 {
			status, body, err = grabOverWS(p.url, r.sid, eid, vs[i].token)
		} else {
			status, body, err = post(client, p.url+"/api/v1/red-envelopes/"+eid+"/grab", vs[i].token, nil)
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil || status >= 500:
			unknown[vs[i].id] = true
		case status == 200:
			acked[vs[i].id] = int64(body["amount"].(float64))
			ackedN.Add(1)
			if i%2 == 1 {
				ackedWS.Add(1)
			}
		}
		return err == nil
	}
	p2 := r.killDuring(viewers, grab, &ackedN, 60)
	t.Logf("killed with %d grabs acknowledged (%d over the room WebSocket) and %d in flight", len(acked), ackedWS.Load(), len(unknown))
	var got storedEnvelope
	getJSON(t, client, p2.url+"/api/v1/red-envelopes/"+eid, token, &got)
	stored, sum := map[int64]int64{}, int64(0)
	for _, g := range got.Grabs {
		if _, dup := stored[g.ViewerID]; dup {
			t.Errorf("viewer %d is stored twice", g.ViewerID)
		}
		stored[g.ViewerID] = g.Amount
		sum += g.Amount
		if _, ok := acked[g.ViewerID]; !ok && !unknown[g.ViewerID] {
			t.Errorf("viewer %d has a stored grab nobody asked for", g.ViewerID)
		}
	}
	for v, a := range acked {
		if stored[v] != a {
			t.Errorf("acknowledged grab of viewer %d (%d fen) is %d fen after the restart", v, a, stored[v])
		}
	}
	if sum+got.Remaining != total {
		t.Fatalf("after kill -9: stored %d + remaining %d != total %d", sum, got.Remaining, total)
	}

	// The rebuilt owner gives out exactly the rest: refuses the grabbers, empties to the fen.
	for _, v := range vs {
		status, body, err := post(client, p2.url+"/api/v1/red-envelopes/"+eid+"/grab", v.token, nil)
		_, had := stored[v.id]
		switch {
		case err != nil:
			t.Fatal(err)
		case had && (status != 409 || body["error"].(map[string]any)["code"] != "already_grabbed"):
			t.Errorf("viewer %d grabbed again after the restart: %d %v", v.id, status, body)
		case status == 200:
			stored[v.id] = int64(body["amount"].(float64))
		}
	}
	getJSON(t, client, p2.url+"/api/v1/red-envelopes/"+eid, token, &got)
	sum = 0
	for _, g := range got.Grabs {
		sum += g.Amount
		if stored[g.ViewerID] != g.Amount {
			t.Errorf("viewer %d: stored %d, answered %d", g.ViewerID, g.Amount, stored[g.ViewerID])
		}
	}
	if len(got.Grabs) != shares || sum != total || got.Remaining != 0 {
		t.Fatalf("after the restart the envelope ends with %d grabs of %d fen (remaining %d), want %d of %d", len(got.Grabs), sum,
			got.Remaining, shares, total)
	}
}

// grabOverWS joins the room as the viewer, sends one grab message and waits for its
// grab_result, reported like the HTTP answer: 200 with the amount, 409 with the error.
func grabOverWS(base, sid, eid, token string) (int, map[string]any, error) {
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/api/v1/sessions/"+sid+"/ws?token="+token, nil)
	if err != nil {
		return 0, nil, err
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"grab","envelope_id":`+eid+`,"ref":"k"}`)); err != nil {
		return 0, nil, err
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return 0, nil, err
		}
		var m map[string]any
		if json.Unmarshal(data, &m) != nil || m["type"] != "grab_result" {
			continue
		}
		if m["error"] != nil {
			return 409, map[string]any{"error": m["error"]}, nil
		}
		return 200, map[string]any{"amount": m["amount"]}, nil
	}
}
