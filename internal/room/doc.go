// Package room is the real-time engine of a live room (直播间): one hub per session
// owns its connections, decides on every message, moderates, batches and encodes
// events once per tick, fans them out, counts and persists.
//
// # WebSocket library
//
// gorilla/websocket v1.5.3, chosen over coder/websocket for memory per connection
// (goal: ≤ 20 KiB per idle viewer, 10,000 viewers in one room on 2 cores).
// coder/websocket keeps the 4 KiB bufio reader and writer of the hijacked HTTP
// connection per socket and needs a context per read; gorilla lets the room choose a
// 512-byte read buffer, share write buffers through a pool (so an idle socket holds
// none), and hands over the raw connection so the room writes one frame — encoded
// and framed once — to every socket with a single Write, while gorilla keeps the
// handshake, reading, masking, control frames and close. gws was the other option;
// its asynchronous writes allocate a closure per socket per message, which the
// fan-out path must not.
//
// # Design
//
//   - A connection is one read goroutine (decode, validate, rate-limit, do the I/O
//     lookups: gifts, follows, followers-only) and a ring of 16 shared frames. There
//     is no write goroutine and no timer per connection: a fixed pool of writer
//     goroutines (16×GOMAXPROCS, at least 32) drains the rings of the connections that
//     have frames, one connection at a time per writer, writing each pre-framed frame
//     with a single Write under a 2 s deadline. A viewer whose ring is full, or whose
//     write fails or times out, is dropped; it never holds the room back.
//   - The hub goroutine is the only owner of the room's state: joins, leaves, mutes,
//     bans, slow mode, banned words, the mic queue, counters. Messages reach it through
//     a bounded inbox (a full inbox answers error{code:"busy"}); likes never do: the
//     read goroutine adds them to an atomic counter the hub takes once per tick.
//   - Each tick (Options.Tick, 100 ms; Options.BigTick, 150 ms, in a sampled room)
//     the hub hands the events it accepted to the batched writer, one job per room;
//     the writer commits the jobs of all rooms in one transaction, assigning ids. When the hub gets the job back it publishes the
//     events to the other nodes and broadcasts them at once: one batch frame for the
//     viewers and, when staff are owed more, one for the hosts and moderators, each
//     encoded once and queued by pointer to every connection. So a comment is on every
//     screen one tick plus one commit after it was sent, and any id a client sees
//     (comment_deleted, REST deletion) is already stored.
//   - Stats are pushed every Options.StatsEvery (1 s) inside the batch. The counters'
//     increments are written to live_sessions (and the hour's live_popularity row) at
//     the same period, reading the totals back: the stored totals include every node's
//     increments, the hub adds what is still in flight.
//
// # Sampling
//
// When more than Options.SampleAbove viewers (default 2,000) are online in the room,
// all nodes counted, the viewers' frame carries at most Options.MaxCommentsPerTick
// (default 20 per 100 ms tick, 200 a second) ordinary items — viewers' comments,
// share and follow notices — in arrival order; the rest are stored and counted but
// not shown. Never sampled: the host's and moderators' comments, gifts, orders,
// deletions, announcements and system events. Hosts and moderators receive every
// comment. A viewer whose comment was sampled away receives it alone, so their own
// comment always appears on their screen.
//
// # Rules
//
//   - Comments: 1–300 runes after control characters are stripped, only while the
//     session is live, 5 a second per connection (20 messages a second overall, burst
//     40); likes are capped at 100 per message. A comment that hits a banned word
//     (wordfilter: full-width, spacing, punctuation and case tricks) is echoed to its
//     sender as if sent, reaches hosts and moderators flagged (hidden: true,
//     hidden_reason: "banned_word") and no other viewer; it is stored with hidden=1 and
//     counted as hidden_comments, not comments.
//   - Mute (timed, refused with error{code:"muted", until, remaining}), slow mode
//     (SessionInfo.SlowModeSeconds; error{code:"slow_mode", remaining}),
//     followers-only chat (Directory.IsFollower), kick (disconnect; may rejoin), ban
//     (disconnect; joins refused with banned). Sanctions are stored in room_sanctions
//     and fanned out to every node on ControlSubject, so a ban holds across
//     reconnects, nodes and restarts. Hosts and moderators are exempt from mute and
//     slow mode.
//   - Joins: scheduled and live sessions (a scheduled room gets scheduled_at for the
//     countdown in welcome). A bad token is 401 and an unknown session — or another
//     tenant's — 404 before the upgrade; a draft session is upgraded and answered
//     error{code:"not_open"}, an ended one ended plus error{code:"session_ended"},
//     then closed, because a browser cannot read an HTTP status from a failed
//     WebSocket.
//
// # Durability
//
// Events, presence (joins at once; watch time on leave, every PresenceEvery and on
// Flush) and counters go through the batched writer; Flush and Stop return only once
// everything accepted is committed. Chat is broadcast only after its commit, so a
// crash can lose at most the comments of the tick in progress, which nobody saw.
//
// # Multi-node
//
// Every node serving viewers of a session runs a hub for it. Hubs publish their
// committed events and, every StatsEvery, their local online count on EventsSubject
// (tagged with NodeID, so a node ignores its own); the others merge the events into
// their next batch and add the counts (kept for 3×StatsEvery). The other counters
// (likes, comments, gifts, viewers…) add up through the store: each node writes its
// increments and reads the totals back every StatsEvery, so another node's likes show
// within about two seconds. Moderation is applied by the node that took it before
// the API answers, and reaches the other nodes on ControlSubject.
//
// # Limits a load generator must respect
//
// Per connection: 20 messages a second (burst 40), of which 5 comments a second
// (burst 5); likes count up to 100 per message. A benchmark sending 200 comments and
// 2,000 likes a second therefore spreads them over at least 40 commenters and, at one
// like per message, 100 likers (or sends like{count:n}).
package room
