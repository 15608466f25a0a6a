package bus_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/siyu-live/siyu/internal/bus"
)

const wait = 5 * time.Second

// externalURL returns the external NATS server to test against, skipping the test
// when none is configured.
func externalURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("SIYU_TEST_NATS")
	if u == "" {
		t.Skip("SIYU_TEST_NATS not set; skipping tests against an external NATS server")
	}
	return u
}

func openEmbedded(t *testing.T) bus.Bus {
	t.Helper()
	return mustOpen(t, bus.Options{DataDir: t.TempDir(), Name: t.Name()})
}

func openExternal(t *testing.T) bus.Bus {
	t.Helper()
	return mustOpen(t, bus.Options{URL: externalURL(t), Name: t.Name()})
}

func mustOpen(t *testing.T, opt bus.Options) bus.Bus {
	t.Helper()
	b, err := bus.Open(t.Context(), opt)
	if err != nil {
		t.Fatalf("Open(%+v): %v", opt, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

// unique returns a random subject token so parallel tests, and parallel runs against a
// shared external server, never see each other's messages.
func unique(t *testing.T) string {
	t.Helper()
	var p [8]byte
	if _, err := rand.Read(p[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(p[:])
}

func recv(t *testing.T, ch <-chan bus.Msg) bus.Msg {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(wait):
		t.Fatalf("no message within %s", wait)
		return bus.Msg{}
	}
}

func chanHandler(ch chan<- bus.Msg) bus.Handler {
	return func(m bus.Msg) { ch <- m }
}

func subscribe(t *testing.T, b bus.Bus, subject string, h bus.Handler) {
	t.Helper()
	sub, err := b.Subscribe(subject, h)
	if err != nil {
		t.Fatalf("Subscribe(%s): %v", subject, err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
}

func lastDurable(t *testing.T, b bus.Bus, subject string) (*jetstream.RawStreamMsg, error) {
	t.Helper()
	s, err := b.JetStream().Stream(t.Context(), bus.StreamName)
	if err != nil {
		t.Fatalf("Stream(%s): %v", bus.StreamName, err)
	}
	return s.GetLastMsgForSubject(t.Context(), subject)
}

func TestEmbedded(t *testing.T) {
	t.Parallel()
	runSuite(t, openEmbedded)
}

func TestExternal(t *testing.T) {
	externalURL(t)
	t.Parallel()
	runSuite(t, openExternal)
}

// runSuite checks the behaviour callers rely on, whatever server is behind the Bus.
func runSuite(t *testing.T, open func(t *testing.T) bus.Bus) {
	t.Run("PublishSubscribe", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		subj := "siyu.test." + unique(t) + ".hello"
		ch := make(chan bus.Msg, 1)
		subscribe(t, b, subj, chanHandler(ch))
		if err := b.Publish(t.Context(), subj, []byte("hi")); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		m := recv(t, ch)
		if m.Subject != subj || string(m.Data) != "hi" || m.Reply != "" {
			t.Fatalf("got %+v, want subject %s data hi", m, subj)
		}
	})

	t.Run("Wildcard", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		p := "siyu.test." + unique(t)
		one := make(chan bus.Msg, 2)
		all := make(chan bus.Msg, 2)
		subscribe(t, b, p+".*", chanHandler(one))
		subscribe(t, b, p+".>", chanHandler(all))
		// Deeper subject first: messages from one connection arrive in order, so if
		// "*" wrongly matched it, it would be the first thing "*" sees.
		for _, s := range []string{p + ".a.b", p + ".a"} {
			if err := b.Publish(t.Context(), s, []byte(s)); err != nil {
				t.Fatalf("Publish(%s): %v", s, err)
			}
		}
		if m := recv(t, one); m.Subject != p+".a" {
			t.Fatalf("%s.* got %s first, want %s.a", p, m.Subject, p)
		}
		if got := []string{recv(t, all).Subject, recv(t, all).Subject}; got[0] != p+".a.b" || got[1] != p+".a" {
			t.Fatalf("%s.> got %v", p, got)
		}
	})

	t.Run("QueueGroup", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		subj := "siyu.test." + unique(t) + ".work"
		const n = 200
		var (
			mu    sync.Mutex
			seen  = map[string]int{}
			per   [2]int
			total int
			done  = make(chan struct{})
		)
		for i := range 2 {
			sub, err := b.QueueSubscribe(subj, "workers", func(m bus.Msg) {
				mu.Lock()
				defer mu.Unlock()
				seen[string(m.Data)]++
				per[i]++
				total++
				if total == n {
					close(done)
				}
			})
			if err != nil {
				t.Fatalf("QueueSubscribe: %v", err)
			}
			t.Cleanup(func() { _ = sub.Unsubscribe() })
		}
		for i := range n {
			if err := b.Publish(t.Context(), subj, fmt.Appendf(nil, "%d", i)); err != nil {
				t.Fatalf("Publish: %v", err)
			}
		}
		select {
		case <-done:
		case <-time.After(wait):
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("received %d of %d messages within %s", total, n, wait)
		}
		// A round trip to the server plus a short grace lets a duplicate show up.
		if err := b.Conn().Flush(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		if total != n || len(seen) != n {
			t.Fatalf("total %d, distinct %d, want %d each", total, len(seen), n)
		}
		for k, c := range seen {
			if c != 1 {
				t.Fatalf("message %s delivered %d times", k, c)
			}
		}
		if per[0] == 0 || per[1] == 0 {
			t.Logf("uneven split %v (allowed, but unusual for %d messages)", per, n)
		}
	})

	t.Run("RequestReply", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		subj := "siyu.test." + unique(t) + ".echo"
		subscribe(t, b, subj, func(m bus.Msg) {
			_ = b.Publish(context.Background(), m.Reply, append([]byte("re:"), m.Data...))
		})
		resp, err := b.Conn().Request(subj, []byte("ping"), wait)
		if err != nil {
			t.Fatalf("Request: %v", err)
		}
		if string(resp.Data) != "re:ping" {
			t.Fatalf("reply %q", resp.Data)
		}
	})

	t.Run("Durable", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		subj := bus.DurablePrefix + "test." + unique(t) + ".created"
		data := []byte(`{"id":1}`)
		if err := b.PublishDurable(t.Context(), subj, data); err != nil {
			t.Fatalf("PublishDurable: %v", err)
		}
		m, err := lastDurable(t, b, subj)
		if err != nil {
			t.Fatalf("GetLastMsgForSubject: %v", err)
		}
		if !bytes.Equal(m.Data, data) {
			t.Fatalf("stored %q, want %q", m.Data, data)
		}
		s, err := b.JetStream().Stream(t.Context(), bus.StreamName)
		if err != nil {
			t.Fatal(err)
		}
		cfg := s.CachedInfo().Config
		if cfg.Storage != jetstream.FileStorage || cfg.Retention != jetstream.LimitsPolicy ||
			cfg.MaxAge != bus.StreamMaxAge || len(cfg.Subjects) != 1 || cfg.Subjects[0] != "siyu.events.>" {
			t.Fatalf("stream config %+v", cfg)
		}
	})

	t.Run("DurableRejectsForeignSubject", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		for _, s := range []string{"", "siyu.other.x", "siyu.events", "siyu.events.", "siyu.events.*", "siyu.events.a.>", "siyu.events.a..b", "siyu.eventsx.a"} {
			err := b.PublishDurable(t.Context(), s, []byte("x"))
			if err == nil || !strings.Contains(err.Error(), "bus: publish durable") {
				t.Errorf("PublishDurable(%q) = %v, want a bus error", s, err)
			}
		}
	})

	t.Run("Close", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		subj := "siyu.test." + unique(t) + ".closing"
		got := make(chan bus.Msg, 1)
		subscribe(t, b, subj, chanHandler(got))
		if err := b.Publish(t.Context(), subj, []byte("last")); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatalf("first Close: %v", err)
		}
		if err := b.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		// Close drains: the message published before it was delivered, not dropped.
		if m := recv(t, got); string(m.Data) != "last" {
			t.Fatalf("got %q", m.Data)
		}
		if err := b.Publish(t.Context(), subj, []byte("x")); err == nil {
			t.Fatal("Publish after Close succeeded")
		}
		if err := b.PublishDurable(t.Context(), bus.DurablePrefix+"test.closed", []byte("x")); err == nil {
			t.Fatal("PublishDurable after Close succeeded")
		}
	})

	t.Run("PublishCanceledContext", func(t *testing.T) {
		t.Parallel()
		b := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := b.Publish(ctx, "siyu.test."+unique(t), nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("Publish with canceled ctx = %v", err)
		}
		if err := b.PublishDurable(ctx, bus.DurablePrefix+"test."+unique(t), nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("PublishDurable with canceled ctx = %v", err)
		}
	})
}

func TestOpenBadURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url, want string
	}{
		{"http://127.0.0.1:4222", "scheme must be nats:// or tls://"},
		{"127.0.0.1:4222", "nats://"},
		{"nats://", "missing host"},
		{"nats://127.0.0.1:4222,ws://127.0.0.1:80", "scheme must be"},
		{"nats://127.0.0.1:1", "cannot connect"},
		{"nats://alice:s3cret@127.0.0.1:1", "cannot connect"},
		{"nats://t0ken@127.0.0.1:1", "cannot connect"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			b, err := bus.Open(t.Context(), bus.Options{URL: tc.url})
			if err == nil {
				b.Close()
				t.Fatalf("Open(%q) succeeded", tc.url)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "bus: open external ") || !strings.Contains(msg, tc.want) {
				t.Fatalf("Open(%q) error %q, want it to start with %q and contain %q", tc.url, msg, "bus: open external", tc.want)
			}
			if !strings.Contains(msg, "127.0.0.1") && tc.url != "nats://" {
				t.Fatalf("error %q does not name the server", msg)
			}
			if strings.Contains(msg, "s3cret") || strings.Contains(msg, "t0ken") {
				t.Fatalf("error %q leaks credentials", msg)
			}
			if d := time.Since(start); d > 6*time.Second {
				t.Fatalf("Open took %s", d)
			}
		})
	}
}

