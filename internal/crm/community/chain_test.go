package community_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm/community"
	"github.com/siyu-live/siyu/internal/crm/crmtest"
)

// A 接龙: members add one line each, numbered in order; editing keeps the number; a
// full chain takes no new lines; a closed chain (by a manager or its deadline) is
// read-only.
func TestChainSignUp(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "团购群"})
		deadline := e.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)
		ch, err := e.svc.OpenChain(e.Ctx, e.Owner, c.ID, community.ChainInput{Title: "周六线下品鉴会", Template: "姓名+人数", MaxEntries: 2, Deadline: deadline})
		if err != nil || ch.Status != community.ChainOpen || ch.Template != "姓名+人数" || ch.Deadline.IsZero() || len(ch.Entries) != 0 {
			t.Fatalf("opened: %+v %v", ch, err)
		}
		a, b, x := e.member(c, "阿花"), e.member(c, "小美"), e.member(c, "老王")
		ea, err := e.svc.JoinChain(e.Ctx, a, c.Code, ch.ID, community.EntryInput{Note: "阿花+2"})
		if err != nil || ea.Seq != 1 {
			t.Fatalf("first line: %+v %v", ea, err)
		}
		eb, err := e.svc.JoinChain(e.Ctx, b, c.Code, ch.ID, community.EntryInput{Note: "小美+1"})
		if err != nil || eb.Seq != 2 {
			t.Fatalf("second line: %+v %v", eb, err)
		}
		edit, err := e.svc.JoinChain(e.Ctx, a, c.Code, ch.ID, community.EntryInput{Note: "阿花+3"})
		if err != nil || edit.Seq != 1 || edit.Note != "阿花+3" {
			t.Fatalf("edit: %+v %v", edit, err)
		}
		_, err = e.svc.JoinChain(e.Ctx, x, c.Code, ch.ID, community.EntryInput{Note: "老王+1"})
		crmtest.Code(t, err, community.CodeChainFull)
		_, err = e.svc.JoinChain(e.Ctx, x, c.Code, ch.ID, community.EntryInput{Note: ""})
		crmtest.Code(t, err, siyu.EINVALID, "note")

		page, _ := e.svc.Page(e.Ctx, c.Code, &a)
		if len(page.Chains) != 1 || len(page.Chains[0].Entries) != 2 || !page.Chains[0].Entries[0].Mine || page.Chains[0].Entries[1].Mine ||
			page.Chains[0].Entries[0].Note != "阿花+3" || !page.Chains[0].Full {
			t.Fatalf("member's page: %s", mustJSON(page.Chains))
		}
		closed, err := e.svc.CloseChain(e.Ctx, e.Owner, c.ID, ch.ID)
		if err != nil || closed.Status != community.ChainClosed || closed.ClosedAt.IsZero() || closed.Entries[1].CustomerID != b.CustomerID {
			t.Fatalf("closed: %+v %v", closed, err)
		}
		_, err = e.svc.JoinChain(e.Ctx, b, c.Code, ch.ID, community.EntryInput{Note: "小美+5"})
		crmtest.Code(t, err, community.CodeChainShut)

		// The deadline closes a chain by itself.
		ch2, err := e.svc.OpenChain(e.Ctx, e.Owner, c.ID, community.ChainInput{Title: "报名", Deadline: e.Clock.Now().Add(time.Hour).Format(time.RFC3339)})
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Add(time.Hour)
		_, err = e.svc.JoinChain(e.Ctx, x, c.Code, ch2.ID, community.EntryInput{Note: "老王"})
		crmtest.Code(t, err, community.CodeChainShut)
		list, _ := e.svc.ListChains(e.Ctx, e.kos, c.ID)
		if len(list) != 2 || list[0].Status != community.ChainClosed {
			t.Fatalf("list: %s", mustJSON(list))
		}

		for _, bad := range []struct {
			in    community.ChainInput
			field string
		}{
			{community.ChainInput{Title: ""}, "title"},
			{community.ChainInput{Title: "x", MaxEntries: -1}, "max_entries"},
			{community.ChainInput{Title: "x", Deadline: "tomorrow"}, "deadline"},
			{community.ChainInput{Title: "x", Deadline: e.Clock.Now().Add(-time.Hour).Format(time.RFC3339)}, "deadline"},
		} {
			_, err := e.svc.OpenChain(e.Ctx, e.Owner, c.ID, bad.in)
			crmtest.Code(t, err, siyu.EINVALID, bad.field)
		}
		_, err = e.svc.OpenChain(e.Ctx, e.agent, c.ID, community.ChainInput{Title: "x"})
		crmtest.Code(t, err, siyu.EFORBIDDEN)
		other := e.Signup("Other")
		_, err = e.svc.CloseChain(e.Ctx, other, c.ID, ch2.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
		_, err = e.svc.GetChain(e.Ctx, other, c.ID, ch2.ID)
		crmtest.Code(t, err, siyu.ENOTFOUND)
	})
}

// Members joining a chain at once get dense numbers 1…n, one line each even when a
// member sends twice.
func TestConcurrentChainNumbers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.community(e.Owner, community.Input{Name: "群"})
		ch, err := e.svc.OpenChain(e.Ctx, e.Owner, c.ID, community.ChainInput{Title: "接龙"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 12
		var wg sync.WaitGroup
		for i := range n {
			g := e.member(c, fmt.Sprintf("群友%d", i))
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := e.svc.JoinChain(e.Ctx, g, c.Code, ch.ID, community.EntryInput{Note: g.Nickname + "+1"}); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		got, err := e.svc.GetChain(e.Ctx, e.Owner, c.ID, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, en := range got.Entries {
			seqs = append(seqs, en.Seq)
		}
		if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !slices.Equal(seqs, want) || got.EntryCount != n {
			t.Fatalf("numbers %v (count %d), want %v", seqs, got.EntryCount, want)
		}
	})
}
