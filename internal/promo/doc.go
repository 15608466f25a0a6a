// Package promo holds the in-room marketing tools of SPEC §4 that give money or prizes
// away: red envelopes (红包), with milestone rules, and provably fair lotteries (抽奖).
// (Flash sales live with orders in internal/commerce.)
//
// # Red envelopes
//
// Split: the shares are computed once, when the envelope is created, and stored with it
// (see Split): random mode draws count−1 distinct cut points uniformly from 1…total−1
// with crypto/rand and takes the gaps, fixed mode gives total/count each with the
// remainder as one extra fen on the first shares. So every share is ≥ 1 fen, the
// shares add up to the total exactly, and a grab is O(1): it takes the next share.
//
// Hot path: one owner goroutine per envelope holds the free shares and the set of
// grabbers in memory and decides each grab (expired, already_grabbed, empty, or the
// next share). Decided grabs go to one group-commit writer that writes everything
// queued since its last commit in one transaction (the envelope's totals plus a
// multi-row insert), then answers those callers 200. Nothing is acknowledged before it
// is committed, so a kill -9 loses no acknowledged grab; on restart an owner is
// rebuilt from the rows on first use, and the unique indexes (envelope, viewer) and
// (envelope, share) back the owner up. The follow condition is checked before the
// owner, in the caller's goroutine.
//
// A refusal (empty, already_grabbed) is decided in memory and may be answered while
// an earlier grab is still being committed; if that commit fails (rare), the owner
// reloads from the store once its in-flight grabs are answered and the shares come
// back. Owners are meant to be one per envelope (one node per room, DESIGN.md); a
// second node's owner is kept honest by the unique indexes and the open-status check
// in the writer, not coordinated.
//
// Expiry: a durable job at expires_at closes the envelope through its owner (which
// stops granting and waits for its in-flight commits), then one transaction sets
// status expired and refunded = total − grabbed, guarded by status = 'open' so it
// happens once, and queues the red_envelope.refunded webhook (there is no wallet yet).
// At every moment total = Σ grabs + remaining + refunded.
//
// Who reads what: staff of the tenant read GET /red-envelopes/{id}; viewers of the
// envelope's session read GET /viewer/red-envelopes/{id} (the same, plus my_amount).
//
// Milestones: a rule pre-arms an envelope for a likes milestone; the room calls
// OnLikes with its like total and the rule fires once (fired_at guard). Large gifts
// only prompt the host (room engine), who sends an envelope by hand.
//
// # Lotteries
//
// At launch a 32-byte seed from crypto/rand is stored and hex(sha256(seed)) published
// as the commitment; at the draw the seed is revealed and the winners are
// DrawWinners(seed, entrants, winners) — algorithm siyu-lottery-v1, specified in
// docs/lottery.md and checked by VerifyLottery and `siyu lottery verify`. Entrants are
// viewer ids in entry order, published while the lottery is open.
//
// The draw is a durable job at launch + delay (unique key per lottery); the draw
// transaction flips status from open to drawn, so it happens exactly once also across
// restarts. Entries bump the lottery's entrant_count in their own transaction, which
// serialises them with the draw on the lottery row. Entering twice is idempotent
// (200 with the same entry). Winners get an in-app message linking to the delivery
// form; the host reads the winners with their delivery details.
//
// Conditions: follow (live.Directory.IsFollower, else the follows table), share (a
// room_events row of kind share by the viewer in the session), password (constant-time
// comparison of digests), none; plus min_watch_minutes, measured as
// room_presence.watch_ms plus the time since the room last booked the viewer, capped
// at its 30 s booking period (may overstate by ≤ 30 s for a viewer who just left).
// Personal-plan tenants may launch Settings.PersonalLotteriesPerMonth lotteries per
// calendar month in China time (409 lottery_limit_reached beyond); enterprise tenants
// are unlimited.
//
// # Room events
//
// Through RoomNotifier (wired by the server; nil sends nothing): red_envelope and
// red_envelope_empty, lottery and lottery_drawn to the room, lottery_won to each
// winner. They are sent after the commit and never fail the change.
package promo
