package webhook_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/webhook"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one test's world: two tenants, a queue and the service on a fake clock.
type env struct {
	store  *db.DB
	clock  *fakeClock
	queue  *jobs.Queue
	svc    *webhook.Service
	tenant int64 // tenant A
	other  int64 // tenant B
}

func newEnv(t *testing.T, store *db.DB, client *http.Client) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{store: store, clock: &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}}
	e.queue = jobs.New(store, e.clock.Now, slog.New(slog.DiscardHandler))
	if client == nil {
		client = webhook.NewClient(true)
	}
	e.svc = webhook.NewService(store, e.queue, client, e.clock.Now)
	for _, p := range []*int64{&e.tenant, &e.other} {
		id, err := db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "brand", 1)
		if err != nil {
			t.Fatal(err)
		}
		*p = id
	}
	return e
}

func (e *env) endpoint(t *testing.T, url string, events ...string) webhook.Endpoint {
	t.Helper()
	ep, err := e.svc.CreateEndpoint(context.Background(), e.tenant, webhook.EndpointInput{URL: url, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func (e *env) publish(t *testing.T, eventType string, data any) {
	t.Helper()
	if err := e.svc.Publish(context.Background(), nil, e.tenant, eventType, data); err != nil {
		t.Fatal(err)
	}
}

func (e *env) runDue(t *testing.T, want int) {
	t.Helper()
	n, err := e.queue.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

func (e *env) deliveries(t *testing.T, endpointID int64) []webhook.Delivery {
	t.Helper()
	ds, err := e.svc.ListDeliveries(context.Background(), e.tenant, endpointID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// request is what the receiver saw.
type request struct {
	Path   string
	Header http.Header
	Body   []byte
}

// receiver is an httptest server answering with the scripted status codes in turn
// (the last one repeats) and recording every request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	codes    []int
	requests []request
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, request{Path: req.URL.Path, Header: req.Header.Clone(), Body: body})
		code := http.StatusOK
		if len(r.codes) > 0 {
			code = r.codes[0]
			if len(r.codes) > 1 {
				r.codes = r.codes[1:]
			}
		}
		r.mu.Unlock()
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.requests...)
}
