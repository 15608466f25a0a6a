package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestRoomAcrossTwoNodes: two siyu nodes of one deployment (one store, one NATS): a
// comment posted on node A reaches a viewer on node B, online counts both nodes, and a
// ban taken through node B's API disconnects the viewer on node A.
func TestRoomAcrossTwoNodes(t *testing.T) {
	t.Parallel()
	nats := apptest.NATS(t)
	nodeA := apptest.New(t, apptest.Options{NATSURL: nats})
	nodeB := apptest.New(t, apptest.Options{NATSURL: nats, DataDir: nodeA.DataDir})
	owner := nodeA.Signup("Two Nodes Co")
	s := nodeA.Must(http.StatusCreated, "POST", "/api/v1/sessions", owner.Token, map[string]any{"title": "双节点直播"})
	id := itoa(s.ID("id"))
	nodeA.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/start", owner.Token, nil)
	va := nodeA.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "A观众"})
	vb := nodeB.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "B观众"})
	alice := dialRoom(t, nodeA, id, va.JSON["token"].(string))
	bob := dialRoom(t, nodeB, id, vb.JSON["token"].(string))
	alice.waitFor("stats", func(m map[string]any) bool { return m["online"] == float64(2) })
	bob.waitFor("stats", func(m map[string]any) bool { return m["online"] == float64(2) })

	alice.send(map[string]any{"type": "comment", "text": "A节点的评论"})
	ev := bob.waitFor("comment", func(m map[string]any) bool { return m["text"] == "A节点的评论" })
	if ev["nickname"] != "A观众" || ev["viewer_id"] != float64(va.ID("viewer_id")) {
		t.Fatalf("comment on node B: %v", ev)
	}
	nodeB.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/bans", owner.Token, map[string]any{"viewer_id": va.ID("viewer_id")})
	alice.waitFor("banned", nil)
	alice.waitClosed()
	bob.waitFor("stats", func(m map[string]any) bool { return m["online"] == float64(1) })
}
