package room_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/bus"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/room"
)

// clock is the injected clock; tests move it forward instead of sleeping.
type clock struct{ ms atomic.Int64 }

func (c *clock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *clock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
func (c *clock) unixMilli() int64        { return c.ms.Load() }
func newClock() *clock                   { c := &clock{}; c.ms.Store(time.Now().UnixMilli()); return c }

// natsURL is the external NATS server of SIYU_TEST_NATS, "" for the embedded one.
func natsURL() string { return os.Getenv("SIYU_TEST_NATS") }

// node is one siyu node: a room.Service behind its own HTTP server.
type node struct {
	svc *room.Service
	srv *httptest.Server
	bus bus.Bus
}

type env struct {
	t                     *testing.T
	store                 *db.DB
	dir                   *fakeDir
	clock                 *clock
	nodes                 []*node
	opt                   room.Options
	tenant, host, session int64
	hostToken, modToken   string
	sharedBus             bus.Bus
	viewerSeq             atomic.Int64
}

// newEnv starts one node on a fresh store with a live session, its host and a shared
// embedded bus. opt adjusts the room options (Tick defaults to 10 ms here).
func newEnv(t *testing.T, opt room.Options) *env {
	t.Helper()
	e := &env{t: t, store: dbtest.SQLite(t), clock: newClock(), opt: opt,
		dir: &fakeDir{sessions: map[int64]room.SessionInfo{}, tokens: map[string]room.Member{}, gifts: map[int64]room.Gift{}, followers: map[int64]bool{}}}
	ctx := context.Background()
	now := e.clock.unixMilli()
	must(t, e.store.WriteGetContext(ctx, &e.tenant, `INSERT INTO tenants (name, created_at) VALUES ('Room Co', ?) RETURNING id`, now))
	must(t, e.store.WriteGetContext(ctx, &e.host, `INSERT INTO users (tenant_id, email, name, password_hash, role, created_at)
		VALUES (?, ?, '主播小美', 'x', 'host', ?) RETURNING id`, e.tenant, fmt.Sprintf("host%d@example.com", now), now))
	must(t, e.store.WriteGetContext(ctx, &e.session, `INSERT INTO live_sessions (tenant_id, host_id, title, status, created_at, updated_at)
		VALUES (?, ?, '春季上新', 'live', ?, ?) RETURNING id`, e.tenant, e.host, now, now))
	e.dir.sessions[e.session] = room.SessionInfo{ID: e.session, TenantID: e.tenant, HostID: e.host, HostName: "主播小美",
		Title: "春季上新", Status: "live", Announcement: "欢迎来到直播间", LargeGiftFen: 52000}
	e.dir.gifts[1] = room.Gift{ID: 1, Name: "小心心", ValueFen: 100}
	e.dir.gifts[2] = room.Gift{ID: 2, Name: "嘉年华", ValueFen: 60000}
	e.hostToken, e.modToken = "host-token", "mod-token"
	e.dir.tokens[e.hostToken] = room.Member{TenantID: e.tenant, SessionID: e.session, Role: room.RoleHost, UserID: e.host, Nickname: "主播小美"}
	e.dir.tokens[e.modToken] = room.Member{TenantID: e.tenant, SessionID: e.session, Role: room.RoleModerator, UserID: e.host, Nickname: "场控"}
	e.sharedBus = openBus(t)
	e.addNode()
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openBus opens the embedded bus, or a client of SIYU_TEST_NATS when it is set.
func openBus(t testing.TB) bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.Options{URL: natsURL(), DataDir: t.TempDir(), Name: "room-test"})
	must(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

// addNode starts another node on the same store and bus (a second siyu process).
func (e *env) addNode() *node {
	e.t.Helper()
	opt := e.opt
	opt.Store, opt.Directory, opt.Now = e.store, e.dir, e.clock.now
	opt.Bus = e.sharedBus
	if len(e.nodes) > 0 && natsURL() != "" {
		opt.Bus = openBus(e.t) // a second client of the external server
	}
	opt.NodeID = fmt.Sprintf("node-%d", len(e.nodes)+1)
	opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if opt.Tick == 0 {
		opt.Tick = 10 * time.Millisecond
	}
	if opt.StatsEvery == 0 {
		opt.StatsEvery = 50 * time.Millisecond
	}
	n := &node{svc: room.New(opt), bus: opt.Bus}
	must(e.t, n.svc.Start(context.Background()))
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.URL.Query().Get("session"), 10, 64)
		if err := n.svc.ServeWS(w, r, id, r.URL.Query().Get("token")); err != nil {
			status := map[string]int{siyu.EUNAUTHORIZED: 401, siyu.ENOTFOUND: 404}[siyu.ErrorCode(err)]
			if status == 0 {
				status = http.StatusConflict
			}
			http.Error(w, siyu.ErrorCode(err)+": "+siyu.ErrorMessage(err), status)
		}
	}))
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.svc.Stop(ctx); err != nil {
			e.t.Errorf("stop: %v", err)
		}
		n.srv.Close()
	})
	e.nodes = append(e.nodes, n)
	return n
}

