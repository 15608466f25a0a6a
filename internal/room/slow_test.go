package room_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siyu-live/siyu/internal/room"
)

// TestSlowViewerIsDropped: a client that never reads fills its socket, then its send
// queue, and is dropped; everyone else keeps receiving.
func TestSlowViewerIsDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{StatsEvery: 20 * time.Millisecond, SocketSendBuffer: 4096})
	_, slowTok := e.viewer("不读消息")
	slow := dialNeverReads(t, e, slowTok)
	defer slow.Close()
	_, tok := e.viewer("正常观众")
	good := e.dial(tok)
	good.waitFor("stats", statsWith("online", 2))

	long := strings.Repeat("好", room.MaxCommentRunes)
	var senders []*client
	for i := range 20 {
		_, tok := e.viewer(fmt.Sprintf("刷屏%d", i))
		senders = append(senders, e.dial(tok))
	}
	good.waitFor("stats", statsWith("online", 22))
	for round := 0; ; round++ {
		if round == 30 {
			t.Fatal("the slow viewer was never dropped")
		}
		for _, s := range senders {
			for range 5 {
				s.comment(long)
			}
		}
		// The slow viewer leaves the count once dropped (20 senders + the good viewer).
		if _, err := good.tryWait("stats", statsWith("online", 21), time.Second); err == nil {
			break
		}
	}
	if e.svc().Metrics().SlowDrops() != 1 {
		t.Fatalf("%d viewers dropped as slow, want only the one that never reads", e.svc().Metrics().SlowDrops())
	}
	good.waitFor("stats", statsWith("online", 21)) // 20 senders + the good viewer
	senders[0].comment("还在吗")
	good.waitFor("comment", textIs("还在吗"))
}

// dialNeverReads connects with a tiny receive buffer and never reads.
func dialNeverReads(t *testing.T, e *env, token string) *websocket.Conn {
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		nd := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
			if err != nil {
				return err
			}
			return serr
		}}
		return nd.DialContext(ctx, network, addr)
	}}
	u := "ws" + strings.TrimPrefix(e.nodes[0].srv.URL, "http") + "/?session=" + strconv.FormatInt(e.session, 10) + "&token=" + token
	ws, _, err := d.Dial(u, nil)
	must(t, err)
	return ws
}
