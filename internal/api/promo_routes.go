package api

import (
	"net/http"

	"github.com/siyu-live/siyu/internal/org"
	"github.com/siyu-live/siyu/internal/promo"
)

// promoRoutes are the red-envelope and lottery routes (internal/promo). Launching needs
// promo.manage; any staff member of the tenant may read. Viewers grab, enter and read
// through viewer routes that only reach their own session's tools; another session's
// or tenant's envelope or lottery is not found. Anyone may read a lottery by its
// commitment, to verify the draw.
func (a *API) promoRoutes() []Route {
	const tag = "promo"
	manage := org.PermPromoManage
	return []Route{
		// Red envelopes.
		{Method: "POST", Path: "/api/v1/sessions/{id}/red-envelopes", Summary: "Send a red envelope into a live session (split now: every share ≥ 1 fen, exact total)",
			Tag: tag, Auth: Staff, Perm: manage, In: promo.EnvelopeInput{}, Out: promo.Envelope{}, Status: http.StatusCreated, h: a.createEnvelope},
		{Method: "GET", Path: "/api/v1/sessions/{id}/red-envelopes", Summary: "A session's red envelopes, newest first", Tag: tag, Auth: Staff,
			Out: List[promo.EnvelopeSummary]{}, h: a.listEnvelopes},
		{Method: "GET", Path: "/api/v1/red-envelopes/{id}", Summary: "A red envelope with every grab (total = grabs + remaining + refunded)", Tag: tag,
			Auth: Staff, Out: promo.Envelope{}, h: a.getEnvelope},
		{Method: "POST", Path: "/api/v1/red-envelopes/{id}/grab", Summary: "Grab a share (200 once committed; 409 empty, already_grabbed, expired, condition_not_met)",
			Tag: tag, Auth: Viewer, Out: promo.GrabResult{}, h: a.grabEnvelope},
		{Method: "GET", Path: "/api/v1/viewer/red-envelopes/{id}", Summary: "A red envelope of the viewer's session with every grab and my_amount", Tag: tag,
			Auth: Viewer, Out: promo.Envelope{}, h: a.viewerEnvelope},
		{Method: "POST", Path: "/api/v1/sessions/{id}/red-envelope-rules", Summary: "Pre-arm a red envelope sent automatically at a likes milestone", Tag: tag,
			Auth: Staff, Perm: manage, In: promo.RuleInput{}, Out: promo.Rule{}, Status: http.StatusCreated, h: a.createRule},
		{Method: "GET", Path: "/api/v1/sessions/{id}/red-envelope-rules", Summary: "A session's milestone rules, fired or not", Tag: tag, Auth: Staff,
			Out: List[promo.Rule]{}, h: a.listRules},
		{Method: "DELETE", Path: "/api/v1/red-envelope-rules/{id}", Summary: "Remove a milestone rule", Tag: tag, Auth: Staff, Perm: manage,
			Status: http.StatusNoContent, h: a.deleteRule},

		// Lotteries.
		{Method: "POST", Path: "/api/v1/sessions/{id}/lotteries", Summary: "Launch a lottery: answers its commitment sha256(seed); drawn automatically after the delay",
			Tag: tag, Auth: Staff, Perm: manage, In: promo.LotteryInput{}, Out: promo.Lottery{}, Status: http.StatusCreated, h: a.createLottery},
		{Method: "GET", Path: "/api/v1/sessions/{id}/lotteries", Summary: "A session's lotteries, newest first", Tag: tag, Auth: Staff,
			Out: List[promo.Lottery]{}, h: a.listLotteries},
		{Method: "GET", Path: "/api/v1/lotteries/{id}", Summary: "A lottery as published: commitment, entrants in entry order, winners and (once drawn) the seed",
			Tag: tag, Auth: Staff, Out: promo.Lottery{}, h: a.getLottery},
		{Method: "GET", Path: "/api/v1/lotteries/{id}/winners", Summary: "The winners with their delivery details", Tag: tag, Auth: Staff, Perm: manage,
			Out: List[promo.WinnerDetail]{}, h: a.lotteryWinners},
		{Method: "POST", Path: "/api/v1/lotteries/{id}/entries", Summary: "Enter a lottery (201; 200 when already in; 409 condition_not_met or lottery_closed)",
			Tag: tag, Auth: Viewer, In: promo.EntryInput{}, Out: promo.Entry{}, Status: http.StatusCreated, h: a.enterLottery},
		{Method: "GET", Path: "/api/v1/viewer/lotteries/{id}", Summary: "A lottery of the viewer's session, with whether the viewer entered", Tag: tag,
			Auth: Viewer, Out: promo.Lottery{}, h: a.viewerLottery},
		{Method: "GET", Path: "/api/v1/public/lotteries/{commitment}", Summary: "A lottery by its commitment, for anyone to verify the draw", Tag: tag,
			Out: promo.Lottery{}, h: a.publicLottery},
		{Method: "GET", Path: "/api/v1/viewer/prizes", Summary: "What the viewer has won", Tag: tag, Auth: Viewer, Out: List[promo.Prize]{}, h: a.viewerPrizes},
		{Method: "PUT", Path: "/api/v1/viewer/prizes/{id}/delivery", Summary: "Fill in (or correct) where a prize is sent", Tag: tag, Auth: Viewer,
			In: promo.DeliveryInput{}, Out: promo.Prize{}, h: a.setDelivery},

		// What a viewer joining the room late sees (promo_viewer_lists.go).
		{Method: "GET", Path: "/api/v1/viewer/red-envelopes", Summary: "The viewer's session's red envelopes that can still be grabbed, with my_amount",
			Tag: tag, Auth: Viewer, Out: List[promo.ViewerEnvelopeItem]{}, h: a.viewerEnvelopes},
		{Method: "GET", Path: "/api/v1/viewer/lotteries", Summary: "The viewer's session's open and just-drawn lotteries, with entered, winners and my_prize_id",
			Tag: tag, Auth: Viewer, Out: List[promo.ViewerLotteryItem]{}, h: a.viewerLotteries},
	}
}
