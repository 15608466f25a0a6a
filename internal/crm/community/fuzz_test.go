package community

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
)

// FuzzInputs feeds arbitrary JSON to the validation of every body members and staff
// send (community, patch, envelope, chain, chain line, join nickname): it must never
// panic, and a rejection is always invalid with the field named; what passes is within
// its limits.
func FuzzInputs(f *testing.F) {
	for _, seed := range []string{
		`{"name":"老客福利群","avatar_url":"https://cdn.example.cn/a.png","announcement":"每周三\n晚 8 点","join_mode":"invite"}`,
		`{"total":1000,"count":16,"mode":"random","message":"恭喜发财","expires_in_seconds":3600}`,
		`{"title":"周六品鉴会","template":"姓名+人数","max_entries":30,"deadline":"2030-01-02T20:00:00+08:00"}`,
		`{"note":"阿花+2","nickname":"小雨妈妈"}`, `{"name":"\u0000"}`, `{"total":-1,"count":9e18}`, `{"mode":"fixed","count":1,"total":1}`,
		`{"name":"` + "\xff\xfe" + `"}`, `{"deadline":"2030-13-45T99:00:00Z"}`, `{"avatar_url":"javascript:alert(1)"}`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		valid := func(what string, err error) {
			if err != nil && (siyu.ErrorCode(err) != siyu.EINVALID || siyu.ErrorField(err) == "") {
				t.Fatalf("%s %q: %v (code %s, field %q), want invalid naming a field", what, body, err, siyu.ErrorCode(err), siyu.ErrorField(err))
			}
		}
		var in Input
		if json.Unmarshal(body, &in) == nil {
			err := in.check()
			valid("community", err)
			if err == nil && (in.Name == "" || len([]rune(in.Name)) > MaxName) {
				t.Fatalf("accepted name %q", in.Name)
			}
		}
		var p Patch
		if json.Unmarshal(body, &p) == nil {
			r := communityRow{Name: "x", JoinMode: JoinOpen}
			_, err := p.apply(&r)
			valid("patch", err)
		}
		var env EnvelopeInput
		if json.Unmarshal(body, &env) == nil {
			err := env.check()
			valid("envelope", err)
			if err == nil && (env.Count < 1 || env.Total < env.Count || env.Total > MaxEnvelopeTotal || env.Count > MaxEnvelopeShares) {
				t.Fatalf("accepted envelope %+v", env)
			}
		}
		var ch ChainInput
		if json.Unmarshal(body, &ch) == nil {
			_, err := ch.check(now)
			valid("chain", err)
		}
		var line struct {
			Note     string `json:"note"`
			Nickname string `json:"nickname"`
		}
		if json.Unmarshal(body, &line) == nil {
			_, err := text("note", line.Note, 1, MaxChainNote, false)
			valid("note", err)
			_, err = text("nickname", line.Nickname, 1, MaxNickname, false)
			valid("nickname", err)
		}
	})
}
