package room_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/room"
)

// heldGrabber records grabs and answers only when the test says so, like a grab
// waiting for its group commit.
type heldGrabber struct {
	mu    sync.Mutex
	calls []heldGrab
	seen  chan heldGrab
}

type heldGrab struct {
	m        room.Member
	envelope int64
	reply    func(int64, error)
}

func (g *heldGrabber) GrabInRoom(m room.Member, envelopeID int64, reply func(int64, error)) {
	h := heldGrab{m: m, envelope: envelopeID, reply: reply}
	g.mu.Lock()
	g.calls = append(g.calls, h)
	g.mu.Unlock()
	g.seen <- h
}

func (g *heldGrabber) next(t *testing.T) heldGrab {
	t.Helper()
	select {
	case h := <-g.seen:
		return h
	case <-time.After(5 * time.Second):
		t.Fatal("the grab never reached the grabber")
		return heldGrab{}
	}
}

// TestGrabOverWebSocket: a viewer's grab reaches the grabber as that viewer, its answer
// comes only once the grabber replies (the commit), to that connection alone, with the
// ref echoed; while it waits, the connection and the room carry on.
func TestGrabOverWebSocket(t *testing.T) {
	e := newEnv(t, room.Options{})
	g := &heldGrabber{seen: make(chan heldGrab, 16)}
	e.svc().SetGrabber(g)
	id, tok := e.viewer("抢红包的")
	_, otherTok := e.viewer("旁观的")
	c, other := e.dial(tok), e.dial(otherTok)
	c.waitFor("welcome", nil)
	other.waitFor("welcome", nil)

	c.send(map[string]any{"type": "grab", "envelope_id": 42, "ref": "g-1"})
	h := g.next(t)
	if h.envelope != 42 || h.m.ViewerID != id || h.m.Role != room.RoleViewer || h.m.SessionID != e.session {
		t.Fatalf("grabber got envelope %d for %+v", h.envelope, h.m)
	}
	// Not committed yet: no answer, and the connection is not stuck waiting for one.
	c.comment("还在等红包")
	c.waitFor("comment", textIs("还在等红包"))
	if ev, err := c.tryWait("grab_result", nil, 100*time.Millisecond); err == nil {
		t.Fatalf("answered before the commit: %v", ev)
	}
	h.reply(888, nil)
	res := c.waitFor("grab_result", nil)
	if num(res, "envelope_id") != 42 || num(res, "amount") != 888 || res["ref"] != "g-1" || res["error"] != nil {
		t.Fatalf("grab_result %v", res)
	}

	// A refusal carries the code; without a ref none is echoed.
	c.send(map[string]any{"type": "grab", "envelope_id": 42})
	g.next(t).reply(0, siyu.Errorf("already_grabbed", "you have already grabbed red envelope 42"))
	res = c.waitFor("grab_result", nil)
	errObj, _ := res["error"].(map[string]any)
	if errObj["code"] != "already_grabbed" || errObj["message"] == "" || res["amount"] != nil || res["ref"] != nil {
		t.Fatalf("refused grab_result %v", res)
	}
	// Internal failures are not shown.
	c.send(map[string]any{"type": "grab", "envelope_id": 43, "ref": "x"})
	g.next(t).reply(0, errTest)
	res = c.waitFor("grab_result", nil)
	if errObj, _ := res["error"].(map[string]any); errObj["code"] != "internal" || errObj["message"] != "internal error" {
		t.Fatalf("internal failure shown as %v", res)
	}
	// A long answer (a frame with a 16-bit length) arrives whole, its message escaped.
	long := "\"引号\" back\\slash\n\x01\u2028 " + strings.Repeat("红包", 100)
	c.send(map[string]any{"type": "grab", "envelope_id": 44, "ref": strings.Repeat("r", room.MaxRefBytes)})
	g.next(t).reply(0, siyu.Errorf("empty", "%s\xff", long)) // invalid UTF-8 arrives as U+FFFD
	res = c.waitFor("grab_result", nil)
	if errObj, _ := res["error"].(map[string]any); errObj["message"] != long+"\ufffd" || res["ref"] != strings.Repeat("r", room.MaxRefBytes) {
		t.Fatalf("long grab_result %v", res)
	}
	if ev, err := other.tryWait("grab_result", nil, 100*time.Millisecond); err == nil {
		t.Fatalf("another viewer saw the grab's answer: %v", ev)
	}
}

var errTest = errString("disk on fire")

type errString string

