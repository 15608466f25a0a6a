// The 直播 console pages: create, settings, banned words, entry links, lifecycle,
// permissions, and the public pages each session state renders.

package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/siyu-live/siyu/internal/apptest"
)

var (
	sessionURL = regexp.MustCompile(`^/console/live/(\d+)$`)
	entryCode  = regexp.MustCompile(`data-testid="entry-row" data-code="([0-9a-z]+)"`)
)

// tomorrow is a datetime-local value (China time) a day ahead.
func tomorrow() string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).Add(26 * time.Hour).Format("2006-01-02T15:04")
}

// createLive creates a session through the console form and returns its id.
func createLive(t *testing.T, b *browser, title string) string {
	t.Helper()
	p := b.submit("/console/live", url.Values{"title": {title}, "scheduled_at": {tomorrow()}, "theme": {"jade"},
		"description": {"新季新品首发，现场试穿讲解。"}})
	mustStatus(t, p, http.StatusSeeOther, "create live")
	m := sessionURL.FindStringSubmatch(p.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create live redirected to %q", p.Header.Get("Location"))
	}
	return m[1]
}

func TestLiveConsoleLifecycle(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Live Brand")

	p := owner.get("/console/live")
	mustStatus(t, p, http.StatusOK, "empty list")
	mustHave(t, p, "empty list", `data-testid="live-empty"`, "还没有直播")
	mustHave(t, owner.get("/console/live/new"), "new form", `data-testid="live-form"`, `type="datetime-local"`, "北京时间")

	// A rejected form comes back filled in, with the message next to the field.
	p = owner.submit("/console/live", url.Values{"title": {""}, "scheduled_at": {tomorrow()}, "description": {"保留我"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "empty title")
	mustHave(t, p, "empty title", "请填写 1–100 个字符的直播标题", "保留我")
	p = owner.submit("/console/live", url.Values{"title": {"过去的直播"}, "scheduled_at": {"2001-01-01T20:00"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "past time")
	mustHave(t, p, "past time", "开播时间必须晚于现在")

	id := createLive(t, owner, "秋冬新品首发 · 直播专场")
	p = owner.get("/console/live/" + id)
	mustStatus(t, p, http.StatusOK, "detail")
	mustHave(t, p, "detail", "秋冬新品首发 · 直播专场", `data-status="scheduled"`, "预告中", `data-testid="live-settings"`,
		`value="jade" checked`, "/live/s/"+id+"/preview")
	mustHave(t, owner.get("/console/live"), "list", `data-testid="live-row" data-id="`+id+`"`, "预告中")

	// Settings: announcement, slow mode, followers-only, rundown (blank rows skipped).
	p = owner.submit("/console/live/"+id+"/settings", url.Values{
		"title": {"秋冬新品首发 · 直播专场"}, "description": {"介绍"}, "theme": {"coral"}, "cover_url": {""},
		"announcement": {"今晚 20:00 开播｜关注主播参与抽奖"}, "video_url": {""}, "slow_mode_seconds": {"10"},
		"followers_only": {"on"}, "scheduled_at": {tomorrow()},
		"rundown_title": {"开场预热", "", "新品讲解"}, "rundown_minutes": {"10", "", "30"}, "rundown_notes": {"欢迎新朋友", "", "面料与尺码"},
	})
	mustStatus(t, p, http.StatusSeeOther, "save settings")
	api := app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+id, tn.Token, nil)
	if api.JSON["announcement"] != "今晚 20:00 开播｜关注主播参与抽奖" || api.JSON["slow_mode_seconds"] != 10.0 ||
		api.JSON["followers_only"] != true || api.JSON["theme"] != "coral" {
		t.Fatalf("settings not saved: %s", api.Body)
	}
	if rd, _ := api.JSON["rundown"].([]any); len(rd) != 2 {
		t.Fatalf("rundown: %s", api.Body)
	}
	mustHave(t, owner.get("/console/live/"+id), "saved settings", "设置已保存", `value="新品讲解"`, `value="10" selected`)

	p = owner.submit("/console/live/"+id+"/settings", url.Values{"title": {"x"}, "cover_url": {"ftp://nope"},
		"rundown_title": {"无时长"}, "rundown_minutes": {""}, "rundown_notes": {""}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad settings")
	mustHave(t, p, "bad settings", "直播脚本的每个环节都需要填写时长")

	// Banned words, one per line.
	p = owner.submit("/console/live/"+id+"/banned-words", url.Values{"words": {"加我微信\r\n\r\n私聊\n"}})
	mustStatus(t, p, http.StatusSeeOther, "banned words")
	api = app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+id, tn.Token, nil)
	if w, _ := api.JSON["banned_words"].([]any); len(w) != 2 {
		t.Fatalf("banned words: %s", api.Body)
	}
	mustHave(t, owner.get("/console/live/"+id), "banned words shown", "加我微信\n私聊")

	// Entry links: create, shown with channel and copy button, open the public page.
	p = owner.submit("/console/live/"+id+"/entries", url.Values{"channel": {"community"}, "label": {"老客福利群"}})
	mustStatus(t, p, http.StatusSeeOther, "entry link")
	p = owner.get("/console/live/" + id)
	mustHave(t, p, "entries", "老客福利群", "社群", "复制链接")
	code := entryCode.FindStringSubmatch(p.Body)
	if code == nil {
		t.Fatalf("no entry row:\n%s", p.Body)
	}
	mustStatus(t, owner.submit("/console/live/"+id+"/entries", url.Values{"channel": {"tv"}}), http.StatusUnprocessableEntity, "bad channel")

	viewer := newBrowser(t, app)
	for _, path := range []string{"/live/" + code[1], "/live/s/" + id} {
		p = viewer.get(path)
		mustStatus(t, p, http.StatusOK, "scheduled room "+path)
		mustHave(t, p, "scheduled room", `data-state="scheduled"`, "秋冬新品首发 · 直播专场", "直播尚未开始", `id="room-data"`,
			`src="/static/live/viewer.js`)
		if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("room CSP %q", csp)
		}
	}
	mustHave(t, viewer.get("/live/"+code[1]), "entry code in boot data", `"entry":"`+code[1]+`"`)
	p = viewer.get("/live/s/" + id + "/preview")
	mustStatus(t, p, http.StatusOK, "preview")
	mustHave(t, p, "preview", "直播预告", "预约直播", "距离开播", "人已预约")
	mustHave(t, newBrowser(t, app).get("/live/s/"+id+"/preview?lang=en"), "preview en", "Reserve", "Starts in")
	for _, path := range []string{"/live/zzzzzzzz", "/live/abc", "/live/s/999999", "/live/s/x", "/live/s/999999/preview"} {
		p = viewer.get(path)
		mustStatus(t, p, http.StatusNotFound, "unknown "+path)
		mustHave(t, p, "unknown "+path, `data-testid="pub-error"`, "直播不存在")
	}

	// The list shows each session's reservations from the session answer itself.
	nextID := createLive(t, owner, "下一场：冬季大衣专场")
	v := app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+id+"/viewers", "", map[string]any{"nickname": "预约的人"})
	app.Must(http.StatusCreated, "POST", "/api/v1/sessions/"+nextID+"/reservations", v.JSON["token"].(string), nil)
	p = owner.get("/console/live")
	if !regexp.MustCompile(`data-id="` + nextID + `"[\s\S]*?data-testid="row-reservations">1<`).MatchString(p.Body) {
		t.Fatalf("the list does not show the reservation of session %s:\n%s", nextID, p.Body)
	}
	mustHave(t, owner.get("/console/live/"+nextID), "detail reservations", `data-testid="reservations">1<`)

	// Go live, then end: the buttons, the badges and the public pages follow.
	mustStatus(t, owner.submit("/console/live/"+id+"/start", url.Values{}), http.StatusSeeOther, "start")
	p = owner.get("/console/live/" + id)
	mustHave(t, p, "live detail", `data-status="live"`, "直播中", `data-testid="live-end"`, `data-testid="live-interrupt"`)
	mustHave(t, viewer.get("/live/"+code[1]), "live room", `data-state="live"`)
	mustHave(t, viewer.get("/live/s/"+id+"/preview"), "live preview", "正在直播，立即进入")
	mustStatus(t, owner.submit("/console/live/"+id+"/start", url.Values{}), http.StatusConflict, "start twice")
	mustStatus(t, owner.submit("/console/live/"+id+"/interrupt", url.Values{"back": {"studio"}}), http.StatusSeeOther, "interrupt")
	mustHave(t, owner.get("/console/live/"+id), "interrupted", `data-status="interrupted"`, "暂停中", `data-testid="live-resume"`)
	mustStatus(t, owner.submit("/console/live/"+id+"/resume", url.Values{}), http.StatusSeeOther, "resume")
	p = owner.submit("/console/live/"+id+"/end", url.Values{"back": {"studio"}})
	mustStatus(t, p, http.StatusSeeOther, "end")
	if loc := p.Header.Get("Location"); loc != "/console/live/"+id+"/studio" {
		t.Fatalf("end from the studio went to %q", loc)
	}
	mustHave(t, owner.get("/console/live/"+id), "ended", `data-status="ended"`, "已结束")
	mustNotHave(t, owner.get("/console/live/"+id), "ended", `data-testid="live-start"`, `data-testid="live-end"`)
	mustHave(t, viewer.get("/live/s/"+id), "ended room", `data-state="ended"`, "直播已结束",
		`"final_stats":{"viewers":`, `"next_session":{"id":`+nextID)
	// A late visitor's preview shows how the show went and leads to the next one.
	p = newBrowser(t, app).get("/live/s/" + id + "/preview")
	mustHave(t, p, "ended preview", `data-testid="final-stats"`, "累计观看", "最高在线", `data-testid="next-show"`,
		"下一场：冬季大衣专场", `/live/s/`+nextID+`/preview" data-testid="next-show"`, "预约下一场")
	mustHave(t, newBrowser(t, app).get("/live/s/"+id+"/preview?lang=en"), "ended preview en", "Peak online", "Reserve the next show")
	// The audit log names the live actions in the reader's language.
	mustHave(t, owner.get("/console/audit"), "audit of live actions", "创建直播", "修改屏蔽词", "开始直播", "结束直播", "session.end")
	mustHave(t, owner.get("/console/live?status=ended"), "ended filter", `data-id="`+id+`"`)
	mustNotHave(t, owner.get("/console/live?status=live"), "live filter", `data-id="`+id+`"`)
}

func TestLiveStudioAndPermissions(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, tn := ownerOf(t, app, "Studio Brand")
	addStaff(t, app, tn, "agent@studio.example", "agent")
	addStaff(t, app, tn, "host@studio.example", "host")
	id := createLive(t, owner, "主播的直播间")

	p := owner.get("/console/live/" + id + "/studio")
	mustStatus(t, p, http.StatusOK, "studio")
	mustHave(t, p, "studio", `data-testid="studio"`, "在线人数", "峰值", "累计观看", "点赞", "评论", "礼物价值", "主播助手",
		"上麦申请", "连麦", `id="studio-data"`, `src="/static/live/studio.js`)

	// The token endpoint needs the session's CSRF token and answers a bearer token.
	mustStatus(t, owner.post("/console/live/"+id+"/token", url.Values{}), http.StatusForbidden, "token without csrf")
	p = owner.post("/console/live/"+id+"/token", url.Values{}, "X-CSRF-Token", owner.csrf)
	mustStatus(t, p, http.StatusOK, "token")
	var tok struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(p.Body), &tok); err != nil || !strings.HasPrefix(tok.Token, "sy_") || tok.ExpiresAt == "" {
		t.Fatalf("token answer %q (%v)", p.Body, err)
	}
	app.Must(http.StatusOK, "GET", "/api/v1/sessions/"+id, tok.Token, nil)

	// A host runs the studio; an agent may not open the live area at all.
	host := newBrowser(t, app)
	host.login("host@studio.example", "staff-password-1")
	mustStatus(t, host.get("/console/live/"+id+"/studio"), http.StatusOK, "host studio")
	agent := newBrowser(t, app)
	agent.login("agent@studio.example", "staff-password-1")
	for _, path := range []string{"/console/live", "/console/live/" + id, "/console/live/" + id + "/studio", "/console/live/gifts"} {
		mustStatus(t, agent.get(path), http.StatusForbidden, "agent "+path)
	}
	mustStatus(t, agent.post("/console/live/"+id+"/token", url.Values{}, "X-CSRF-Token", agent.csrf), http.StatusForbidden, "agent token")
	mustStatus(t, agent.submit("/console/live/"+id+"/start", url.Values{}), http.StatusForbidden, "agent start")

	// Another brand does not see the session at all.
	other, _ := ownerOf(t, app, "Other Live Brand")
	for _, path := range []string{"/console/live/" + id, "/console/live/" + id + "/studio"} {
		mustStatus(t, other.get(path), http.StatusNotFound, "other tenant "+path)
	}
	mustStatus(t, other.submit("/console/live/"+id+"/start", url.Values{}), http.StatusNotFound, "other tenant start")
}

func TestLiveGiftsAndDiscovery(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	owner, _ := ownerOf(t, app, "Gift Brand")
	p := owner.get("/console/live/gifts")
	mustStatus(t, p, http.StatusOK, "gifts")
	mustHave(t, p, "gifts", `data-testid="gift-table"`, "跑车", "¥", `href="#g-car"`)

	p = owner.submit("/console/live/gifts", url.Values{"name": {"火箭"}, "icon": {"🚀"}, "value": {"1000"}, "sort": {"50"}})
	mustStatus(t, p, http.StatusSeeOther, "create gift")
	p = owner.get("/console/live/gifts")
	mustHave(t, p, "new gift", `data-name="火箭"`, `value="1000"`, `href="#g-rocket"`)
	p = owner.submit("/console/live/gifts", url.Values{"name": {"坏价格"}, "icon": {"🎁"}, "value": {"abc"}})
	mustStatus(t, p, http.StatusUnprocessableEntity, "bad gift value")
	mustHave(t, p, "bad gift value", "请输入有效金额", "坏价格")

	gid := regexp.MustCompile(`action="/console/live/gifts/(\d+)/save"`).FindStringSubmatch(p.Body)[1]
	mustStatus(t, owner.submit("/console/live/gifts/"+gid+"/save", url.Values{"active": {"false"}}), http.StatusSeeOther, "withdraw gift")
	mustHave(t, owner.get("/console/live/gifts"), "withdrawn", "已下架")

	id := createLive(t, owner, "发现页上的直播")
	p = newBrowser(t, app).get("/discover")
	mustStatus(t, p, http.StatusOK, "discover")
	mustHave(t, p, "discover", "发现直播", "小时榜", "周榜", "即将开播", "发现页上的直播", `data-session="`+id+`"`)
	mustHave(t, newBrowser(t, app).get("/discover?lang=en"), "discover en", "Discover lives", "This hour", "Starting soon")

	// A live room shows how many are watching instead of its score.
	mustStatus(t, owner.submit("/console/live/"+id+"/start", url.Values{}), http.StatusSeeOther, "start")
	p = newBrowser(t, app).get("/discover")
	mustHave(t, p, "discover live", `data-testid="discover-live"`, `data-testid="dc-online"`, "<b>0</b> 人在看")
	mustNotHave(t, p, "discover live", "人气 <b>")
}
