// The 一键触达 pages: a broadcast built in the console to a segment through the
// webhook channel, the funnel on its page, a recipient's tracked link and poster, and
// who may open the area.

package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
	"github.com/siyu-live/siyu/internal/notify"
)

var (
	reachURLRe  = regexp.MustCompile(`^/console/reach/(\d+)$`)
	reachRawKey = regexp.MustCompile(`>[^<]*\breach\.[a-z_]+\.[a-z_.]+`)
)

// reachInbox is the brand's system at the other end of the webhook channel.
type reachInbox struct {
	mu   sync.Mutex
	msgs []notify.WebhookMessage
}

func (in *reachInbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b notify.WebhookBody
	raw, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(raw, &b)
	in.mu.Lock()
	in.msgs = append(in.msgs, b.Data.Messages...)
	in.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (in *reachInbox) all() []notify.WebhookMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]notify.WebhookMessage(nil), in.msgs...)
}

func TestReachPages(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b, tn := ownerOf(t, app, "触达品牌")
	inbox := &reachInbox{}
	srv := httptest.NewServer(inbox)
	defer srv.Close()
	app.Must(http.StatusCreated, "POST", "/api/v1/webhooks", tn.Token, map[string]any{"url": srv.URL + "/msgs", "events": []string{"broadcast.message"}})
	sess := app.Must(http.StatusCreated, "POST", "/api/v1/sessions", tn.Token, map[string]any{"title": "周五春装上新",
		"scheduled_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339)})
	for i, name := range []string{"王女士", "李先生"} {
		app.Must(http.StatusCreated, "POST", "/api/v1/customers", tn.Token, map[string]any{"name": name,
			"phone": "1380013800" + strconv.Itoa(i), "tags": []string{"vip"}})
	}
	seg := app.Must(http.StatusCreated, "POST", "/api/v1/segments", tn.Token, map[string]any{"name": "VIP客户", "rule": "tag:vip"})

	p := b.get("/console/reach")
	mustStatus(t, p, http.StatusOK, "reach list")
	mustHave(t, p, "reach list", `data-testid="reach-empty"`, "还没有触达")
	p = b.get("/console/reach/new")
	mustHave(t, p, "reach form", "周五春装上新", "VIP客户", `value="segment:`+strconv.FormatInt(seg.ID("id"), 10)+`"`, "开播前一天 20:00", "{live_link}")
	if k := reachRawKey.FindString(p.Body); k != "" {
		t.Fatalf("the form shows an untranslated key %q", k)
	}

	form := url.Values{"name": {"周五预告"}, "session_id": {strconv.FormatInt(sess.ID("id"), 10)}, "channels": {"webhook"},
		"aud": {"segment:" + strconv.FormatInt(seg.ID("id"), 10)}, "text": {"{name}您好，{live_time} 见：{live_link}"},
		"poster": {"on"}, "when": {"now"}}
	p = b.submit("/console/reach/preview", form)
	mustHave(t, p, "preview", `data-testid="preview-total"`, "李先生您好，", "/r/")

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("text", "{nmae} 您好")
	p = b.submit("/console/reach", bad)
	mustStatus(t, p, http.StatusUnprocessableEntity, "a misspelt variable")
	mustHave(t, p, "a misspelt variable", "{nmae}", "周五预告")

	p = b.submit("/console/reach", form)
	mustStatus(t, p, http.StatusSeeOther, "create and send")
	m := reachURLRe.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("created broadcast at %q", p.Header.Get("Location"))
	}
	id := m[1]
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := app.Must(http.StatusOK, "GET", "/api/v1/broadcasts/"+id, tn.Token, nil)
		if r.JSON["status"] == "sent" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent in time: %s", r.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	msgs := inbox.all()
	if len(msgs) != 2 {
		t.Fatalf("the receiver got %d messages: %+v", len(msgs), msgs)
	}
	p = b.get("/console/reach/" + id)
	mustHave(t, p, "detail", "周五预告", `data-testid="funnel-delivered">2<`, "王女士", "李先生", `data-testid="entry-code"`)

	// A recipient opens their link: the landing page counts the click and its join
	// makes a viewer attributed to the broadcast's entry link.
	link := msgs[0].Link
	path := link[strings.Index(link, "/r/"):] // the node's public URL is its configured one
	visitor := newBrowser(t, app)
	lp := visitor.get(path)
	mustStatus(t, lp, http.StatusOK, "landing")
	mustHave(t, lp, "landing", "周五春装上新", `data-testid="landing-enter"`, "/live/")
	res, err := http.Post(app.URL+path+"/join", "application/json", strings.NewReader(`{"nickname":"小王"}`))
	if err != nil {
		t.Fatal(err)
	}
	var joined struct {
		ViewerID int64  `json:"viewer_id"`
		Token    string `json:"token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&joined)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || joined.Token == "" {
		t.Fatalf("join: %d %+v", res.StatusCode, joined)
	}
	p = b.get("/console/reach/" + id + "?status=clicked")
	mustHave(t, p, "clicked filter", msgs[0].Name, `data-testid="clicked-at"`, `data-testid="entry-viewers">1<`)

	poster := visitor.get(path + "/poster.png")
	if poster.Status == http.StatusOK {
		if poster.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(poster.Body, "\x89PNG") {
			t.Fatalf("poster: %s %q", poster.Header.Get("Content-Type"), poster.Body[:min(8, len(poster.Body))])
		}
	} else if poster.Status != http.StatusConflict || !strings.Contains(poster.Body, "font") {
		t.Fatalf("poster: %d %s", poster.Status, poster.Body)
	}
	mustStatus(t, visitor.get("/r/AAAAAAAAAAAAAAAAAAAA"), http.StatusNotFound, "an unknown link")

	// English, and a host (no customers.manage) is kept out.
	mustHave(t, b.get("/console/reach?lang=en"), "english list", "One-click reach", "周五预告")
	app.Must(http.StatusCreated, "POST", "/api/v1/staff", tn.Token, map[string]any{"email": "host-reach@example.com",
		"name": "主播", "role": "host", "password": "password-123"})
	host := newBrowser(t, app)
	host.login("host-reach@example.com", "password-123")
	mustStatus(t, host.get("/console/reach"), http.StatusForbidden, "host on reach")
}