func (e errString) Error() string { return string(e) }

// TestGrabRefusedBeforeTheGrabber: staff cannot grab, bad fields are invalid errors
// naming the field, and a node without a grabber says so; none reaches a grabber.
func TestGrabRefusedBeforeTheGrabber(t *testing.T) {
	e := newEnv(t, room.Options{})
	_, tok := e.viewer("观众")
	c := e.dial(tok)
	c.waitFor("welcome", nil)
	c.send(map[string]any{"type": "grab", "envelope_id": 1, "ref": "r"})
	res := c.waitFor("grab_result", nil)
	if errObj, _ := res["error"].(map[string]any); errObj["code"] != "unavailable" || res["ref"] != "r" {
		t.Fatalf("without a grabber: %v", res)
	}

	g := &heldGrabber{seen: make(chan heldGrab, 16)}
	e.svc().SetGrabber(g)
	host := e.dial(e.hostToken)
	host.waitFor("welcome", nil)
	host.send(map[string]any{"type": "grab", "envelope_id": 1})
	res = host.waitFor("grab_result", nil)
	if errObj, _ := res["error"].(map[string]any); errObj["code"] != "forbidden" {
		t.Fatalf("staff grab: %v", res)
	}
	for _, bad := range []struct {
		msg   map[string]any
		field string
	}{
		{map[string]any{"type": "grab"}, "envelope_id"},
		{map[string]any{"type": "grab", "envelope_id": 0}, "envelope_id"},
		{map[string]any{"type": "grab", "envelope_id": "7"}, "envelope_id"},
		{map[string]any{"type": "grab", "envelope_id": 7, "ref": ""}, "ref"},
		{map[string]any{"type": "grab", "envelope_id": 7, "ref": "a\"b"}, "ref"},
		{map[string]any{"type": "grab", "envelope_id": 7, "ref": string(make([]byte, room.MaxRefBytes+1))}, "ref"},
	} {
		c.send(bad.msg)
		ev := c.waitFor("error", nil)
		if ev["code"] != "invalid" || ev["field"] != bad.field {
			t.Fatalf("%v: error %v, want invalid %s", bad.msg, ev, bad.field)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.calls) != 0 {
		t.Fatalf("refused grabs reached the grabber: %+v", g.calls)
	}
}

// FuzzGrabDecoding: DecodeClient reads a grab (by its fast path or the general one)
// exactly as a JSON decoder does: the same envelope id and ref, and a grab is refused
// only for a reason the protocol states.
func FuzzGrabDecoding(f *testing.F) {
	for _, s := range []string{
		`{"type":"grab","envelope_id":7}`, `{"type":"grab","envelope_id":7,"ref":"g-1"}`, `{"type":"grab","envelope_id":0}`,
		`{"type":"grab","envelope_id":07}`, `{"type":"grab","envelope_id":9007199254740993}`, `{"type":"grab","envelope_id":7,"ref":""}`,
		`{"type":"grab","envelope_id":7,"ref":"a\"}`, `{"type":"grab","envelope_id":7,"ref":"x"}}`, `{"type":"grab","envelope_id":7 }`,
		`{"type":"grab","envelope_id":7,"ref":"a","type":"like"}`, `{"type":"grab","envelope_id":1e3}`,
		`{"type":"grab","envelope_id":7,"ref":"\u0041"}`, `{"type":"grab","envelope_id":7,"ref":"a","envelope_id":8}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := room.DecodeClient(data)
		var ref struct {
			Type       string  `json:"type"`
			EnvelopeID float64 `json:"envelope_id"`
			Ref        *string `json:"ref"`
		}
		jsonErr := json.Unmarshal(data, &ref)
		if err != nil || m.Type != room.MsgGrab {
			return
		}
		if jsonErr != nil || ref.Type != room.MsgGrab || int64(ref.EnvelopeID) != m.EnvelopeID || (ref.Ref == nil) != (m.Ref == "") ||
			(ref.Ref != nil && *ref.Ref != m.Ref) {
			t.Fatalf("%q decoded as grab %d %q; a JSON decoder reads %+v (%v)", data, m.EnvelopeID, m.Ref, ref, jsonErr)
		}
	})
}

// BenchmarkDecodeGrab: a storm decodes one grab per grab.
func BenchmarkDecodeGrab(b *testing.B) {
	data := []byte(`{"type":"grab","envelope_id":123456,"ref":"42"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := room.DecodeClient(data); err != nil {
			b.Fatal(err)
		}
	}
}
