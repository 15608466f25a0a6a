package room

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Client message types (CONTRACT.md plus ours). Every message is one JSON object with
// "type"; unknown fields are ignored so that newer pages work with older nodes.
const (
	MsgComment    = "comment"     // {text}
	MsgLike       = "like"        // {count} 1–MaxLikesPerMessage, default 1
	MsgGift       = "gift"        // {gift_id, count?}
	MsgShare      = "share"       // {}
	MsgFollow     = "follow"      // {}
	MsgMicRequest = "mic_request" // viewer asks to go on mic (上麦)
	MsgMicCancel  = "mic_cancel"  // viewer withdraws the request
	MsgMicApprove = "mic_approve" // staff: {viewer_id}
	MsgMicRefuse  = "mic_refuse"  // staff: {viewer_id}
	MsgPing       = "ping"        // answered with {"type":"pong"}
	MsgGrab       = "grab"        // viewer: {envelope_id, ref?}, answered grab_result once committed (grab.go)
)

// Limits of client input.
const (
	MaxCommentRunes    = 300  // runes of a comment after control characters are stripped
	MaxLikesPerMessage = 100  // a larger like count is capped, not refused
	MaxGiftsPerMessage = 99   // gift count per message
	MaxMessageBytes    = 4096 // a larger frame closes the connection (1009)
)

// ClientMessage is a decoded, validated client frame.
type ClientMessage struct {
	Type     string
	Text     string // comment text, control characters stripped, 1–300 runes
	Count    int    // likes (1–100) or gifts (1–99)
	GiftID   int64
	ViewerID int64 // mic decisions by staff
	// EnvelopeID and Ref: a red-envelope grab and the client's tag echoed in its answer.
	EnvelopeID int64
	Ref        string
}

type rawClient struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	Count    json.RawMessage `json:"count"`
	GiftID   json.RawMessage `json:"gift_id"`
	ViewerID json.RawMessage `json:"viewer_id"`
	Envelope json.RawMessage `json:"envelope_id"`
	Ref      *string         `json:"ref"`
}

// DecodeClient parses one client frame. Every failure is a *siyu.Error with code
// invalid naming the field, which the connection turns into an error event: bad input
// from a browser is never an internal error and never closes the room.
func DecodeClient(data []byte) (ClientMessage, error) {
	if m, ok := decodeGrabFast(data); ok {
		return m, nil // the hot message of a red-envelope storm (grab.go)
	}
	var raw rawClient
	if len(bytes.TrimSpace(data)) == 0 || bytes.TrimSpace(data)[0] != '{' {
		return ClientMessage{}, siyu.Errorf(siyu.EINVALID, "a message must be one JSON object with a type")
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return ClientMessage{}, siyu.Invalid(te.Field, "%s has the wrong type", te.Field)
		}
		return ClientMessage{}, siyu.Errorf(siyu.EINVALID, "a message must be one JSON object with a type")
	}
	m := ClientMessage{Type: raw.Type}
	var err error
	switch raw.Type {
	case MsgComment:
		if raw.Text == nil {
			return m, siyu.Invalid("text", "text is required")
		}
		m.Text, err = CleanComment(*raw.Text)
	case MsgLike:
		var n int64
		if n, err = intField(raw.Count, "count", 1, 0, 1<<31); err == nil {
			m.Count = int(min(n, MaxLikesPerMessage))
			if m.Count < 1 {
				err = siyu.Invalid("count", "count must be at least 1")
			}
		}
	case MsgGift:
		if m.GiftID, err = intField(raw.GiftID, "gift_id", 0, 1, 1<<53); err == nil {
			var n int64
			n, err = intField(raw.Count, "count", 1, 1, MaxGiftsPerMessage)
			m.Count = int(n)
		}
	case MsgMicApprove, MsgMicRefuse:
		m.ViewerID, err = intField(raw.ViewerID, "viewer_id", 0, 1, 1<<53)
	case MsgGrab:
		m.EnvelopeID, m.Ref, err = decodeGrab(raw.Envelope, raw.Ref)
	case MsgShare, MsgFollow, MsgMicRequest, MsgMicCancel, MsgPing:
	case "":
		err = siyu.Invalid("type", "type is required")
	default:
		err = siyu.Invalid("type", "unknown message type %.40q", raw.Type)
	}
	return m, err
}

// intField reads an optional integer field; def applies when it is absent or null.
func intField(raw json.RawMessage, field string, def, lo, hi int64) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		if def == 0 {
			return 0, siyu.Invalid(field, "%s is required", field)
		}
		return def, nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, siyu.Invalid(field, "%s must be an integer", field)
	}
	if n < lo || n > hi {
		return 0, siyu.Invalid(field, "%s must be between %d and %d", field, lo, hi)
	}
	return n, nil
}

// CleanComment strips control characters (and invalid UTF-8) and surrounding space,
// then checks the length: 1–MaxCommentRunes runes.
func CleanComment(s string) (string, error) {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", siyu.Invalid("text", "text must not be empty")
	case n > MaxCommentRunes:
		return "", siyu.Invalid("text", "text must be at most %d characters, got %d", MaxCommentRunes, n)
	}
	return s, nil
}
