package script_test

import (
	"strings"
	"testing"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
	"github.com/siyu-live/siyu/internal/crm/script"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// env is one brand ("山野茶舍") with an owner, a host (customers.view only) and a KOS
// (inbox.reply), the CRM for customers, and the script library.
type env struct {
	*crmtest.Env
	lib  *script.Service
	host org.Principal
	kos  org.Principal
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	e := &env{Env: crmtest.New(t, store)}
	e.NewCRM(crm.Options{})
	e.lib = script.NewService(store, script.Options{Now: e.Clock.Now})
	e.Owner = e.Signup("山野茶舍")
	e.host = e.Staff("host", org.RoleHost)
	e.kos = e.Staff("kos", org.RoleKOS)
	return e
}

func (e *env) category(p org.Principal, name string) script.Category {
	e.T.Helper()
	c, err := e.lib.CreateCategory(e.Ctx, p, script.CategoryInput{Name: name})
	if err != nil {
		e.T.Fatal(err)
	}
	return c
}

func (e *env) script(p org.Principal, in script.Input) script.Script {
	e.T.Helper()
	s, err := e.lib.Create(e.Ctx, p, in)
	if err != nil {
		e.T.Fatal(err)
	}
	return s
}

// wantErr fails unless err has code and its message mentions every part.
func wantErr(t *testing.T, what string, err error, code string, parts ...string) {
	t.Helper()
	if siyu.ErrorCode(err) != code {
		t.Errorf("%s: error %v, want %s", what, err, code)
		return
	}
	for _, p := range parts {
		if !strings.Contains(siyu.ErrorMessage(err), p) {
			t.Errorf("%s: message %q does not mention %q", what, siyu.ErrorMessage(err), p)
		}
	}
}

func text(s string) script.Snippet { return script.Snippet{Kind: script.KindText, Text: s} }
