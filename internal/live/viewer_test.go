package live_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/live"
	"github.com/siyu-live/siyu/internal/notify"
)

// repeating yields the same bytes for the first n reads of 8, then real randomness:
// it forces entry-code collisions.
type repeating struct {
	n    int
	real io.Reader
}

func (r *repeating) Read(p []byte) (int, error) {
	if r.n > 0 && len(p) == live.CodeLen {
		r.n--
		copy(p, bytes.Repeat([]byte{7}, len(p)))
		return len(p), nil
	}
	return r.real.Read(p)
}

func randReader() io.Reader { return rand.Reader }

func TestEntryCodes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("entries")
		seen := map[string]bool{}
		for range 50 {
			l, err := e.svc.CreateEntry(e.ctx, e.host, s.ID, live.EntryInput{Channel: "community", Label: "一群"})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Code) != live.CodeLen || strings.Trim(l.Code, "0123456789abcdefghjkmnpqrstvwxyz") != "" || seen[l.Code] {
				t.Fatalf("code %q is malformed or repeated", l.Code)
			}
			seen[l.Code] = true
			if l.URL != "https://live.example.cn/live/"+l.Code {
				t.Fatalf("url %q", l.URL)
			}
		}
		// Forced collisions: the second link draws the same code three times, then a new one.
		forced := live.NewService(store, live.Options{Now: e.clock.Now, Org: e.org, Random: &repeating{n: 4, real: randReader()}})
		a, err := forced.CreateEntry(e.ctx, e.host, s.ID, live.EntryInput{Channel: "ad"})
		if err != nil || a.Code != "77777777" {
			t.Fatalf("first forced code: %+v %v", a, err)
		}
		b, err := forced.CreateEntry(e.ctx, e.host, s.ID, live.EntryInput{Channel: "ad"})
		if err != nil || b.Code == a.Code {
			t.Fatalf("collision not retried: %+v %v", b, err)
		}
		_, err = e.svc.CreateEntry(e.ctx, e.host, s.ID, live.EntryInput{Channel: "direct"})
		code(t, "direct is implied", err, siyu.EINVALID, "channel")
		_, err = e.svc.CreateEntry(e.ctx, e.host, s.ID, live.EntryInput{Channel: "sharer", Label: strings.Repeat("x", 51)})
		code(t, "long label", err, siyu.EINVALID, "label")

		target, err := e.svc.ResolveEntry(e.ctx, strings.ToUpper(a.Code))
		if err != nil || target.SessionID != s.ID || target.Channel != "ad" {
			t.Fatalf("resolve: %+v %v", target, err)
		}
		_, err = e.svc.ResolveEntry(e.ctx, "nope")
		code(t, "unknown code", err, siyu.ENOTFOUND)

		// Viewers keep their entry; the list counts them per link.
		v, err := e.svc.CreateViewer(e.ctx, s.ID, live.ViewerInput{Nickname: "小王", Entry: a.Code})
		if err != nil || v.EntryLinkID != a.ID || v.Channel != "ad" {
			t.Fatalf("viewer via entry: %+v %v", v, err)
		}
		if d := e.viewer(s.ID, "直接来"); d.Channel != live.ChannelDirect || d.EntryLinkID != 0 {
			t.Fatalf("direct viewer: %+v", d)
		}
		links, err := e.svc.ListEntries(e.ctx, e.owner, s.ID)
		if err != nil || len(links) != 52 || links[50].ID != a.ID || links[50].Viewers != 1 || links[0].Viewers != 0 {
			t.Fatalf("entries: %d %v", len(links), err)
		}
		other := e.session("other")
		_, err = e.svc.CreateViewer(e.ctx, other.ID, live.ViewerInput{Nickname: "x", Entry: a.Code})
		code(t, "entry of another session", err, siyu.EINVALID, "entry")
		_, err = e.svc.CreateViewer(e.ctx, other.ID, live.ViewerInput{Nickname: "x", Entry: "zzzzzzzz"})
		code(t, "unknown entry", err, siyu.EINVALID, "entry")
	})
}

func TestViewersAndAuth(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("viewers")
		for name, nick := range map[string]string{"empty": "   ", "long": strings.Repeat("名", 31), "control": "a\nb", "bidi": "x\u200ey\x00"} {
			_, err := e.svc.CreateViewer(e.ctx, s.ID, live.ViewerInput{Nickname: nick})
			code(t, name, err, siyu.EINVALID, "nickname")
		}
		_, err := e.svc.CreateViewer(e.ctx, 99999, live.ViewerInput{Nickname: "x"})
		code(t, "unknown session", err, siyu.ENOTFOUND)
		v := e.viewer(s.ID, strings.Repeat("名", 30))
		if !strings.HasPrefix(v.Token, "sv_") || v.ID == 0 || v.Known {
			t.Fatalf("viewer %+v", v)
		}
		got, err := e.svc.AuthenticateViewer(e.ctx, v.Token)
		if err != nil || got.ID != v.ID || got.SessionID != s.ID || got.TenantID != e.owner.TenantID {
			t.Fatalf("auth: %+v %v", got, err)
		}
		// A second service (another node) authenticates from the store, then from its cache.
		other, _ := e.build()
		if got, err := other.AuthenticateViewer(e.ctx, v.Token); err != nil || got.ID != v.ID {
			t.Fatalf("auth on another node: %+v %v", got, err)
		}
		for _, bad := range []string{"", "sy_abc", "sv_nope", v.Token + "x"} {
			_, err := e.svc.AuthenticateViewer(e.ctx, bad)
			code(t, "bad token "+bad, err, siyu.EUNAUTHORIZED)
		}
		var hash string
		if err := store.GetContext(e.ctx, &hash, `SELECT token_hash FROM viewers WHERE id = ?`, v.ID); err != nil || strings.Contains(hash, v.Token[3:]) {
			t.Fatalf("token stored in clear: %q %v", hash, err)
		}
		e.live2(s.ID)
		if _, err := e.svc.End(e.ctx, e.host, s.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.CreateViewer(e.ctx, s.ID, live.ViewerInput{Nickname: "late"})
		code(t, "join an ended session", err, siyu.ECONFLICT)
	})
}