func TestOpenEmbeddedNeedsDataDir(t *testing.T) {
	t.Parallel()
	b, err := bus.Open(t.Context(), bus.Options{})
	if err == nil {
		b.Close()
		t.Fatal("Open without DataDir succeeded")
	}
	if !strings.HasPrefix(err.Error(), "bus: open embedded: ") || !strings.Contains(err.Error(), "DataDir") {
		t.Fatalf("error %q", err)
	}
}

func TestEmbeddedSurvivesReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	subj := bus.DurablePrefix + "test.reopen"

	b1, err := bus.Open(t.Context(), bus.Options{DataDir: dir, Name: "first"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"one", "two"} {
		if err := b1.PublishDurable(t.Context(), subj, []byte(d)); err != nil {
			b1.Close()
			t.Fatal(err)
		}
	}
	if err := b1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(dir + "/nats"); err != nil {
		t.Fatalf("store dir: %v", err)
	}

	b2 := mustOpen(t, bus.Options{DataDir: dir, Name: "second"})
	m, err := lastDurable(t, b2, subj)
	if err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	if string(m.Data) != "two" {
		t.Fatalf("after reopen last message %q, want two", m.Data)
	}
	s, err := b2.JetStream().Stream(t.Context(), bus.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.CachedInfo().State.Msgs; n != 2 {
		t.Fatalf("after reopen stream holds %d messages, want 2", n)
	}
}

func TestEmbeddedInstancesAreIndependent(t *testing.T) {
	t.Parallel()
	a := openEmbedded(t)
	b := openEmbedded(t)
	subj := "siyu.test." + unique(t)

	got := make(chan bus.Msg, 4)
	subscribe(t, b, subj, chanHandler(got))
	if err := a.Publish(t.Context(), subj, []byte("from-a")); err != nil {
		t.Fatal(err)
	}
	// After a round trip a's server has routed the message to every subscriber it
	// knows; b's own marker then comes later in b's subscription.
	if err := a.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(t.Context(), subj, []byte("from-b")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got); string(m.Data) != "from-b" {
		t.Fatalf("b received %q from another bus", m.Data)
	}

	dsubj := bus.DurablePrefix + "test." + unique(t)
	if err := a.PublishDurable(t.Context(), dsubj, []byte("only-a")); err != nil {
		t.Fatal(err)
	}
	if _, err := lastDurable(t, a, dsubj); err != nil {
		t.Fatalf("a's own stream: %v", err)
	}
	if _, err := lastDurable(t, b, dsubj); !errors.Is(err, jetstream.ErrMsgNotFound) {
		t.Fatalf("b's stream lookup = %v, want ErrMsgNotFound", err)
	}
}

func TestExternalClientsShareServer(t *testing.T) {
	externalURL(t)
	t.Parallel()
	a := openExternal(t)
	b := openExternal(t)
	subj := "siyu.test." + unique(t) + ".shared"

	got := make(chan bus.Msg, 1)
	subscribe(t, b, subj, chanHandler(got))
	if err := a.Publish(t.Context(), subj, []byte("hello b")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, got); string(m.Data) != "hello b" {
		t.Fatalf("b got %q", m.Data)
	}

	dsubj := bus.DurablePrefix + "test." + unique(t)
	if err := a.PublishDurable(t.Context(), dsubj, []byte("durable")); err != nil {
		t.Fatal(err)
	}
	m, err := lastDurable(t, b, dsubj)
	if err != nil || string(m.Data) != "durable" {
		t.Fatalf("b reads a's durable message: %v %v", m, err)
	}
}
