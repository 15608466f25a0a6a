package apptest

import (
	"strings"
	"testing"
)

// Scenario is one request and what a client must see: later issues add rows to their
// tables instead of writing new test functions for every status code.
type Scenario struct {
	Name   string
	Method string
	Path   string
	Token  string
	Body   any
	Status int
	Code   string   // error.code, when an error is expected
	Field  string   // error.field, when an invalid error is expected
	Has    []string // substrings the body must contain
	Lacks  []string // substrings the body must not contain
}

// Run executes scenarios in order (they may depend on each other) and reports every
// mismatch with the answer body.
func (a *App) Run(t *testing.T, scenarios []Scenario) {
	t.Helper()
	for _, s := range scenarios {
		r := a.Do(s.Method, s.Path, s.Token, s.Body)
		name := s.Name
		if name == "" {
			name = s.Method + " " + s.Path
		}
		if r.Status != s.Status {
			t.Errorf("%s: status %d, want %d; body %s", name, r.Status, s.Status, r.Body)
			continue
		}
		if s.Code != "" && r.ErrorCode() != s.Code {
			t.Errorf("%s: error code %q, want %q; body %s", name, r.ErrorCode(), s.Code, r.Body)
		}
		if s.Field != "" && r.ErrorField() != s.Field {
			t.Errorf("%s: error field %q, want %q; body %s", name, r.ErrorField(), s.Field, r.Body)
		}
		for _, h := range s.Has {
			if !strings.Contains(string(r.Body), h) {
				t.Errorf("%s: body lacks %q: %s", name, h, r.Body)
			}
		}
		for _, l := range s.Lacks {
			if strings.Contains(string(r.Body), l) {
				t.Errorf("%s: body contains %q: %s", name, l, r.Body)
			}
		}
	}
}
