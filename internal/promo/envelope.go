package promo

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu"
)

// Red-envelope limits (ours): up to 1,000,000 yuan in up to 10,000 shares, open for one
// minute to one day.
const (
	MaxEnvelopeTotal    = 100_000_000
	MaxEnvelopeShares   = 10_000
	DefaultEnvelopeTTL  = 24 * time.Hour
	minEnvelopeTTL      = 60
	maxEnvelopeTTL      = 86400
	maxEnvelopeMessage  = 60
	ConditionNone       = "none"
	ConditionFollow     = "follow"
	ConditionShare      = "share"
	ConditionPassword   = "password"
	StatusOpen          = "open"
	StatusEmpty         = "empty"
	StatusExpired       = "expired"
	defaultEnvelopeNote = "恭喜发财，大吉大利"
)

// EnvelopeInput is the body of POST /api/v1/sessions/{id}/red-envelopes.
type EnvelopeInput struct {
	Total     int64  `json:"total"`               // fen, 1–100,000,000
	Count     int64  `json:"count"`               // shares, 1–10,000, at most total
	Mode      string `json:"mode"`                // random | fixed
	Condition string `json:"condition,omitempty"` // none (default) | follow
	// ExpiresInSeconds is how long it can be grabbed, 60–86400 (default one day); what
	// is left then is refunded.
	ExpiresInSeconds int64  `json:"expires_in_seconds,omitempty"`
	Message          string `json:"message,omitempty"` // greeting shown on the envelope
}

// check validates and normalises the input, naming the field at fault.
func (in *EnvelopeInput) check() error {
	if err := CheckShares(in.Total, in.Count, in.Mode, MaxEnvelopeTotal, MaxEnvelopeShares); err != nil {
		return err
	}
	switch in.Condition {
	case "":
		in.Condition = ConditionNone
	case ConditionNone, ConditionFollow:
	default:
		return siyu.Invalid("condition", `condition must be "none" or "follow", got %q`, in.Condition)
	}
	switch {
	case in.ExpiresInSeconds == 0:
		in.ExpiresInSeconds = int64(DefaultEnvelopeTTL / time.Second)
	case in.ExpiresInSeconds < minEnvelopeTTL || in.ExpiresInSeconds > maxEnvelopeTTL:
		return siyu.Invalid("expires_in_seconds", "expires_in_seconds must be between %d and %d, got %d",
			minEnvelopeTTL, maxEnvelopeTTL, in.ExpiresInSeconds)
	}
	msg, err := cleanText("message", in.Message, maxEnvelopeMessage)
	if err != nil {
		return err
	}
	if msg == "" {
		msg = defaultEnvelopeNote
	}
	in.Message = msg
	return nil
}

// cleanText trims s, drops control characters and bounds its length in runes.
func cleanText(field, s string, maxRunes int) (string, error) {
	if !utf8.ValidString(s) {
		return "", siyu.Invalid(field, "%s must be valid UTF-8", field)
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s))
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return "", siyu.Invalid(field, "%s must be at most %d characters, got %d", field, maxRunes, n)
	}
	return s, nil
}

// EnvelopeSummary is a red envelope without its grabs, as lists show it. Amounts are
// fen. At every moment total = sum(grabs) + remaining + refunded: remaining is what
// can still be grabbed (0 once empty or expired), refunded what expiry returned.
type EnvelopeSummary struct {
	ID             int64     `json:"id"`
	SessionID      int64     `json:"session_id"`
	Mode           string    `json:"mode"`
	Condition      string    `json:"condition"`
	Message        string    `json:"message"`
	Total          int64     `json:"total"`
	Count          int64     `json:"count"`
	Remaining      int64     `json:"remaining"`
	RemainingCount int64     `json:"remaining_count"`
	Grabbed        int64     `json:"grabbed"`
	GrabbedCount   int64     `json:"grabbed_count"`
	Refunded       int64     `json:"refunded"`
	Status         string    `json:"status"` // open | empty | expired
	RuleID         int64     `json:"rule_id,omitempty"`
	ExpiresAt      time.Time `json:"expires_at"`
	ClosedAt       time.Time `json:"closed_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
}

// Envelope is a red envelope with every acknowledged grab, in share order.
type Envelope struct {
	EnvelopeSummary
	Grabs []Grab `json:"grabs"`
	// MyAmount is what the calling viewer grabbed (viewer reads only; 0 if nothing).
	MyAmount int64 `json:"my_amount,omitempty"`
}

// Grab is one acknowledged grab.
type Grab struct {
	ViewerID  int64     `json:"viewer_id"`
	Nickname  string    `json:"nickname"`
	Amount    int64     `json:"amount"`
	GrabbedAt time.Time `json:"grabbed_at"`
}

// GrabResult is the answer to a successful grab.
type GrabResult struct {
	EnvelopeID int64 `json:"envelope_id"`
	Amount     int64 `json:"amount"`
}

// EnvelopeEvent is broadcast to the room when an envelope is sent.
type EnvelopeEvent struct {
	Type      string    `json:"type"` // red_envelope
	ID        int64     `json:"id"`
	Total     int64     `json:"total"`
	Count     int64     `json:"count"`
	Mode      string    `json:"mode"`
	Message   string    `json:"message"`
	Condition string    `json:"condition"`
	ExpiresAt time.Time `json:"expires_at"`
}

// EnvelopeEmptyEvent is broadcast when the last share was taken.
type EnvelopeEmptyEvent struct {
	Type string `json:"type"` // red_envelope_empty
	ID   int64  `json:"id"`
}