// live2 starts an existing session.
func (e *env) live2(id int64) {
	e.t.Helper()
	if _, err := e.svc.Start(e.ctx, e.host, id); err != nil {
		e.t.Fatal(err)
	}
}

func TestPhoneVerification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		s := e.session("phone")
		vc := e.viewer(s.ID, "阿花")
		v, _ := e.svc.AuthenticateViewer(e.ctx, vc.Token)
		const phone = "13912345678"
		lastCode := func() string {
			t.Helper()
			sms, _, err := e.svc.SandboxSMS(e.ctx, e.owner, phone, 0, 1)
			if err != nil || len(sms) == 0 {
				t.Fatalf("outbox: %v %v", sms, err)
			}
			i := strings.Index(sms[0].Body, "验证码是 ")
			return sms[0].Body[i+len("验证码是 ") : i+len("验证码是 ")+6]
		}
		_, err := e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: "12345678901"})
		code(t, "not a mobile", err, siyu.EINVALID, "phone")
		sent, err := e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone})
		if err != nil || !sent.ExpiresAt.Equal(e.clock.Now().Add(live.CodeTTL)) {
			t.Fatalf("send: %+v %v", sent, err)
		}
		first := lastCode()
		_, err = e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone})
		code(t, "a second code within a minute", err, siyu.ERATELIMITED)
		_, _, err = e.svc.SandboxSMS(e.ctx, e.host, "", 0, 10)
		code(t, "host reads the outbox", err, siyu.EFORBIDDEN)

		// Expiry: the first code dies after five minutes.
		e.clock.Add(live.CodeTTL)
		_, err = e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: first})
		code(t, "expired", err, siyu.EINVALID, "code")

		// Five wrong attempts burn a code, even the right one afterwards.
		if _, err := e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone}); err != nil {
			t.Fatal(err)
		}
		right := lastCode()
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		for i := range live.CodeAttempts {
			_, err := e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: wrong})
			code(t, "wrong code "+itoa(int64(i)), err, siyu.EINVALID, "code")
		}
		_, err = e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: right})
		code(t, "right code after five wrong ones", err, siyu.ERATELIMITED)
		_, err = e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: "12a456"})
		code(t, "malformed code", err, siyu.EINVALID, "code")

		// A fresh code works; the viewer becomes known, also through the token cache.
		e.clock.Add(time.Minute)
		if _, err := e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone}); err != nil {
			t.Fatal(err)
		}
		known, err := e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: lastCode()})
		if err != nil || !known.Known || known.Phone != phone {
			t.Fatalf("verify: %+v %v", known, err)
		}
		if again, _ := e.svc.AuthenticateViewer(e.ctx, vc.Token); !again.Known {
			t.Fatal("the token cache still says the viewer is a guest")
		}
		_, err = e.svc.VerifyPhone(e.ctx, v, live.VerifyInput{Phone: phone, Code: lastCode()})
		code(t, "reuse", err, siyu.EINVALID, "code")

		// At most five codes an hour per phone, whichever viewer asks.
		for i := range 3 {
			e.clock.Add(time.Minute)
			w, _ := e.svc.AuthenticateViewer(e.ctx, e.viewer(s.ID, "v"+itoa(int64(i))).Token)
			_, err := e.svc.SendPhoneCode(e.ctx, w, live.PhoneInput{Phone: phone})
			if i < 2 {
				code(t, "code "+itoa(int64(i+4)), err, "")
			} else {
				code(t, "sixth code within the hour", err, siyu.ERATELIMITED)
			}
		}
		e.clock.Add(time.Hour)
		if _, err := e.svc.SendPhoneCode(e.ctx, v, live.PhoneInput{Phone: phone}); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
		// Only hashes are stored; the code itself lives only in the (sandbox) SMS.
		var hashes []string
		_ = store.SelectContext(e.ctx, &hashes, `SELECT code_hash FROM phone_codes`)
		for _, h := range hashes {
			if len(h) != 64 {
				t.Fatalf("code stored as %q", h)
			}
		}
		sms, _, _ := e.svc.SandboxSMS(e.ctx, e.owner, "", 0, 100)
		if len(sms) != 6 || sms[0].Channel != notify.ChannelSMS {
			t.Fatalf("outbox holds %d messages", len(sms))
		}
	})
}
