package room

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkFanout measures the fan-out path alone: one batch frame of 20 comments
// queued to N connections and written by the writer pool, with N real clients on
// loopback discarding what they read (in the same process, so the figure is
// pessimistic). ns/op is one frame to all N; comment-deliveries/s counts comments.
//
//	go test -run XXX -bench Fanout -benchmem ./internal/room/
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) { benchFanout(b, n) })
	}
}

func benchFanout(b *testing.B, n int) {
	s := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.writers = newWriterPool(s.opt.Writers)
	defer s.writers.stop()
	h := newHub(s, SessionInfo{ID: 1, TenantID: 1, Status: "live"})
	joined := make(chan *conn, n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := s.upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		joined <- &conn{hub: h, ws: ws, nc: ws.NetConn(), m: Member{Role: RoleViewer}}
	}))
	defer srv.Close()
	got := make([]atomic.Int64, n)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	for k := range n {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		go func() {
			for {
				_, r, err := c.NextReader()
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, r)
				got[k].Add(1)
			}
		}()
		sc := <-joined
		sc.idx = len(h.conns)
		h.conns = append(h.conns, sc)
	}
	var bb batchBuilder
	for i := range 20 {
		e := &event{Kind: KindComment, ID: int64(i + 1), ViewerID: 42, Nickname: "观众", Text: strings.Repeat("好", 20)}
		bb.add(e.encode())
	}
	payload := append(bb.buf, "]}"...)
	b.SetBytes(int64(len(payload) * n))
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		// Keep at most 8 frames in flight per connection so the queues never overflow.
		waitAll(b, s, got, int64(i-8))
		f := newFrame(payload)
		h.fanout(f, f)
	}
	waitAll(b, s, got, int64(b.N))
	el := time.Since(start)
	b.ReportMetric(float64(n)*float64(b.N)*20/el.Seconds(), "comment-deliveries/s")
	b.ReportMetric(float64(n)*float64(b.N)/el.Seconds(), "frames/s")
	if d := s.metrics.slowDrops.Load(); d > 0 {
		b.Fatalf("%d connections dropped as slow", d)
	}
}

// waitAll waits until every client has read at least k frames.
func waitAll(b *testing.B, s *Service, got []atomic.Int64, k int64) {
	for i := range got {
		for got[i].Load() < k {
			if s.metrics.slowDrops.Load() > 0 {
				b.Fatal("a connection was dropped as slow")
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
}
