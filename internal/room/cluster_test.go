package room_test

import (
	"context"
	"testing"

	"github.com/siyu-live/siyu/internal/room"
)

// TestTwoNodes: two Services (two siyu nodes) on one bus and store: a comment posted
// on node A reaches a viewer on node B, online sums both nodes, a ban issued on A
// disconnects the viewer on B, hosts on B are prompted for A's viewers and see A's
// banned-word comments flagged, which B's viewers never get.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, room.Options{})
	e.addNode()
	e.update(func(s *room.SessionInfo) { s.BannedWords = []string{"微信"} })
	aliceID, aliceTok := e.viewer("A节点观众")
	bobID, bobTok := e.viewer("B节点观众")
	hostB := e.dialNode(1, e.hostToken)
	hostB.waitFor("welcome", nil)
	alice := e.dialNode(0, aliceTok)
	bob := e.dialNode(1, bobTok)
	alice.waitFor("stats", statsWith("online", 2))
	bob.waitFor("stats", statsWith("online", 2))
	hostB.waitFor("prompt", func(m map[string]any) bool { return m["kind"] == "welcome" && num(m, "viewer_id") == aliceID })

	alice.comment("来自A节点")
	ev := bob.waitFor("comment", textIs("来自A节点"))
	if num(ev, "viewer_id") != aliceID || ev["nickname"] != "A节点观众" || num(ev, "id") <= 0 {
		t.Fatalf("remote comment: %v", ev)
	}
	hostB.waitFor("comment", textIs("来自A节点"))
	// A banned word said on A reaches the host on B flagged, and no viewer on B.
	alice.comment("加我微信")
	if ev := hostB.waitFor("comment", textIs("加我微信")); ev["hidden_reason"] != "banned_word" {
		t.Fatalf("a held-back comment from another node: %v", ev)
	}
	alice.comment("A节点正常发言")
	if ev := bob.waitFor("comment", nil); ev["text"] != "A节点正常发言" {
		t.Fatalf("a banned comment reached a viewer on another node: %v", ev)
	}
	bob.send(map[string]any{"type": "gift", "gift_id": 1})
	alice.waitFor("gift", func(m map[string]any) bool { return num(m, "viewer_id") == bobID })
	// Counters add up across nodes through the store: B's likes reach A's stats.
	bob.send(map[string]any{"type": "like", "count": 7})
	alice.send(map[string]any{"type": "like", "count": 3})
	alice.waitFor("stats", func(m map[string]any) bool { return num(m, "likes") == 10 && num(m, "gift_value") == 100 })
	bob.waitFor("stats", func(m map[string]any) bool { return num(m, "likes") == 10 && num(m, "comments") == 2 })

	_, err := e.nodes[0].svc.Ban(context.Background(), e.tenant, e.session, bobID, "", e.host)
	must(t, err)
	bob.waitFor("banned", nil)
	bob.waitClosed()
	alice.waitFor("stats", statsWith("online", 1))
	// Node B refuses the banned viewer's next join too.
	again := e.dialNode(1, bobTok)
	again.waitFor("banned", nil)
}
