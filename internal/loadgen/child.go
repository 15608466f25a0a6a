package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// clientProcess is the client side of a benchmark running as its own process; the
// parent steers it by writing words to its stdin and reading "word rest" lines back.
type clientProcess struct {
	cmd   *exec.Cmd
	stdin io.Writer
	lines *bufio.Scanner
}

// startClients starts `exe args…` with piped stdin/stdout (stderr passes through).
func startClients(ctx context.Context, exe string, args ...string) (*clientProcess, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 256<<20)
	return &clientProcess{cmd: cmd, stdin: stdin, lines: lines}, nil
}

// read returns the rest of the next line starting with prefix, skipping others.
func (c *clientProcess) read(prefix string) (string, error) {
	for c.lines.Scan() {
		if rest, ok := strings.CutPrefix(c.lines.Text(), prefix+" "); ok {
			return rest, nil
		}
	}
	return "", fmt.Errorf("bench clients ended before %q", prefix)
}

// PID is the client process id, for CPU readings.
func (c *clientProcess) PID() int { return c.cmd.Process.Pid }

// wait closes the client's stdin and waits for it to exit: a client still waiting for
// a word (the parent gave up on an error) sees the end of its input and stops, rather
// than both processes waiting for each other.
func (c *clientProcess) wait() {
	if in, ok := c.stdin.(io.Closer); ok {
		_ = in.Close()
	}
	_ = c.cmd.Wait()
}
