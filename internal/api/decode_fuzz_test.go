package api_test

import (
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/api"
	"github.com/siyu-live/siyu/internal/org"
)

// FuzzDecodeBody feeds arbitrary bytes to the JSON request decoder: it must never panic,
// and every rejection must be a user-facing invalid (or too-large) error, never internal.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"name":"x","owner_email":"a@b.io","owner_password":"12345678"}`,
		`{"name":1}`, `{"unknown":true}`, `[]`, `null`, `{`, `{"name":"\u0000"}`, `{} {}`,
		`{"role":"owner","disabled":"yes"}`, `{"name":"` + "\xff\xfe" + `"}`, `  `, `{"events":[1,2]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{&org.SignupInput{}, &org.StaffInput{}, &org.StaffUpdate{}, &api.LoginInput{}, &map[string]any{}}
		for _, dst := range targets {
			err := api.DecodeBody(body, dst)
			if err != nil && siyu.ErrorCode(err) != siyu.EINVALID {
				t.Fatalf("decode %q into %T: code %s (%v), want invalid", body, dst, siyu.ErrorCode(err), err)
			}
			if err != nil && siyu.ErrorMessage(err) == "" {
				t.Fatalf("decode %q: empty message", body)
			}
		}
	})
}
