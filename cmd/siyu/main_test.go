package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the siyu command, so process-level tests run the
// real binary (with the race detector) without a separate build step.
func TestMain(m *testing.M) {
	if os.Getenv("SIYU_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type proc struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	done chan error
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startSiyu(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SIYU_TEST_RUN_MAIN=1")
	p := &proc{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) waitHealthy(t *testing.T, addr string) {
	t.Helper()
	p.url = "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(p.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("siyu exited early: %v\n%s", err, p.logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("siyu did not become healthy in 60 s\n%s", p.logs)
}

func post(client *http.Client, url, token string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out, nil
}

// TestSIGTERMUnderLoadLosesNoAcceptedWrite drives writes at a real siyu process, sends
// SIGTERM in the middle, restarts it on the same data directory and checks that every
// write that was answered 201 is there.
func TestSIGTERMUnderLoadLosesNoAcceptedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	data := t.TempDir()
	addr := freeAddr(t)
	p := startSiyu(t, "serve", "--addr", addr, "--data", data)
	p.waitHealthy(t, addr)

	status, signup, err := post(http.DefaultClient, p.url+"/api/v1/tenants", "", map[string]any{
		"name": "SIGTERM Co", "owner_email": "owner@sigterm.example", "owner_password": "owner-pass-1"})
	if err != nil || status != 201 {
		t.Fatalf("signup: %d %v %v\n%s", status, signup, err, p.logs)
	}
	token := signup["token"].(string)

	var mu sync.Mutex
	var accepted []string
	var serverErrors []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				email := fmt.Sprintf("w%d-%d@sigterm.example", w, i)
				status, body, err := post(client, p.url+"/api/v1/staff", token, map[string]any{
					"email": email, "role": "agent", "password": "agent-pass-1"})
				if err != nil {
					return // connection refused or closed: the server is going away
				}
				mu.Lock()
				switch {
				case status == 201:
					accepted = append(accepted, email)
				case status >= 500:
					serverErrors = append(serverErrors, fmt.Sprint(status, body))
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("siyu exited with %v after SIGTERM\n%s", err, p.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("siyu did not exit within 30 s of SIGTERM\n%s", p.logs)
	}
	close(stop)
	wg.Wait()
	if len(serverErrors) > 0 {
		t.Fatalf("requests failed with server errors during shutdown: %v", serverErrors)
	}
	if len(accepted) == 0 {
		t.Fatalf("no write was accepted before SIGTERM\n%s", p.logs)
	}
	if !strings.Contains(p.logs.String(), "stopped") {
		t.Fatalf("no clean-shutdown log line\n%s", p.logs)
	}

	// Restart on the same data and find every accepted write.
	addr2 := freeAddr(t)
	p2 := startSiyu(t, "serve", "--addr", addr2, "--data", data)
	p2.waitHealthy(t, addr2)
	req, _ := http.NewRequest("GET", p2.url+"/api/v1/staff", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, email := range accepted {
		if !bytes.Contains(raw, []byte(`"`+email+`"`)) {
			t.Errorf("accepted staff %s is missing after restart", email)
		}
	}
	t.Logf("%d writes accepted before SIGTERM, all present after restart", len(accepted))
	_ = p2.cmd.Process.Signal(syscall.SIGTERM)
	<-p2.done
}

func TestBackupCommandCopiesTheStore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	data := t.TempDir()
	out, err := runSiyu(t, "migrate", "--data", data)
	if err != nil || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "copy.db")
	if out, err := runSiyu(t, "backup", "--data", data, file); err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := runSiyu(t, "backup", "--data", data, file); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("second backup to the same file: %v\n%s", err, out)
	}
	if out, err := runSiyu(t, "serve", "--addr", "nonsense"); err == nil || !strings.Contains(out, "SIYU_ADDR") {
		t.Fatalf("bad --addr was accepted: %v\n%s", err, out)
	}
}

func runSiyu(t *testing.T, args ...string) (string, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SIYU_TEST_RUN_MAIN=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
