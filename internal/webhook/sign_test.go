package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/webhook"
)

func TestSignVerify(t *testing.T) {
	t.Parallel()
	secret, body, ts := "whsec_abc", []byte(`{"id":"evt_1"}`), int64(1748779200)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(`1748779200.{"id":"evt_1"}`))
	want := "t=1748779200,v1=" + hex.EncodeToString(m.Sum(nil))
	if got := webhook.Sign(secret, ts, body); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	now := time.Unix(ts, 0).Add(time.Minute)
	if err := webhook.Verify(secret, want, body, now, 0); err != nil {
		t.Fatal(err)
	}
	// Several signatures (secret rotation): any match is enough.
	rotated := webhook.Sign("whsec_old", ts, body) + "," + want[len("t=1748779200,"):]
	if err := webhook.Verify(secret, rotated, body, now, 0); err != nil {
		t.Fatalf("rotation header %s: %v", rotated, err)
	}
	if err := webhook.Verify(secret, want, body, time.Unix(ts, 0).Add(-6*time.Minute), 0); !errors.Is(err, webhook.ErrSignatureExpired) {
		t.Fatalf("future timestamp: %v", err)
	}
	for _, h := range []string{"", "v1=00", "t=1748779200", "t=x,v1=00", "t=1748779200,v1=zz", "garbage"} {
		if err := webhook.Verify(secret, h, body, now, 0); !errors.Is(err, webhook.ErrMalformedSignature) {
			t.Errorf("header %q: %v, want malformed", h, err)
		}
	}
}
