package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestLotteryVerifyCommand: `siyu lottery verify` agrees with a real server's draw
// (by id with a staff or viewer token, by commitment, and offline from a file) and
// rejects a tampered seed or entrant list.
func TestLotteryVerifyCommand(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Now()}
	app := apptest.New(t, apptest.Options{Now: clock.Now})
	owner := app.Signup("Verify Co").Token
	sid := fmt.Sprint(app.Must(http.StatusCreated, "POST", "/api/v1/sessions", owner, map[string]any{"title": "抽奖"}).ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+sid+"/start", owner, nil)
	l := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/lotteries", owner, map[string]any{"prize": "耳机", "winners": 3})
	lid, commitment := fmt.Sprint(l.ID("id")), l.JSON["commitment"].(string)
	var viewerToken string
	for range 12 {
		viewerToken = app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+sid+"/viewers", "", map[string]any{"nickname": "v"}).JSON["token"].(string)
		app.Must(http.StatusCreated, "POST", "/api/v1/lotteries/"+lid+"/entries", viewerToken, nil)
	}
	if out, err := runSiyu(t, "lottery", "verify", "--url", app.URL, "--id", lid, "--token", owner); err == nil ||
		!strings.Contains(out, "not drawn") {
		t.Fatalf("verify before the draw: %v\n%s", err, out)
	}
	clock.Add(61 * time.Second)
	var drawn apptest.Response
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if drawn = app.Must(http.StatusOK, "GET", "/api/v1/lotteries/"+lid, owner, nil); drawn.JSON["status"] == "drawn" {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("not drawn: %s", drawn.Body)
		}
	}
	for name, args := range map[string][]string{
		"staff token":  {"--url", app.URL, "--id", lid, "--token", owner},
		"viewer token": {"--url", app.URL, "--id", lid, "--token", viewerToken},
		"commitment":   {"--url", app.URL, "--commitment", commitment},
	} {
		out, err := runSiyu(t, append([]string{"lottery", "verify"}, args...)...)
		if err != nil || !strings.HasPrefix(out, "OK: lottery "+lid) {
			t.Errorf("verify by %s: %v\n%s", name, err, out)
		}
	}
	dir := t.TempDir()
	write := func(name string, tamper func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(drawn.Body, &m); err != nil {
			t.Fatal(err)
		}
		tamper(m)
		raw, _ := json.Marshal(m)
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return file
	}
	if out, err := runSiyu(t, "lottery", "verify", "--file", write("good.json", func(map[string]any) {})); err != nil || !strings.HasPrefix(out, "OK") {
		t.Fatalf("offline verify: %v\n%s", err, out)
	}
	for name, tamper := range map[string]func(m map[string]any){
		"seed.json": func(m map[string]any) { m["seed"] = strings.Repeat("7", 64) },
		"entrants.json": func(m map[string]any) { // a winner quietly removed from the list
			var kept []any
			for _, e := range m["entrants"].([]any) {
				if e != m["winners"].([]any)[0] {
					kept = append(kept, e)
				}
			}
			m["entrants"] = kept
		},
		"winners.json": func(m map[string]any) {
			w := m["winners"].([]any)
			w[0], w[1] = w[1], w[0]
		},
	} {
		out, err := runSiyu(t, "lottery", "verify", "--file", write(name, tamper))
		if err == nil || !strings.Contains(out, "MISMATCH") {
			t.Errorf("tampered %s was accepted: %v\n%s", name, err, out)
		}
	}
}
