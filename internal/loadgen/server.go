package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Server is a siyu server process started for a benchmark on a fresh data directory.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	data string
	log  *os.File
	done chan error
}

// StartServer runs `exe serve` on a free loopback port with a temporary data directory
// and waits until /healthz answers.
func StartServer(ctx context.Context, exe string, env ...string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	data, err := os.MkdirTemp("", "siyu-bench-")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(data, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "--addr", addr, "--data", data, "--log-level", "warn")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, cmd: cmd, data: data, log: logf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.URL + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("server exited: %v (log %s)", err, logf.Name())
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.Stop()
	return nil, fmt.Errorf("server did not answer /healthz within 60 s (log %s)", logf.Name())
}

// PID is the server's process id, for memory readings.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop sends SIGTERM, waits, and removes the data directory.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
	os.RemoveAll(s.data)
}

// Metric reads one unlabelled gauge from the server's /metrics.
func (s *Server) Metric(name string) float64 {
	res, err := http.Get(s.URL + "/metrics")
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			var v float64
			fmt.Sscan(rest, &v)
			return v
		}
	}
	return 0
}

// Client is a small JSON client for setting up benchmark data through the public API.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client
}

// Do sends a JSON request and decodes a JSON answer into out, failing on an unexpected status.
func (c *Client) Do(method, path string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// Signup creates a tenant and returns a client holding its owner token.
func Signup(base, name string) (*Client, error) {
	var res struct {
		Token string `json:"token"`
	}
	email := fmt.Sprintf("bench-%d@example.com", time.Now().UnixNano())
	c := &Client{Base: base}
	if err := c.Do("POST", "/api/v1/tenants", map[string]any{"name": name, "owner_email": email,
		"owner_password": "bench-password"}, &res, 201); err != nil {
		return nil, err
	}
	c.Token = res.Token
	return c, nil
}
