// Package bus is the event bus domains use to tell each other, and other nodes, that
// something happened. A single-node install embeds a NATS server in the process so it
// needs no extra daemon; a multi-node install points every node at one external NATS
// server. Callers see the same Bus either way, so no domain code branches on topology.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// StreamName is the JetStream stream that holds durable events. It is exported so later
// domains can bind consumers to it without repeating the literal.
const StreamName = "SIYU_EVENTS"

// DurablePrefix is the subject space captured by StreamName. PublishDurable refuses
// anything outside it, because a JetStream publish to a subject no stream captures
// would otherwise fail only at runtime with an opaque "no responders".
const DurablePrefix = "siyu.events."

// StreamMaxAge bounds how long durable events are kept: long enough for a node that
// was down over a weekend to catch up, short enough that the store does not grow
// without limit.
const StreamMaxAge = 7 * 24 * time.Hour

const (
	// Embedded server limits. Memory is kept modest because the embedded server shares
	// the process with everything else; the store limit stops a runaway publisher from
	// filling the disk the database also lives on.
	embeddedMaxMemory = 64 << 20 // 64 MiB
	embeddedMaxStore  = 4 << 30  // 4 GiB

	readyTimeout   = 10 * time.Second // embedded server start-up
	connectTimeout = 5 * time.Second  // external server initial connect
	drainTimeout   = 5 * time.Second  // Close waits at most this long for in-flight messages
	setupTimeout   = 10 * time.Second // stream creation when ctx has no deadline

	reconnectBase = 250 * time.Millisecond
	reconnectMax  = 10 * time.Second
)

// Msg is a received message, copied out of nats.Msg so domain code does not depend on
// the NATS client package and cannot Ack/Respond behind the bus's back.
type Msg struct {
	Subject string
	Data    []byte
	// Reply is the inbox of a request, empty for plain publishes; it lets a handler
	// answer with Publish(ctx, m.Reply, ...).
	Reply string
}

// Handler receives messages for one subscription. Calls for a given subscription are
// serial, in arrival order, on a goroutine owned by the bus, so a handler needs no lock
// for its own state but must not block for long or it delays every later message.
type Handler func(Msg)

// Subscription lets the subscriber stop receiving, so a domain that is shutting down
// can detach before the bus itself closes.
type Subscription interface {
	Unsubscribe() error
}

// Bus is what domains use to fan events out between nodes. It hides whether NATS runs
// inside the process or elsewhere, so the same code serves a single-binary install and
// a cluster.
type Bus interface {
	// Publish sends a fire-and-forget core NATS message: the cheap path for events
	// whose loss is harmless (presence, live counters). It returns once the message is
	// buffered, not when anyone received it.
	Publish(ctx context.Context, subject string, data []byte) error
	// Subscribe delivers every message on subject (wildcards allowed) to h, so each
	// node can react to events raised on any node. When it returns the server knows
	// the interest, so a message published afterwards is not missed.
	Subscribe(subject string, h Handler) (Subscription, error)
	// QueueSubscribe is Subscribe where members sharing queue split the messages, each
	// going to exactly one member: for work that must run once per cluster, not once
	// per node.
	QueueSubscribe(subject, queue string, h Handler) (Subscription, error)
	// PublishDurable stores the message in the SIYU_EVENTS stream and waits for the
	// server's acknowledgement, for events that must survive restarts and be replayable
	// (orders, payments). subject must be under "siyu.events.".
	PublishDurable(ctx context.Context, subject string, data []byte) error
	// JetStream exposes the JetStream context so later domains (KV leases, durable
	// consumers) can build on the same connection instead of opening their own.
	JetStream() jetstream.JetStream
	// Conn exposes the raw connection for the rare need the interface does not cover
	// (request/reply, flush, stats) without widening Bus for every such case.
	Conn() *nats.Conn
	// Close drains in-flight messages so handlers finish what was delivered, then
	// shuts the embedded server down, if any, so its store is released for the next
	// Open on the same DataDir. Calling it again is harmless and returns the first
	// result.
	Close() error
}

// Options selects and tunes the NATS server behind a Bus; the zero value except DataDir
// gives the embedded single-node setup.
type Options struct {
	// URL of an external NATS server ("nats://127.0.0.1:4222", "tls://…", or several
	// comma-separated). Empty means embedded: a multi-node install sets it, a
	// single-node install does not need a separate daemon.
	URL string
	// DataDir is the node's data directory; the embedded server keeps its JetStream
	// store in DataDir/nats so durable events survive restarts. Required when URL is
	// empty, ignored otherwise.
	DataDir string
	// Name identifies this connection (and the embedded server) in NATS monitoring, so
	// an operator can tell which node a client is.
	Name string
}

