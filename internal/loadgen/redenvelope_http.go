package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// httpStorm runs the grabs over opt.Conns lean keep-alive connections, each sending one
// request at a time; the grabs are taken viewer after viewer, so a viewer's grabs (and
// its double grab) run at once on several connections.
func httpStorm(ctx context.Context, opt EnvelopeClientOptions, envelopes []int64, tokens []string, ids []int64, grabs [][]grab,
	keep bool) GrabPhase {
	var jobs []grab
	for _, g := range grabs {
		jobs = append(jobs, g...)
	}
	paths := make([]string, len(envelopes))
	for i, id := range envelopes {
		paths[i] = "/api/v1/red-envelopes/" + strconv.FormatInt(id, 10) + "/grab"
	}
	tallies := make([]*tally, opt.Conns)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range opt.Conns {
		t := &tally{}
		tallies[c] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := dialHTTP(ctx, opt.URL)
			if err != nil {
				t.failed(err)
				return
			}
			defer cl.close()
			for {
				j := int(next.Add(1) - 1)
				if j >= len(jobs) {
					return
				}
				g := jobs[j]
				t0 := time.Now()
				status, body, err := cl.post(paths[g.envelope], tokens[g.viewer])
				ms := float64(time.Since(t0).Microseconds()) / 1000
				switch {
				case err != nil:
					t.failed(err)
				case status == 200:
					t.answer(envelopes[g.envelope], ids[g.viewer], "", jsonInt(body, `"amount":`), ms, nil)
				default:
					code := jsonString(body, `"code":`)
					if code == "" {
						code = strconv.Itoa(status)
					}
					t.answer(envelopes[g.envelope], ids[g.viewer], code, 0, ms, append([]byte(strconv.Itoa(status)+" "), body...))
				}
			}
		}()
	}
	wg.Wait()
	return merge(tallies, time.Since(start).Seconds(), keep)
}

// httpConn is a lean HTTP/1.1 keep-alive client for one connection: it writes a
// pre-formatted request and parses only the status line, Content-Length and body, so
// the load generator spends its share of the machine's cores on load, not on
// net/http's client machinery (the server is what is measured).
type httpConn struct {
	addr string
	host string
	conn net.Conn
	br   *bufio.Reader
	buf  []byte
	body []byte
}

func dialHTTP(ctx context.Context, base string) (*httpConn, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	c := &httpConn{addr: u.Host, host: u.Host}
	return c, c.dial(ctx)
}

func (c *httpConn) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	c.conn, c.br = conn, bufio.NewReaderSize(conn, 4096)
	return nil
}

func (c *httpConn) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}

// post sends an empty-bodied POST with a bearer token and returns the status and body
// (valid until the next call). A failed exchange is not retried (a grab's outcome is
// then unknown and is reported as an error); the connection is redialled for the next.
func (c *httpConn) post(path, token string) (int, []byte, error) {
	status, body, err := c.roundTrip(path, token)
	if err != nil {
		c.close()
		if derr := c.dial(context.Background()); derr != nil {
			c.conn = nil
		}
	}
	return status, body, err
}

func (c *httpConn) roundTrip(path, token string) (int, []byte, error) {
	c.buf = append(c.buf[:0], "POST "...)
	c.buf = append(c.buf, path...)
	c.buf = append(c.buf, " HTTP/1.1\r\nHost: "...)
	c.buf = append(c.buf, c.host...)
	c.buf = append(c.buf, "\r\nAuthorization: Bearer "...)
	c.buf = append(c.buf, token...)
	c.buf = append(c.buf, "\r\nContent-Length: 0\r\n\r\n"...)
	if c.conn == nil {
		if err := c.dial(context.Background()); err != nil {
			return 0, nil, err
		}
	}
	if _, err := c.conn.Write(c.buf); err != nil {
		return 0, nil, err
	}
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	for {
		h, err := c.br.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(h) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if length < 0 {
		return 0, nil, fmt.Errorf("answer without Content-Length (status %d)", status)
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	c.body = c.body[:length]
	if _, err := io.ReadFull(c.br, c.body); err != nil {
		return 0, nil, err
	}
	return status, c.body, nil
}
