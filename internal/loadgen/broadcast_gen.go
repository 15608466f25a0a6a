package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/notify"
	"github.com/siyu-live/siyu/internal/webhook"
)

// broadcastTag is the tag every generated customer carries; the bench's segment is it.
const broadcastTag = "触达压测"

// broadcastBase is what the generator made: a brand with an owner, a live to promote,
// n customers each with a phone (so the webhook channel reaches them) and the tag.
type broadcastBase struct {
	tenantID, userID int64
	took             time.Duration
}

// generateBroadcast writes the brand and its customers straight into the tables, in
// bulk, as bench crm does.
func generateBroadcast(ctx context.Context, store *db.DB, pgDSN string, n int, now time.Time) (broadcastBase, error) {
	start := time.Now()
	var b broadcastBase
	ms := now.UnixMilli()
	var err error
	if b.tenantID, err = db.Insert(ctx, store, `INSERT INTO tenants (name, created_at) VALUES (?, ?)`, "触达压测品牌", ms); err != nil {
		return b, fmt.Errorf("bench broadcast: tenant: %w", err)
	}
	if b.userID, err = db.Insert(ctx, store, `INSERT INTO users (tenant_id, email, name, password_hash, role, created_at)
		VALUES (?, ?, ?, 'x', 'owner', ?)`, b.tenantID, fmt.Sprintf("bench-%d@siyu.invalid", b.tenantID), "压测店主", ms); err != nil {
		return b, fmt.Errorf("bench broadcast: owner: %w", err)
	}
	tagID, err := db.Insert(ctx, store, `INSERT INTO tags (tenant_id, name, kind, created_at) VALUES (?, ?, 'manual', ?)`, b.tenantID, broadcastTag, ms)
	if err != nil {
		return b, fmt.Errorf("bench broadcast: tag: %w", err)
	}
	var first int64
	if err := store.GetContext(ctx, &first, `SELECT COALESCE(MAX(id), 0) + 1 FROM customers`); err != nil {
		return b, err
	}
	sink, err := customerSink(ctx, store, pgDSN, "broadcast", nil)
	if err != nil {
		return b, err
	}
	const batch = 10000
	var cust, links [][]any
	for i := range n {
		id := first + int64(i)
		cust = append(cust, []any{id, b.tenantID, "客户" + strconv.Itoa(i), strconv.FormatInt(15000000000+int64(i), 10),
			"live", "live", 0, 0, 0, ms, ms, ms})
		links = append(links, []any{b.tenantID, id, tagID, "manual", ms})
		if len(cust) >= batch || i == n-1 {
			if err := sink.customers(ctx, cust); err != nil {
				return b, err
			}
			if err := sink.tags(ctx, links); err != nil {
				return b, err
			}
			cust, links = cust[:0], links[:0]
		}
	}
	if err := settleBulk(ctx, store, sink, "broadcast"); err != nil {
		return b, err
	}
	b.took = time.Since(start)
	return b, nil
}

// broadcastReceiver is the brand's system at the other end of the webhook channel,
// on loopback: it checks every request's signature and counts every message by its
// dedupe key, so the bench can prove each recipient arrived exactly once.
type broadcastReceiver struct {
	srv    *httptest.Server
	secret string

	mu       sync.Mutex
	keys     map[string]struct{}
	requests int
	dups     int
	badSig   int
	badBody  int
	first    time.Time
	last     time.Time
}

func newBroadcastReceiver(expect int) *broadcastReceiver {
	r := &broadcastReceiver{keys: make(map[string]struct{}, expect)}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

func (r *broadcastReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	now := time.Now()
	r.mu.Lock()
	secret := r.secret
	r.mu.Unlock()
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	sigErr := webhook.Verify(secret, req.Header.Get(webhook.SignatureHeader), body, now, 0)
	var msg notify.WebhookBody
	bodyErr := json.Unmarshal(body, &msg)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if sigErr != nil {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if bodyErr != nil {
		r.badBody++
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if r.first.IsZero() {
		r.first = now
	}
	r.last = now
	for _, m := range msg.Data.Messages {
		if _, dup := r.keys[m.DedupeKey]; dup {
			r.dups++
			continue
		}
		r.keys[m.DedupeKey] = struct{}{}
	}
	w.WriteHeader(http.StatusNoContent)
}
