package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// RoomOptions are the knobs of `siyu bench room`; the defaults are issue 3's goal.
type RoomOptions struct {
	Exe     string // the siyu binary (os.Executable)
	Report  string // file to append results to ("" = print only)
	Command string // the command line, recorded with the results
	RoomClientOptions
}

// RoomResult is the benchmark's outcome.
type RoomResult struct {
	Clients          RoomClientResult
	RSSPerViewer     float64 // bytes of server RSS per idle viewer
	DeliveriesPerSec float64
	ServerCPU        float64  // server CPU seconds per wall second during the load
	ClientCPU        float64  // the viewer process's CPU seconds per wall second
	Show             RoomShow // the session's post-live report reconciled with the storm
}

// RunRoomBench starts a server, opens N viewers from a separate process, measures idle
// memory per viewer, then drives comments and likes and measures delivery and latency;
// then it ends the session and checks its post-live report against the storm.
func RunRoomBench(ctx context.Context, opt RoomOptions, out io.Writer) (RoomResult, error) {
	var res RoomResult
	if opt.Senders+opt.Likers > opt.Viewers {
		// Senders and likers are different viewers, so a refusal the room sends back is
		// known to be a comment's or a like's.
		return res, fmt.Errorf("--senders (%d) plus --likers (%d) must not exceed --viewers (%d)", opt.Senders, opt.Likers, opt.Viewers)
	}
	srv, err := StartServer(ctx, opt.Exe, "SIYU_API_PER_SECOND=1000000")
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	owner, err := Signup(srv.URL, "Bench Room Co")
	if err != nil {
		return res, err
	}
	var sess struct {
		ID int64 `json:"id"`
	}
	if err := owner.Do("POST", "/api/v1/sessions", map[string]any{"title": "压测直播间",
		"scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, &sess, 201); err != nil {
		return res, err
	}
	if err := owner.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/start", sess.ID), nil, nil, 200); err != nil {
		return res, err
	}
	opt.URL, opt.SessionID = srv.URL, sess.ID

	child, err := startClients(ctx, opt.Exe, clientArgs(opt.RoomClientOptions)...)
	if err != nil {
		return res, err
	}
	defer child.wait()
	read, stdin := child.read, child.stdin
	if _, err := read("created"); err != nil {
		return res, err
	}
	fmt.Fprintf(out, "%d viewers created; connecting…\n", opt.Viewers)
	time.Sleep(2 * time.Second)
	rss0 := RSS(srv.PID())
	fmt.Fprintln(stdin, "connect")
	conn, err := read("connected")
	if err != nil {
		return res, err
	}
	time.Sleep(3 * time.Second)
	rss1 := RSS(srv.PID())
	connected, _ := strconv.Atoi(strings.Fields(conn)[0])
	if connected > 0 {
		res.RSSPerViewer = float64(rss1-rss0) / float64(connected)
	}
	fmt.Fprintf(out, "connected %s; driving %d comments/s and %d likes/s for %s…\n", conn, opt.CommentsPerSec, opt.LikesPerSec, opt.Duration)
	cpu0, ccpu0 := cpuSeconds(srv.PID()), cpuSeconds(child.PID())
	t0 := time.Now()
	fmt.Fprintln(stdin, "go")
	raw, err := read("result")
	if err != nil {
		return res, err
	}
	wall := time.Since(t0).Seconds()
	res.ServerCPU = (cpuSeconds(srv.PID()) - cpu0) / wall
	res.ClientCPU = (cpuSeconds(child.PID()) - ccpu0) / wall
	if err := json.Unmarshal([]byte(raw), &res.Clients); err != nil {
		return res, err
	}
	if res.Clients.Seconds > 0 {
		res.DeliveriesPerSec = float64(res.Clients.Deliveries) / res.Clients.Seconds
	}
	fmt.Fprintln(out, "ending the show and reading its report…")
	if err := res.Show.finish(owner, sess.ID, res.Clients); err != nil {
		return res, err
	}
	table := res.table(opt)
	fmt.Fprintln(out, table)
	if opt.Report != "" {
		if err := AppendReport(opt.Report, "Room: real-time delivery", opt.Command, table); err != nil {
			return res, err
		}
		fmt.Fprintf(out, "appended to %s\n", opt.Report)
	}
	if !res.Show.OK {
		return res, fmt.Errorf("room invariants violated: the post-live report does not reconcile (see the table)")
	}
	return res, nil
}

func clientArgs(o RoomClientOptions) []string {
	return []string{"bench", "room-clients", "--url", o.URL, "--session", strconv.FormatInt(o.SessionID, 10),
		"--viewers", strconv.Itoa(o.Viewers), "--senders", strconv.Itoa(o.Senders), "--likers", strconv.Itoa(o.Likers),
		"--comments", strconv.Itoa(o.CommentsPerSec), "--likes", strconv.Itoa(o.LikesPerSec),
		"--duration", o.Duration.String(), "--sample", strconv.Itoa(o.Sample)}
}

// cpuSeconds reads utime+stime of a process from /proc/<pid>/stat.
func cpuSeconds(pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100 // USER_HZ
}

func (r RoomResult) table(opt RoomOptions) string {
	c := r.Clients
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "| measure | value | goal |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| viewers connected (failed) | %d (%d) | %d |\n", c.Connected, c.Failed, opt.Viewers)
	fmt.Fprintf(w, "| comments sent / likes sent | %d / %d in %.1f s | %d/s, %d/s |\n", c.CommentsSent, c.LikesSent, c.Seconds, opt.CommentsPerSec, opt.LikesPerSec)
	fmt.Fprintf(w, "| comment deliveries/s | %.0f | ≥ 370,000 (5× Centrifugo's ~74k here) |\n", r.DeliveriesPerSec)
	fmt.Fprintf(w, "| frames/s to viewers | %.0f | |\n", float64(c.Frames)/max(c.Seconds, 1e-9))
	fmt.Fprintf(w, "| comment latency p50 / p99 / max | %.1f / %.1f / %.1f ms (%d samples) | p99 ≤ 250 ms |\n", c.P50ms, c.P99ms, c.MaxMs, c.Samples)
	fmt.Fprintf(w, "| senders saw their own comment | %d / %d | all |\n", c.OwnSeen, c.OwnSent)
	fmt.Fprintf(w, "| viewers dropped during the load | %d | |\n", c.Dropped)
	fmt.Fprintf(w, "| server memory per idle viewer (RSS) | %.1f KiB | ≤ 20 KiB (Centrifugo ~48 KiB) |\n", r.RSSPerViewer/1024)
	fmt.Fprintf(w, "| CPU during the load: server / viewer process | %.2f / %.2f cores | of %d, shared |\n", r.ServerCPU, r.ClientCPU, runtime.NumCPU())
	r.Show.rows(w, c)
	w.Flush()
	return b.String()
}
