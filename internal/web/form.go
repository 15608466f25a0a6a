package web

import (
	"net/url"
	"slices"

	"github.com/siyu-live/siyu"
)

// form carries what the user typed and the error for each field back into a page, so
// a rejected form comes back filled in with the message next to the field at fault.
type form struct {
	Values url.Values
	Errors map[string]string
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string]string{}}
}

// Get returns the typed value of a field.
func (f *form) Get(name string) string { return f.Values.Get(name) }

// Err returns the message for a field ("" for the form as a whole).
func (f *form) Err(name string) string { return f.Errors[name] }

// Checked reports whether a checkbox named name with value v was ticked.
func (f *form) Checked(name, v string) bool { return slices.Contains(f.Values[name], v) }

// HasErrors reports whether any message is set.
func (f *form) HasErrors() bool { return len(f.Errors) > 0 }

// fail records err against the field it names, or against the whole form when that
// field is not on this form.
func (f *form) fail(c *Console, lang, scope string, err error, fields ...string) {
	field := siyu.ErrorField(err)
	if !slices.Contains(fields, field) {
		field = ""
	}
	f.Errors[field] = c.errText(lang, scope, err)
}
