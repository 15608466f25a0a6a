package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestReachFollowupFromReport: the report's follow-up button opens the broadcast form
// already addressed to everyone carrying the tag it just put on — through a segment made
// once, not on every click — and counts them.
func TestReachFollowupFromReport(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, tn := ownerOf(t, app, "跟进品牌")
	for i, name := range []string{"王女士", "李先生", "赵女士"} {
		tags := []string{"真丝已购"}
		if i == 2 {
			tags = []string{"vip"}
		}
		app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, map[string]any{"name": name,
			"phone": "1390013900" + string(rune('0'+i)), "tags": tags})
	}
	link := "/console/reach/new?" + url.Values{"followup": {"7"}, "group": {"converted"}, "tag": {"真丝已购"}}.Encode()
	for range 2 {
		p := b.get(link)
		mustStatus(t, p, http.StatusOK, "follow-up form")
		mustHave(t, p, "follow-up form", `value="跟进：真丝已购"`, " selected>跟进：真丝已购（2 人）")
	}
	segs := app.Must(http.StatusOK, "GET", "/api/v1/segments", tn.Token, nil)
	if n := strings.Count(string(segs.Body), `"rule":"tag:真丝已购"`); n != 1 {
		t.Fatalf("want one follow-up segment made once, got %d in %s", n, segs.Body)
	}
}