// Open returns a connected Bus with the SIYU_EVENTS stream in place, so that a caller
// holding a Bus can publish durably at once. ctx bounds the set-up, not the Bus's life.
func Open(ctx context.Context, opt Options) (Bus, error) {
	if opt.URL == "" {
		b, err := openEmbedded(ctx, opt)
		if err != nil {
			return nil, fmt.Errorf("bus: open embedded: %w", err)
		}
		return b, nil
	}
	b, err := openExternal(ctx, opt)
	if err != nil {
		return nil, fmt.Errorf("bus: open external %s: %w", redactURLs(opt.URL), err)
	}
	return b, nil
}

type natsBus struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	ns     *server.Server // nil when external
	closed chan struct{}  // closed by the connection's ClosedHandler

	closeOnce sync.Once
	closeErr  error
}

func openEmbedded(ctx context.Context, opt Options) (*natsBus, error) {
	if opt.DataDir == "" {
		return nil, errors.New("DataDir is required for the embedded NATS server")
	}
	storeDir, err := filepath.Abs(filepath.Join(opt.DataDir, "nats"))
	if err != nil {
		return nil, fmt.Errorf("resolve store dir: %w", err)
	}
	name := opt.Name
	if name == "" {
		name = "siyu"
	}
	ns, err := server.NewServer(&server.Options{
		ServerName:         name,
		DontListen:         true,
		JetStream:          true,
		StoreDir:           storeDir,
		JetStreamMaxMemory: embeddedMaxMemory,
		JetStreamMaxStore:  embeddedMaxStore,
		NoSigs:             true,
		NoLog:              true,
	})
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	ns.Start()
	if !ns.ReadyForConnections(readyTimeout) {
		shutdown(ns)
		return nil, fmt.Errorf("server not ready within %s (store %s)", readyTimeout, storeDir)
	}
	b := &natsBus{ns: ns, closed: make(chan struct{})}
	nc, err := nats.Connect("", append(b.connOptions(opt.Name), nats.InProcessServer(ns))...)
	if err != nil {
		shutdown(ns)
		return nil, fmt.Errorf("connect in-process: %w", err)
	}
	b.nc = nc
	if err := b.setup(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func openExternal(ctx context.Context, opt Options) (*natsBus, error) {
	if err := validateURLs(opt.URL); err != nil {
		return nil, err
	}
	timeout := connectTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = max(time.Until(dl), time.Millisecond)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &natsBus{closed: make(chan struct{})}
	opts := append(b.connOptions(opt.Name),
		nats.Timeout(timeout),
		nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(reconnectDelay),
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			// A nil error is our own Close; only unplanned losses are worth a line.
			if err != nil && !nc.IsClosed() {
				slog.Warn("bus: disconnected from NATS, reconnecting", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			slog.Info("bus: reconnected to NATS", "server", redactURLs(nc.ConnectedUrl()))
		}),
	)
	nc, err := nats.Connect(opt.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot connect within %s: %w", timeout, err)
	}
	b.nc = nc
	if err := b.setup(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// connOptions are the options shared by embedded and external connections.
func (b *natsBus) connOptions(name string) []nats.Option {
	return []nats.Option{
		nats.Name(name),
		nats.DrainTimeout(drainTimeout),
		nats.ClosedHandler(func(*nats.Conn) { close(b.closed) }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			slog.Error("bus: async NATS error", "subject", subject, "err", err)
		}),
	}
}

// reconnectDelay backs off exponentially with jitter so that after an outage a whole
// fleet of nodes does not hammer the returning server in lock-step.
func reconnectDelay(attempts int) time.Duration {
	d := reconnectMax
	if attempts < 16 {
		d = min(reconnectBase<<attempts, reconnectMax)
	}
	return d/2 + rand.N(d/2+1)
}

// setup creates the JetStream context and makes sure the durable stream exists.
func (b *natsBus) setup(ctx context.Context) error {
	js, err := jetstream.New(b.nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	b.js = js
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, setupTimeout)
		defer cancel()
	}
	if err := ensureStream(ctx, js); err != nil {
		return fmt.Errorf("ensure stream %s: %w", StreamName, err)
	}
	return nil
}

// ensureStream creates or updates the events stream. Several nodes (or parallel tests)
// may race to create it on a shared server; the loser of a create race retries as an
// update, so the operation is idempotent.
func ensureStream(ctx context.Context, js jetstream.JetStream) error {
	cfg := jetstream.StreamConfig{
		Name:        StreamName,
		Description: "Siyu durable domain events",
		Subjects:    []string{DurablePrefix + ">"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      StreamMaxAge,
		Replicas:    1,
	}
	var err error
	for range 3 {
		_, err = js.CreateOrUpdateStream(ctx, cfg)
		if !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return err
		}
	}
	return err
}

func (b *natsBus) Publish(ctx context.Context, subject string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bus: publish %s: %w", subject, err)
	}
	if err := b.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("bus: publish %s: %w", subject, err)
	}
	return nil
}

func (b *natsBus) Subscribe(subject string, h Handler) (Subscription, error) {
	return b.subscribe(subject, "", h)
}

