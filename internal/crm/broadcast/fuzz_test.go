package broadcast_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/broadcast"
)

// FuzzDecodeJoin: the landing page's body is public input; whatever arrives, decoding
// answers a bounded input or an invalid error, never a panic or an overlong nickname.
func FuzzDecodeJoin(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"viewer_token":"sv_ab"}`, `{"nickname":"小美"}`, `{"nickname":"` + strings.Repeat("长", 40) + `"}`,
		`{"x":1}`, `[1]`, `{"nickname":"\xff"}`, `{"viewer_token":"` + strings.Repeat("a", 200) + `"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, err := broadcast.DecodeJoin(strings.NewReader(body))
		if err != nil {
			if siyu.ErrorCode(err) != siyu.EINVALID {
				t.Fatalf("%q: %v is not invalid", body, err)
			}
			return
		}
		if len(in.ViewerToken) > 100 || len([]rune(in.Nickname)) > 30 {
			t.Fatalf("%q decoded to an unbounded %+v", body, in)
		}
	})
}

// FuzzValidToken: only 20 URL-safe base64 characters pass, so any other path segment
// is not found without touching the store.
func FuzzValidToken(f *testing.F) {
	for _, s := range []string{"", "abcdefghijklmnopqrst", "abcdefghijklmnopqrs/", "ääääääääää", "AAAAAAAAAAAAAAAAAAAA-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if broadcast.ValidToken(s) && (len(s) != 20 || strings.ContainsAny(s, "/?#%. ")) {
			t.Fatalf("%q accepted", s)
		}
	})
}