// viewer creates a viewer row and a token for it.
func (e *env) viewer(nick string) (int64, string) {
	e.t.Helper()
	var id int64
	must(e.t, e.store.WriteGetContext(context.Background(), &id, `INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, e.tenant, e.session, nick, fmt.Sprintf("h%d-%d", e.session, e.viewerSeq.Add(1)), e.clock.unixMilli()))
	tok := fmt.Sprintf("viewer-token-%d", id)
	e.dir.mu.Lock()
	e.dir.tokens[tok] = room.Member{TenantID: e.tenant, SessionID: e.session, Role: room.RoleViewer, ViewerID: id, Nickname: nick, EntryLinkID: 0}
	e.dir.mu.Unlock()
	return id, tok
}

func (e *env) svc() *room.Service { return e.nodes[0].svc }

// client is a real WebSocket client; batches are flattened into single events.
type client struct {
	t      *testing.T
	ws     *websocket.Conn
	events chan map[string]any
	closed chan struct{}
	raw    chan []byte
}

func (e *env) dial(token string) *client { return e.dialNode(0, token) }

func (e *env) dialNode(i int, token string) *client {
	e.t.Helper()
	u := "ws" + strings.TrimPrefix(e.nodes[i].srv.URL, "http") + "/?session=" + strconv.FormatInt(e.session, 10) + "&token=" + token
	ws, res, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		e.t.Fatalf("dial: %v (status %d)", err, status)
	}
	c := &client{t: e.t, ws: ws, events: make(chan map[string]any, 10000), closed: make(chan struct{}), raw: make(chan []byte, 10000)}
	go c.read()
	e.t.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) read() {
	defer close(c.closed)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		select {
		case c.raw <- data:
		default:
		}
		var m map[string]any
		if json.Unmarshal(data, &m) != nil {
			c.t.Errorf("server sent invalid JSON: %s", data)
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
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) comment(text string) { c.send(map[string]any{"type": "comment", "text": text}) }

// waitFor returns the first event of type typ for which match (if any) is true.
func (c *client) waitFor(typ string, match func(map[string]any) bool) map[string]any {
	c.t.Helper()
	ev, err := c.tryWait(typ, match, 5*time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	return ev
}

func (c *client) tryWait(typ string, match func(map[string]any) bool, d time.Duration) (map[string]any, error) {
	timeout := time.After(d)
	for {
		select {
		case ev := <-c.events:
			if ev["type"] == typ && (match == nil || match(ev)) {
				return ev, nil
			}
		case <-c.closed:
			for {
				select {
				case ev := <-c.events:
					if ev["type"] == typ && (match == nil || match(ev)) {
						return ev, nil
					}
				default:
					return nil, fmt.Errorf("connection closed before a %s event", typ)
				}
			}
		case <-timeout:
			return nil, fmt.Errorf("no %s event within %s", typ, d)
		}
	}
}

// waitClosed waits until the server closed the connection.
func (c *client) waitClosed() {
	c.t.Helper()
	select {
	case <-c.closed:
	case <-time.After(5 * time.Second):
		c.t.Fatal("connection not closed")
	}
}

// textIs matches a comment by text.
func textIs(s string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["text"] == s }
}

// statsWith matches stats whose field equals n.
func statsWith(field string, n float64) func(map[string]any) bool {
	return func(m map[string]any) bool { return m[field] == n }
}

func num(m map[string]any, k string) int64 { f, _ := m[k].(float64); return int64(f) }

func websocketDial(e *env, token string) (*websocket.Conn, *http.Response, error) {
	u := "ws" + strings.TrimPrefix(e.nodes[0].srv.URL, "http") + "/?session=" + strconv.FormatInt(e.session, 10) + "&token=" + token
	return websocket.DefaultDialer.Dial(u, nil)
}