func (b *natsBus) QueueSubscribe(subject, queue string, h Handler) (Subscription, error) {
	if queue == "" {
		return nil, fmt.Errorf("bus: queue subscribe %s: empty queue name", subject)
	}
	return b.subscribe(subject, queue, h)
}

func (b *natsBus) subscribe(subject, queue string, h Handler) (Subscription, error) {
	if h == nil {
		return nil, fmt.Errorf("bus: subscribe %s: nil handler", subject)
	}
	cb := func(m *nats.Msg) { h(Msg{Subject: m.Subject, Data: m.Data, Reply: m.Reply}) }
	var (
		sub *nats.Subscription
		err error
	)
	if queue == "" {
		sub, err = b.nc.Subscribe(subject, cb)
	} else {
		sub, err = b.nc.QueueSubscribe(subject, queue, cb)
	}
	if err != nil {
		return nil, fmt.Errorf("bus: subscribe %s: %w", subject, err)
	}
	// Round-trip so the server has registered the interest before we return. While
	// reconnecting, the client replays the subscription on reconnect, so that is no
	// reason to fail.
	if err := b.nc.FlushTimeout(connectTimeout); err != nil && !b.nc.IsReconnecting() {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("bus: subscribe %s: flush: %w", subject, err)
	}
	return sub, nil
}

func (b *natsBus) PublishDurable(ctx context.Context, subject string, data []byte) error {
	if err := validDurableSubject(subject); err != nil {
		return fmt.Errorf("bus: publish durable %q: %w", subject, err)
	}
	if _, err := b.js.Publish(ctx, subject, data); err != nil {
		return fmt.Errorf("bus: publish durable %s: %w", subject, err)
	}
	return nil
}

// validDurableSubject accepts only concrete subjects inside the stream's subject space.
func validDurableSubject(subject string) error {
	rest, ok := strings.CutPrefix(subject, DurablePrefix)
	if !ok || rest == "" {
		return fmt.Errorf("subject must be under %s>", DurablePrefix)
	}
	if strings.ContainsAny(subject, " \t\r\n") {
		return errors.New("subject must not contain whitespace")
	}
	for tok := range strings.SplitSeq(rest, ".") {
		switch tok {
		case "":
			return errors.New("subject has an empty token")
		case "*", ">":
			return errors.New("subject must not contain wildcards")
		}
	}
	return nil
}

func (b *natsBus) JetStream() jetstream.JetStream { return b.js }

func (b *natsBus) Conn() *nats.Conn { return b.nc }

func (b *natsBus) Close() error {
	b.closeOnce.Do(func() {
		b.closeErr = b.close()
	})
	return b.closeErr
}

func (b *natsBus) close() error {
	var errs []error
	if b.nc != nil {
		if err := b.nc.Drain(); err != nil {
			// Draining is impossible while disconnected or already closed; fall back
			// to a plain close so Close never hangs.
			b.nc.Close()
		}
		select {
		case <-b.closed:
		case <-time.After(drainTimeout + time.Second):
			b.nc.Close()
			errs = append(errs, fmt.Errorf("bus: close: drain did not finish within %s", drainTimeout))
		}
		if err := b.nc.LastError(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			errs = append(errs, fmt.Errorf("bus: close: %w", err))
		}
	}
	if b.ns != nil {
		shutdown(b.ns)
	}
	return errors.Join(errs...)
}

// shutdown stops an embedded server and waits until it has released its store, so a
// following Open on the same DataDir does not find it locked.
func shutdown(ns *server.Server) {
	ns.Shutdown()
	ns.WaitForShutdown()
}

// validateURLs checks every comma-separated server URL up front, because the NATS
// client's own error for, say, "http://…" or a bare "localhost:4222" does not say
// what is expected.
func validateURLs(raw string) error {
	for s := range strings.SplitSeq(raw, ",") {
		s = strings.TrimSpace(s)
		u, err := url.Parse(s)
		switch {
		case err != nil || s == "":
			return fmt.Errorf("url %q is not a URL: want nats://host:port or tls://host:port", redactURLs(s))
		case u.Scheme != "nats" && u.Scheme != "tls":
			return fmt.Errorf("url %q: scheme must be nats:// or tls://", redactURLs(s))
		case u.Host == "":
			return fmt.Errorf("url %q: missing host", redactURLs(s))
		}
	}
	return nil
}

// redactURLs hides credentials in a comma-separated URL list so errors and logs can
// name the server without leaking secrets. The whole user-info goes: in NATS URLs a
// lone user name is often a bearer token, so url.URL.Redacted, which keeps it, is not
// enough.
func redactURLs(raw string) string {
	parts := strings.Split(raw, ",")
	for i, s := range parts {
		if !strings.Contains(s, "@") {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.User == nil {
			parts[i] = "[unparsable URL]"
			continue
		}
		u.User = url.User("REDACTED")
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}
