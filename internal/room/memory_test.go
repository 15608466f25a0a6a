package room_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/room"
)

// TestMemoryPerIdleViewer is a manual measurement, not an assertion: it connects
// SIYU_ROOM_MEM idle viewers from a child process (so client memory is not counted)
// and logs the server's heap+stack and RSS growth per viewer.
//
//	SIYU_ROOM_MEM=10000 go test -run MemoryPerIdle -v ./internal/room/
func TestMemoryPerIdleViewer(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIYU_ROOM_MEM"))
	if n <= 0 {
		t.Skip("set SIYU_ROOM_MEM=<viewers> to measure memory per idle viewer")
	}
	e := newEnv(t, room.Options{Tick: 100 * time.Millisecond, StatsEvery: time.Second})
	first := e.bulkViewers(n)
	// One viewer first, so the hub and its buffers exist before the baseline.
	_, tok := e.viewer("基准")
	e.dial(tok).waitFor("welcome", nil)
	heap0, rss0 := memNow()
	child := exec.Command(os.Args[0], "-test.run=TestMemoryClients$")
	u := "ws" + strings.TrimPrefix(e.nodes[0].srv.URL, "http")
	child.Env = append(os.Environ(), "SIYU_ROOM_MEM_CHILD="+u, fmt.Sprintf("SIYU_ROOM_MEM_RANGE=%d:%d:%d", e.session, first, first+int64(n)))
	stdin, _ := child.StdinPipe()
	out, _ := child.StdoutPipe()
	must(t, child.Start())
	defer func() { stdin.Close(); _ = child.Wait() }()
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "ready") {
	}
	for deadline := time.Now().Add(2 * time.Minute); e.svc().Stats(e.session).Online < n+1; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d viewers joined", e.svc().Stats(e.session).Online, n+1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // let join persistence and the welcome writes settle
	heap1, rss1 := memNow()
	t.Logf("%d idle viewers: heap+stack %.1f KiB/viewer, RSS %.1f KiB/viewer (heap+stack %.1f MiB total)",
		n, float64(heap1-heap0)/1024/float64(n), float64(rss1-rss0)/1024/float64(n), float64(heap1)/(1<<20))
}

func memNow() (heapStack, rss int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			rss = kb * 1024
		}
	}
	return int64(m.HeapInuse + m.StackInuse), rss
}

// bulkViewers inserts n viewers in one transaction and returns the first id.
func (e *env) bulkViewers(n int) int64 {
	var first int64
	now := e.clock.unixMilli()
	must(e.t, e.store.Tx(context.Background(), func(tx *db.Tx) error {
		for i := range n {
			var id int64
			if err := tx.WriteGetContext(context.Background(), &id, `INSERT INTO viewers (tenant_id, session_id, nickname, token_hash, created_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`, e.tenant, e.session, fmt.Sprintf("观众%d", i), fmt.Sprintf("bulk-%d", i), now); err != nil {
				return err
			}
			if i == 0 {
				first = id
			}
			e.dir.tokens[fmt.Sprintf("viewer-token-%d", id)] = room.Member{TenantID: e.tenant, SessionID: e.session,
				Role: room.RoleViewer, ViewerID: id, Nickname: fmt.Sprintf("观众%d", i)}
		}
		return nil
	}))
	return first
}

// TestMemoryClients is the child process of TestMemoryPerIdleViewer: bare WebSocket
// handshakes that then sit idle until stdin closes.
func TestMemoryClients(t *testing.T) {
	base := os.Getenv("SIYU_ROOM_MEM_CHILD")
	if base == "" {
		t.Skip("child process of TestMemoryPerIdleViewer")
	}
	var session, from, to int64
	fmt.Sscanf(os.Getenv("SIYU_ROOM_MEM_RANGE"), "%d:%d:%d", &session, &from, &to)
	u, _ := url.Parse(base)
	var conns []net.Conn
	for id := from; id < to; id++ {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET /?session=%d&token=viewer-token-%d HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", session, id, u.Host)
		r := bufio.NewReaderSize(c, 512)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if line == "\r\n" {
				break
			}
		}
		conns = append(conns, c)
	}
	fmt.Println("ready")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	for _, c := range conns {
		c.Close()
	}
}
