package room_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/room"
)

// FuzzClientMessage: no frame panics the decoder, every bad frame is an invalid error
// (an error event for the client, never an internal error), and what is accepted is
// within the documented limits.
func FuzzClientMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"comment","text":"大家好"}`, `{"type":"like","count":5}`, `{"type":"like","count":1e3}`,
		`{"type":"gift","gift_id":1,"count":2}`, `{"type":"share"}`, `{"type":"follow"}`, `{"type":"mic_request"}`,
		`{"type":"mic_approve","viewer_id":3}`, `{"type":"ping"}`, `{"type":"comment","text":"\u0000\u202e"}`,
		`{"type":"like","count":-5}`, `{"type":"gift","gift_id":"x"}`, `[]`, `null`, `{"type":1}`, `{"type":"comment","text":null}`,
		"{\"type\":\"comment\",\"text\":\"\xff\xfe\"}", `{"type":"like","count":9223372036854775808}`, ``, `{`,
		`{"type":"grab","envelope_id":7,"ref":"g-1"}`, `{"type":"grab","envelope_id":7}`, `{"type":"grab","envelope_id":0}`,
		`{"type":"grab","envelope_id":7,"ref":"a\"b"}`, `{"type":"grab","envelope_id":"7"}`, `{"type":"grab","ref":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := room.DecodeClient(data)
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorMessage(err) == "internal error" {
				t.Fatalf("%q: error %v is not an invalid-input error", data, err)
			}
			return
		}
		switch m.Type {
		case room.MsgComment:
			n := utf8.RuneCountInString(m.Text)
			if n < 1 || n > room.MaxCommentRunes || !utf8.ValidString(m.Text) || strings.IndexFunc(m.Text, unicode.IsControl) >= 0 {
				t.Fatalf("%q: accepted comment %q", data, m.Text)
			}
		case room.MsgLike:
			if m.Count < 1 || m.Count > room.MaxLikesPerMessage {
				t.Fatalf("%q: like count %d", data, m.Count)
			}
		case room.MsgGift:
			if m.GiftID < 1 || m.Count < 1 || m.Count > room.MaxGiftsPerMessage {
				t.Fatalf("%q: gift %+v", data, m)
			}
		case room.MsgMicApprove, room.MsgMicRefuse:
			if m.ViewerID < 1 {
				t.Fatalf("%q: viewer %d", data, m.ViewerID)
			}
		case room.MsgGrab:
			if m.EnvelopeID < 1 || len(m.Ref) > room.MaxRefBytes || strings.ContainsAny(m.Ref, "\"\\<>{} ") ||
				strings.IndexFunc(m.Ref, unicode.IsControl) >= 0 {
				t.Fatalf("%q: grab %+v", data, m)
			}
		case room.MsgShare, room.MsgFollow, room.MsgMicRequest, room.MsgMicCancel, room.MsgPing:
		default:
			t.Fatalf("%q: accepted unknown type %q", data, m.Type)
		}
	})
}
