package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/apptest"
)

// TestPrizePage: the winner's delivery page (promo.PrizeFormPath) is a public shell
// with the form and the other-device explanation, in Chinese and in English; the prize
// itself is the viewer's own and comes from the viewer API in the page script. A
// malformed id is the public not-found page.
func TestPrizePage(t *testing.T) {
	t.Parallel()
	app := apptest.New(t)
	b := newBrowser(t, app)

	p := b.get("/live/prizes/42")
	mustStatus(t, p, http.StatusOK, "prize page")
	mustHave(t, p, "prize page", `data-testid="prize-form"`, `data-prize-id="42"`, `{"prize_id":42}`, "领取奖品",
		`name="name"`, `name="phone"`, `name="address"`, "收货人", "手机号", "收货地址", `data-error-for="phone"`,
		"请在参与抽奖的设备上领取", "/static/", "live/prize.", `id="i18n"`, "js.prize.status.pending")
	mustNotHave(t, p, "prize page", "<script>", "style=")
	if csp := p.Header.Get("Content-Security-Policy"); csp == "" || !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("prize page CSP: %q", csp)
	}
	mustHave(t, b.get("/live/prizes/42?lang=en"), "prize page en", `lang="en"`, "Claim your prize", "Recipient",
		"Claim it on the device you entered with")

	for _, bad := range []string{"/live/prizes/abc", "/live/prizes/0", "/live/prizes/-3"} {
		p := b.get(bad)
		mustStatus(t, p, http.StatusNotFound, bad)
		mustHave(t, p, bad, `data-testid="pub-error"`, "404")
		mustNotHave(t, p, bad, `data-testid="prize-form"`)
	}
}
