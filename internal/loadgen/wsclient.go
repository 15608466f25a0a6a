package loadgen

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// wsConn is a minimal WebSocket client for load generation: one read goroutine reusing
// one buffer, no per-message allocation, so ten thousand viewers in one process cost the
// machine little and the server is what gets measured. It speaks just enough of RFC 6455
// for a siyu room: text frames, continuation, ping/pong and close.
type wsConn struct {
	conn net.Conn
	rd   *bufio.Reader
	wmu  sync.Mutex
	buf  []byte
}

// dialWS opens a WebSocket to rawURL (ws://host/path?query).
func dialWS(ctx context.Context, rawURL string) (*wsConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	var key [16]byte
	_, _ = rand.Read(key[:])
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(key[:]) + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		conn.Close()
		return nil, err
	}
	rd := bufio.NewReaderSize(conn, 4096)
	status, err := rd.ReadString('\n')
	if err != nil {
		conn.Close()
		return nil, err
	}
	if !strings.Contains(status, " 101 ") {
		conn.Close()
		return nil, fmt.Errorf("websocket upgrade refused: %s", strings.TrimSpace(status))
	}
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			conn.Close()
			return nil, err
		}
		if line == "\r\n" {
			break
		}
	}
	conn.SetDeadline(noDeadline)
	return &wsConn{conn: conn, rd: rd}, nil
}

var noDeadline time.Time

var errClosed = errors.New("websocket closed by the server")

// readMessage returns the next text or binary message; the slice is reused by the next
// call. Pings are answered, pongs skipped.
func (c *wsConn) readMessage() ([]byte, error) {
	c.buf = c.buf[:0]
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.rd, h[:]); err != nil {
			return nil, err
		}
		fin, op := h[0]&0x80 != 0, h[0]&0x0f
		n := int64(h[1] & 0x7f)
		switch n {
		case 126:
			var ext [2]byte
			if _, err := io.ReadFull(c.rd, ext[:]); err != nil {
				return nil, err
			}
			n = int64(binary.BigEndian.Uint16(ext[:]))
		case 127:
			var ext [8]byte
			if _, err := io.ReadFull(c.rd, ext[:]); err != nil {
				return nil, err
			}
			n = int64(binary.BigEndian.Uint64(ext[:]))
		}
		start := len(c.buf)
		if n > 16<<20 {
			return nil, fmt.Errorf("websocket frame of %d bytes is too large", n)
		}
		c.buf = slices.Grow(c.buf, int(n))[:start+int(n)]
		if _, err := io.ReadFull(c.rd, c.buf[start:]); err != nil {
			return nil, err
		}
		switch op {
		case 0x8:
			return nil, errClosed
		case 0x9:
			payload := append([]byte(nil), c.buf[start:]...)
			c.buf = c.buf[:start]
			if err := c.writeFrame(0xA, payload); err != nil {
				return nil, err
			}
			continue
		case 0xA:
			c.buf = c.buf[:start]
			continue
		}
		if fin {
			return c.buf, nil
		}
	}
}

// writeText sends one masked text frame; safe for concurrent use.
func (c *wsConn) writeText(p []byte) error { return c.writeFrame(0x1, p) }

func (c *wsConn) writeFrame(op byte, p []byte) error {
	frame := make([]byte, 0, len(p)+14)
	frame = append(frame, 0x80|op)
	switch {
	case len(p) < 126:
		frame = append(frame, 0x80|byte(len(p)))
	case len(p) <= 0xffff:
		frame = append(frame, 0x80|126, byte(len(p)>>8), byte(len(p)))
	default:
		frame = append(frame, 0x80|127)
		frame = binary.BigEndian.AppendUint64(frame, uint64(len(p)))
	}
	// A zero masking key is valid and leaves the payload as is.
	frame = append(frame, 0, 0, 0, 0)
	frame = append(frame, p...)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.conn.Write(frame)
	return err
}

// close sends a close frame and closes the socket.
func (c *wsConn) close() {
	_ = c.writeFrame(0x8, []byte{0x03, 0xe8})
	c.conn.Close()
}
