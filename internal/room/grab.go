package room

import (
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Red-envelope grabs over the room's WebSocket. A viewer in the room is already
// connected and authenticated, so a grab sent as {"type":"grab","envelope_id":N,
// "ref":"…"} costs the server one small frame each way instead of an HTTP request
// with its headers and token check. The answer goes to that connection alone, through
// its normal outbound queue, and only once the grab is committed — the same promise as
// the HTTP 200:
//
//	{"type":"grab_result","envelope_id":N,"ref":"…","amount":A}
//	{"type":"grab_result","envelope_id":N,"ref":"…","error":{"code":"already_grabbed","message":"…"}}
//
// Neither the room's hub nor the connection's read loop waits for the commit: the
// grabber calls back when the answer is known.

// MaxRefBytes bounds the client's ref, the tag a grab_result echoes so a page can match
// answers to grabs. A ref is 1–64 ASCII letters, digits and - _ . :
const MaxRefBytes = 64

// EnvelopeGrabber takes the grabs viewers send over the socket. The promo service
// implements it; the server wires it with SetGrabber, so the room does not import the
// domain. GrabInRoom must not block: it calls reply exactly once, from any goroutine,
// after the grab is committed or with its refusal (a *siyu.Error such as empty,
// already_grabbed, expired, not_found).
type EnvelopeGrabber interface {
	GrabInRoom(m Member, envelopeID int64, reply func(amount int64, err error))
}

// grabbers holds each Service's grabber. It lives beside the Service rather than in it
// so this feature stays in this file; one entry per Service for the process's life.
var grabbers sync.Map // *Service → EnvelopeGrabber

// SetGrabber wires the red-envelope grabber in after both are built (the promo service
// is built after the rooms); call it before Start. Without one, a grab is answered
// with error unavailable.
func (s *Service) SetGrabber(g EnvelopeGrabber) {
	if g == nil {
		grabbers.Delete(s)
		return
	}
	grabbers.Store(s, g)
}

func (s *Service) grabber() EnvelopeGrabber {
	g, _ := grabbers.Load(s)
	eg, _ := g.(EnvelopeGrabber)
	return eg
}

// decodeGrab validates the fields of a grab message for DecodeClient.
func decodeGrab(envelope json.RawMessage, ref *string) (int64, string, error) {
	id, err := intField(envelope, "envelope_id", 0, 1, 1<<53)
	if err != nil || ref == nil {
		return id, "", err
	}
	r := *ref
	if len(r) == 0 || len(r) > MaxRefBytes {
		return 0, "", siyu.Invalid("ref", "ref must be 1 to %d characters", MaxRefBytes)
	}
	for i := 0; i < len(r); i++ {
		if !refByte(r[i]) {
			return 0, "", siyu.Invalid("ref", "ref may hold only ASCII letters, digits and - _ . :")
		}
	}
	return id, r, nil
}

// decodeGrabFast decodes a grab in the exact form pages and the bench send,
// {"type":"grab","envelope_id":N} or {"type":"grab","envelope_id":N,"ref":"…"}, without
// the reflection of encoding/json (a grab storm decodes one per grab). Anything else —
// other spacing, order or fields, escapes, out-of-range ids — reports false and takes
// the general path, which decides the same (FuzzGrabDecoding checks it).
func decodeGrabFast(data []byte) (ClientMessage, bool) {
	const head = `{"type":"grab","envelope_id":`
	if len(data) <= len(head) || string(data[:len(head)]) != head {
		return ClientMessage{}, false
	}
	rest := data[len(head):]
	var id int64
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		if n == 16 {
			return ClientMessage{}, false
		}
		id = id*10 + int64(rest[n]-'0')
		n++
	}
	if n == 0 || rest[0] == '0' || id > 1<<53 {
		return ClientMessage{}, false
	}
	rest = rest[n:]
	m := ClientMessage{Type: MsgGrab, EnvelopeID: id}
	if len(rest) == 1 && rest[0] == '}' {
		return m, true
	}
	const refKey = `,"ref":"`
	if len(rest) < len(refKey)+3 || string(rest[:len(refKey)]) != refKey || string(rest[len(rest)-2:]) != `"}` {
		return ClientMessage{}, false
	}
	ref := rest[len(refKey) : len(rest)-2]
	if len(ref) == 0 || len(ref) > MaxRefBytes {
		return ClientMessage{}, false
	}
	for _, b := range ref {
		if !refByte(b) {
			return ClientMessage{}, false
		}
	}
	m.Ref = string(ref)
	return m, true
}

func refByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.' || b == ':'
}

// grab hands a viewer's grab to the grabber; the answer is queued to this connection
// when it comes, whatever goroutine it comes on.
func (c *conn) grab(msg ClientMessage) {
	id, ref := msg.EnvelopeID, msg.Ref
	answer := func(amount int64, err error) {
		if err != nil && siyu.ErrorCode(err) == siyu.EINTERNAL {
			c.hub.svc.log.Error("room: grab failed", "session", c.hub.id, "envelope", id, "err", err)
		}
		c.send(grabFrame(id, ref, amount, err))
	}
	if c.staff || c.m.ViewerID == 0 {
		answer(0, siyu.Errorf(siyu.EFORBIDDEN, "only viewers grab red envelopes"))
		return
	}
	g := c.hub.svc.grabber()
	if g == nil {
		answer(0, siyu.Errorf("unavailable", "red envelopes cannot be grabbed on this server"))
		return
	}
	g.GrabInRoom(c.m, id, answer)
}

// grabFrame encodes a grab_result as a text frame in one allocation: the payload is
// written after room for the longest header a frame this size needs (4 bytes), and
// the header goes right before it.
func grabFrame(id int64, ref string, amount int64, err error) *frame {
	b := appendGrabResult(make([]byte, 4, 4+128), id, ref, amount, err)
	n := len(b) - 4
	if n <= 125 {
		b[2], b[3] = 0x81, byte(n)
		return &frame{data: b[2:]}
	}
	if n > 0xFFFF {
		return newFrame(b[4:]) // not for a grab_result, but stay correct
	}
	b[0], b[1], b[2], b[3] = 0x81, 126, byte(n>>8), byte(n)
	return &frame{data: b}
}

// appendGrabResult encodes a grab_result event. It is written by hand because a storm
// encodes one per grab; ref needs no escaping (decodeGrab admits only safe bytes).
func appendGrabResult(b []byte, id int64, ref string, amount int64, err error) []byte {
	b = append(b, `{"type":"grab_result","envelope_id":`...)
	b = strconv.AppendInt(b, id, 10)
	if ref != "" {
		b = append(b, `,"ref":"`...)
		b = append(b, ref...)
		b = append(b, '"')
	}
	if err == nil {
		b = append(b, `,"amount":`...)
		b = strconv.AppendInt(b, amount, 10)
		return append(b, '}')
	}
	b = append(b, `,"error":{"code":`...)
	b = appendJSONString(b, siyu.ErrorCode(err))
	b = append(b, `,"message":`...)
	b = appendJSONString(b, siyu.ErrorMessage(err))
	return append(b, "}}"...)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced, everything else as is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
		}
	}
	return append(b, '"')
}
