package room_test

import (
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/room"
)

// watcher records the comments a room tells it.
type watcher struct {
	mu   sync.Mutex
	got  []room.ViewerComment
	told chan struct{}
}

func (w *watcher) OnComment(c room.ViewerComment) {
	w.mu.Lock()
	w.got = append(w.got, c)
	w.mu.Unlock()
	w.told <- struct{}{}
}

// waitText waits until a comment with text was told and returns all told so far.
func (w *watcher) waitText(t *testing.T, text string) []room.ViewerComment {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		w.mu.Lock()
		got := append([]room.ViewerComment(nil), w.got...)
		w.mu.Unlock()
		for _, c := range got {
			if c.Text == text {
				return got
			}
		}
		select {
		case <-w.told:
		case <-deadline:
			t.Fatalf("%q was never told; told %+v", text, got)
		}
	}
}

// TestCommentWatcherHearsShownViewerComments: the watcher is told each stored viewer
// comment exactly once in a two-node room (by the node that stored it), with its id;
// comments held back by a banned word, staff comments and muted viewers' refused
// comments are not told.
func TestCommentWatcherHearsShownViewerComments(t *testing.T) {
	t.Parallel()
	w := &watcher{told: make(chan struct{}, 100)}
	e := newEnv(t, room.Options{Comments: w})
	e.addNode()
	e.update(func(s *room.SessionInfo) { s.BannedWords = []string{"微信"} })
	aliceID, aliceTok := e.viewer("小红")
	bobID, bobTok := e.viewer("小明")
	mutedID, mutedTok := e.viewer("被禁言")
	alice, bob, host, muted := e.dial(aliceTok), e.dialNode(1, bobTok), e.dial(e.hostToken), e.dial(mutedTok)
	for _, c := range []*client{alice, bob, host, muted} {
		c.waitFor("welcome", nil)
	}
	if _, err := e.svc().Mute(t.Context(), e.tenant, e.session, mutedID, 60, "刷屏", e.host); err != nil {
		t.Fatal(err)
	}
	muted.waitFor("muted", nil)

	alice.comment("加我微信")
	host.comment("+1")
	muted.comment("+1")
	alice.comment("＋1")
	bob.comment("+1")
	alice.waitFor("comment", func(m map[string]any) bool { return m["text"] == "+1" && num(m, "viewer_id") == bobID })
	alice.comment("end")
	got := w.waitText(t, "end")
	if len(got) != 3 {
		t.Fatalf("told %d comments, want alice's ＋1, bob's +1 and end: %+v", len(got), got)
	}
	seen := map[int64]string{}
	for _, c := range got {
		if c.CommentID <= 0 || c.TenantID != e.tenant || c.SessionID != e.session || c.At.IsZero() {
			t.Fatalf("told comment: %+v", c)
		}
		seen[c.ViewerID] += c.Text + ";"
	}
	if seen[aliceID] != "＋1;end;" || seen[bobID] != "+1;" {
		t.Fatalf("told %v", seen)
	}
}
