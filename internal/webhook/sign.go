package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names on every delivery, exported so receivers (and our tests) do not repeat
// the literals.
const (
	SignatureHeader = "Siyu-Signature"
	EventHeader     = "Siyu-Event"
	DeliveryHeader  = "Siyu-Delivery"
)

// DefaultTolerance is how far a signature timestamp may be from the receiver's clock
// when Verify is given no tolerance: long enough for clock skew and a slow network,
// short enough that a captured request cannot be replayed later.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns, so receivers can tell a malformed header from a forgery from
// a replay.
var (
	ErrMalformedSignature = errors.New("webhook: malformed " + SignatureHeader + " header")
	ErrSignatureMismatch  = errors.New("webhook: no signature matches the body")
	ErrSignatureExpired   = errors.New("webhook: signature timestamp outside the tolerance")
)

// Sign returns the Siyu-Signature header value for body sent at timestamp (unix
// seconds): "t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<body>">", keyed with the whole
// endpoint secret (including its "whsec_" prefix). Signing the timestamp with the body
// lets receivers reject replays.
func Sign(secret string, timestamp int64, body []byte) string {
	return fmt.Sprintf("t=%d,v1=%s", timestamp, hex.EncodeToString(mac(secret, timestamp, body)))
}

func mac(secret string, timestamp int64, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(strconv.FormatInt(timestamp, 10)))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a Siyu-Signature header against body and secret, for receivers and
// tests. It accepts any of several v1 values (so a sender may sign with an old and a
// new secret during rotation), compares in constant time, and rejects timestamps more
// than tolerance away from now (DefaultTolerance when tolerance <= 0).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts int64
	var haveTS bool
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrMalformedSignature
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrMalformedSignature
			}
			ts, haveTS = n, true
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil {
				return ErrMalformedSignature
			}
			sigs = append(sigs, b)
		}
	}
	if !haveTS || len(sigs) == 0 {
		return ErrMalformedSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureExpired
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
