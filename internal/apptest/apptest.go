// Package apptest runs a real siyu node for tests: real HTTP on loopback, a fresh SQLite
// store (or a fresh PostgreSQL schema), embedded NATS, the job queue running. API tests
// drive it exactly as a client would.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/config"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/server"
)

// App is a running node.
type App struct {
	t       testing.TB
	URL     string
	Server  *server.Server
	Client  *http.Client
	DataDir string
}

// Options adjust the node.
type Options struct {
	Postgres bool                   // use a fresh PostgreSQL schema (skips when unavailable)
	Now      func() time.Time       // injected clock
	Config   func(c *config.Config) // last-minute config changes
	// DataDir shares a data directory (and so the SQLite store) with another node;
	// with NATSURL it makes a second node of the same deployment.
	DataDir string
	NATSURL string
}

// TestPassword is the cheap argon2 setting for tests: same code path, a fraction of the
// memory, so suites with hundreds of logins stay fast under -race.
var TestPassword = org.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// New starts a node and stops it when the test ends.
func New(t testing.TB, opts ...Options) *App {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	cfg := config.Defaults()
	cfg.Data = t.TempDir()
	if o.DataDir != "" {
		cfg.Data = o.DataDir
	}
	cfg.NATSURL = o.NATSURL
	cfg.Addr = "127.0.0.1:0"
	cfg.LoginPerMinute = 1000
	cfg.APIPerSecond = 100000
	cfg.WebhookPrivate = true // test receivers listen on loopback
	if o.Postgres {
		cfg.DB = dbtest.PostgresDSN(t)
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	level := slog.LevelWarn
	if os.Getenv("SIYU_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg, logger, server.Options{Now: o.Now, Password: TestPassword})
	if err != nil {
		cancel()
		t.Fatalf("apptest: start server: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("apptest: serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("apptest: server did not stop within 30 s")
		}
	})
	return &App{t: t, URL: "http://" + ln.Addr().String(), Server: srv, Client: &http.Client{Timeout: 30 * time.Second}, DataDir: cfg.Data}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Body   []byte
	JSON   map[string]any
	Header http.Header
}

// ErrorCode returns error.code of an error answer, "" otherwise.
func (r Response) ErrorCode() string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

// ErrorField returns error.field of an error answer.
func (r Response) ErrorField() string {
	if e, ok := r.JSON["error"].(map[string]any); ok {
		s, _ := e["field"].(string)
		return s
	}
	return ""
}

// Do sends a request with an optional bearer token and JSON body (a string is sent as
// is, anything else is marshalled).
func (a *App) Do(method, path, token string, body any) Response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := a.Client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Body: raw, Header: res.Header}
	_ = json.Unmarshal(raw, &out.JSON)
	return out
}

// Must is Do that fails the test unless the status is want.
func (a *App) Must(want int, method, path, token string, body any) Response {
	a.t.Helper()
	r := a.Do(method, path, token, body)
	if r.Status != want {
		a.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Tenant is a signed-up brand with its owner's token.
type Tenant struct {
	ID    int64
	Token string
	Email string
}

var seq atomic.Int64

func init() { seq.Store(time.Now().UnixNano()) }

// Signup creates a new tenant with a unique owner e-mail.
func (a *App) Signup(name string) Tenant {
	a.t.Helper()
	email := "owner" + strconv.FormatInt(seq.Add(1), 10) + "@example.com"
	r := a.Must(http.StatusCreated, "POST", "/api/v1/tenants", "", map[string]any{
		"name": name, "owner_email": email, "owner_password": "correct horse battery"})
	tenant := r.JSON["tenant"].(map[string]any)
	return Tenant{ID: int64(tenant["id"].(float64)), Token: r.JSON["token"].(string), Email: email}
}

// ID reads a numeric field of a JSON answer.
func (r Response) ID(field string) int64 {
	f, _ := r.JSON[field].(float64)
	return int64(f)
}
