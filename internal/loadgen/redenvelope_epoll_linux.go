package loadgen

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
)

// On Linux the viewers' sockets are read by a few epoll loops instead of a goroutine
// each: one read per readiness (no extra read that finds nothing before parking) and
// no goroutine switch per message. The load generator shares the machine's two cores
// with the server, so every microsecond it saves per grab is one the server gets —
// the same reason bench room uses a lean client.

// epollLoops reads the sockets of the viewers attached to it.
type epollLoops struct {
	once  sync.Once
	loops []*epollLoop
	next  atomic.Int64
	err   error
}

type epollLoop struct {
	epfd    int
	mu      sync.Mutex
	viewers map[int32]*wsViewer
}

var grabberLoops epollLoops

// attach hands the viewer's socket to an epoll loop: the descriptor is duplicated and
// the Go connection closed, so the runtime's poller no longer watches it; bytes the
// handshake reader already buffered are kept for the first parse.
func (v *wsViewer) attach() error {
	l, err := grabberLoops.pick()
	if err != nil {
		return err
	}
	tc, ok := v.conn.conn.(*net.TCPConn)
	if !ok {
		return errors.New("bench clients: not a TCP connection")
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return err
	}
	fd, derr := -1, error(nil)
	if err := raw.Control(func(s uintptr) { fd, derr = syscall.Dup(int(s)) }); err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	if n := v.conn.rd.Buffered(); n > 0 {
		b, _ := v.conn.rd.Peek(n)
		v.in = append(v.in[:0], b...)
	}
	v.conn.conn.Close() // our duplicate keeps the socket open
	v.fd = fd
	if len(v.in) > 0 && !v.parse() { // before the loop may read: v.in is the loop's from then on
		_ = syscall.Close(fd)
		return errClosed
	}
	l.mu.Lock()
	l.viewers[int32(fd)] = v
	l.mu.Unlock()
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}); err != nil {
		l.mu.Lock()
		delete(l.viewers, int32(fd))
		l.mu.Unlock()
		_ = syscall.Close(fd)
		return fmt.Errorf("bench clients: epoll: %w", err)
	}
	return nil
}

// pick starts the loops (one per core) on first use and spreads viewers over them.
func (ls *epollLoops) pick() (*epollLoop, error) {
	ls.once.Do(func() {
		for range max(1, runtime.GOMAXPROCS(0)) {
			epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
			if err != nil {
				ls.err = err
				return
			}
			l := &epollLoop{epfd: epfd, viewers: map[int32]*wsViewer{}}
			ls.loops = append(ls.loops, l)
			go l.run()
		}
	})
	if ls.err != nil {
		return nil, ls.err
	}
	return ls.loops[int(ls.next.Add(1))%len(ls.loops)], nil
}

func (l *epollLoop) run() {
	events := make([]syscall.EpollEvent, 512)
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.EpollWait(l.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			return
		}
		for _, ev := range events[:n] {
			l.mu.Lock()
			v := l.viewers[ev.Fd]
			l.mu.Unlock()
			if v != nil && !v.readable(buf) {
				_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, int(ev.Fd), nil)
				l.mu.Lock()
				delete(l.viewers, ev.Fd)
				l.mu.Unlock()
			}
		}
	}
}

// readable reads what the socket has and handles every complete frame; false when the
// socket is finished.
func (v *wsViewer) readable(buf []byte) bool {
	n, err := syscall.Read(v.fd, buf)
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return true
	}
	if n <= 0 {
		if err == nil {
			err = errClosed
		}
		v.fail(fmt.Errorf("room socket: %w", err))
		return false
	}
	v.in = append(v.in, buf[:n]...)
	return v.parse()
}

// parse handles the complete server frames in v.in (unmasked, as a server sends them)
// and keeps the rest; false once the server closed the connection.
func (v *wsViewer) parse() bool {
	p := v.in
	for len(p) >= 2 {
		op, size, hdr := p[0]&0x0f, int(p[1]&0x7f), 2
		switch size {
		case 126:
			if len(p) < 4 {
				break
			}
			size, hdr = int(binary.BigEndian.Uint16(p[2:4])), 4
		case 127:
			if len(p) < 10 {
				break
			}
			size, hdr = int(binary.BigEndian.Uint64(p[2:10])), 10
		}
		if (size == 126 && hdr == 2) || (size == 127 && hdr == 2) || len(p) < hdr+size {
			break // the rest of the frame is still on its way
		}
		payload := p[hdr : hdr+size]
		p = p[hdr+size:]
		switch op {
		case 0x8:
			v.fail(errClosed)
			return false
		case 0x9:
			_ = v.writeControl(0xA, payload)
		case 0x1, 0x2:
			v.message(payload)
		}
	}
	v.in = append(v.in[:0], p...)
	return true
}

// writeControl sends a masked control frame (a pong).
func (v *wsViewer) writeControl(op byte, payload []byte) error {
	if len(payload) > 125 {
		payload = payload[:125]
	}
	frame := append([]byte{0x80 | op, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.writeFD(frame)
}

// writeFD sends b on the viewer's own descriptor. A small frame on a socket that is
// being read fits its buffer, so a full buffer is only waited out briefly.
func (v *wsViewer) writeFD(b []byte) error {
	for spins := 0; len(b) > 0; {
		n, err := syscall.Write(v.fd, b)
		switch {
		case err == syscall.EAGAIN || err == syscall.EINTR:
			if spins++; spins > 1000 {
				return errors.New("room socket: send buffer full")
			}
			runtime.Gosched()
		case err != nil:
			return err
		default:
			b = b[n:]
		}
	}
	return nil
}

func (v *wsViewer) closeFD() { _ = syscall.Close(v.fd) }
