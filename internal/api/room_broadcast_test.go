package api_test

import (
	"net/http"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestInRoomToolsReachViewers checks that what the host launches from the API arrives in
// the room: a pinned product, a red envelope, a lottery and its private win message.
func TestInRoomToolsReachViewers(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner := app.Signup("Room Tools Co")
	s := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", owner.Token, map[string]any{"title": "带货专场"})
	id := itoa(s.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/start", owner.Token, nil)
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "小芳"})
	viewerToken := v.JSON["token"].(string)
	room := dialRoom(t, app, id, viewerToken)
	room.waitFor("welcome", nil)

	p := app.Must(http.StatusCreated, "POST", "/api/v1/products", owner.Token, map[string]any{"name": "真丝衬衫", "price": 29900, "stock": 50})
	pid := itoa(p.ID("id"))
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/showcase", owner.Token, map[string]any{"product_id": p.ID("id")})
	app.Must(http.StatusOK, "POST", "/api/v1/sessions/"+id+"/showcase/"+pid+"/pin", owner.Token, nil)
	pinned := room.waitFor("product_pinned", nil)
	if prod, _ := pinned["product"].(map[string]any); prod == nil || prod["name"] != "真丝衬衫" {
		t.Fatalf("pinned product event: %v", pinned)
	}

	env := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/red-envelopes", owner.Token,
		map[string]any{"total": 1000, "count": 10, "mode": "random"})
	if ev := room.waitFor("red_envelope", nil); ev["id"] != float64(env.ID("id")) {
		t.Fatalf("red envelope event: %v", ev)
	}

	lot := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/lotteries", owner.Token,
		map[string]any{"prize": "羊绒围巾", "winners": 1, "condition": "none", "draw_after_seconds": 1})
	lid := itoa(lot.ID("id"))
	room.waitFor("lottery", nil)
	app.Must(http.StatusCreated, "POST", "/api/v1/lotteries/"+lid+"/entries", viewerToken, nil)
	// The private win message goes out at once; the public draw rides the next batch.
	room.waitFor("lottery_won", nil)
	room.waitFor("lottery_drawn", nil)
}
