package main

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// liveRig is a real siyu process on a fresh data directory with a signed-up tenant
// whose session is live: the stage of the kill -9 tests of the in-room tools.
type liveRig struct {
	t      *testing.T
	data   string
	p      *proc
	client *http.Client
	token  string // the owner's
	sid    string // the live session's id
}

// newLiveRig starts siyu, signs up the shop with owner email and starts a session
// titled title.
func newLiveRig(t *testing.T, shop, email, title string) *liveRig {
	t.Helper()
	r := &liveRig{t: t, data: t.TempDir(),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	r.p = r.start()
	status, signup, err := post(r.client, r.p.url+"/api/v1/tenants", "", map[string]any{
		"name": shop, "owner_email": email, "owner_password": "owner-pass-1"})
	if err != nil || status != 201 {
		t.Fatalf("signup: %d %v %v", status, signup, err)
	}
	r.token = signup["token"].(string)
	_, sess, _ := post(r.client, r.p.url+"/api/v1/sessions", r.token, map[string]any{"title": title})
	r.sid = fmt.Sprint(int64(sess["id"].(float64)))
	if status, body, err := post(r.client, r.p.url+"/api/v1/sessions/"+r.sid+"/start", r.token, nil); status != 200 {
		t.Fatalf("start: %d %v %v", status, body, err)
	}
	return r
}

// start runs siyu serve on the rig's data directory and waits until it answers.
func (r *liveRig) start() *proc {
	r.t.Helper()
	addr := freeAddr(r.t)
	p := startSiyu(r.t, "serve", "--addr", addr, "--data", r.data, "--log-level", "warn")
	p.waitHealthy(r.t, addr)
	return p
}

// rigViewer is a viewer of the rig's session with their token.
type rigViewer struct {
	id    int64
	token string
}

// viewers joins n viewers named nick to the session, 16 at a time.
func (r *liveRig) viewers(n int, nick string) []rigViewer {
	r.t.Helper()
	vs := make([]rigViewer, n)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 16 {
				_, v, err := post(r.client, r.p.url+"/api/v1/sessions/"+r.sid+"/viewers", "", map[string]any{"nickname": nick})
				if err != nil || v["token"] == nil {
					r.t.Errorf("viewer: %v %v", v, err)
					return
				}
				vs[i] = rigViewer{id: int64(v["viewer_id"].(float64)), token: v["token"].(string)}
			}
		}()
	}
	wg.Wait()
	if r.t.Failed() {
		r.t.FailNow()
	}
	return vs
}

// killDuring is the storm: 24 workers run attempt(0…n−1), each index once, until the
// process dies under them (attempt returns false once a request failed: the server is
// gone). As soon as acked counts min acknowledged answers the process gets SIGKILL;
// once every worker stopped, siyu restarts on the same data directory, which
// killDuring returns.
func (r *liveRig) killDuring(n int, attempt func(i int) bool, acked *atomic.Int64, min int64) *proc {
	r.t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || !attempt(i) {
					return
				}
			}
		}()
	}
	for acked.Load() < min {
		time.Sleep(time.Millisecond)
	}
	if err := r.p.cmd.Process.Kill(); err != nil { // SIGKILL
		r.t.Fatal(err)
	}
	<-r.p.done
	wg.Wait()
	r.p = r.start()
	return r.p
}
