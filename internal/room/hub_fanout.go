package room

// batchBuilder appends pre-encoded events into one {"type":"batch","events":[…]} frame.
type batchBuilder struct {
	buf []byte
	n   int
}

func (b *batchBuilder) add(ev []byte) {
	if ev == nil {
		return
	}
	if b.n == 0 {
		b.buf = append(b.buf[:0], `{"type":"batch","events":[`...)
	} else {
		b.buf = append(b.buf, ',')
	}
	b.buf = append(b.buf, ev...)
	b.n++
}

func (b *batchBuilder) frame() *frame {
	if b.n == 0 {
		return nil
	}
	return newFrame(append(b.buf, "]}"...))
}

// broadcast builds this tick's frames and queues them: one frame for viewers and, when
// hosts and moderators are owed more (every comment unsampled, prompts, mic requests),
// one for staff. Each is encoded once and the same bytes are queued everywhere.
//
// Sampling: when more than Options.SampleAbove viewers are online (all nodes), the
// viewers' frame carries at most Options.MaxCommentsPerTick ordinary items (viewers'
// comments, share and follow notices) per tick, in arrival order; the host's and
// moderators' comments, gifts, deletions and system events always go. A sender whose
// comment was sampled away (or hit a banned word) gets it alone, so they never notice;
// hosts and moderators get a banned-word comment flagged (commentOut.Hidden).
func (h *hub) broadcast(withStats bool) {
	if len(h.out) == 0 && len(h.extra) == 0 && len(h.staffExtra) == 0 && !withStats {
		return
	}
	sample := h.online() > h.svc.opt.SampleAbove
	budget := h.svc.opt.MaxCommentsPerTick
	large := h.info.Load().LargeGiftFen
	var vb, sb batchBuilder
	staffOnly := false
	for _, e := range h.out {
		switch e.Kind {
		case KindJoin, KindMicRequest, KindMicCancel:
			if h.staffN == 0 {
				continue // nobody here to prompt
			}
			if e.Kind != KindJoin {
				sb.add(e.encode())
				staffOnly = true
			}
			for _, p := range prompts(e, large) {
				sb.add(p)
				staffOnly = true
			}
			continue
		}
		if e.Hidden != Visible {
			// Held back by the banned-word filter: staff get it flagged, its sender
			// as sent (a staff sender already has it in the staff frame), nobody else.
			if h.staffN > 0 {
				sb.add(e.encodeStaff())
				staffOnly = true
			}
			if e.origin == nil || !e.origin.staff {
				h.echo(e)
			}
			continue
		}
		enc := e.encode()
		if h.staffN > 0 {
			sb.add(enc)
			for _, p := range prompts(e, large) {
				sb.add(p)
				staffOnly = true
			}
		}
		if sample && e.ordinary() {
			if budget <= 0 {
				staffOnly = true
				h.echo(e)
				h.svc.metrics.sampled.Add(1)
				continue
			}
			budget--
		}
		vb.add(enc)
	}
	for _, x := range h.extra {
		vb.add(x)
		sb.add(x)
	}
	for _, x := range h.staffExtra {
		sb.add(x)
		staffOnly = true
	}
	if withStats {
		st := h.currentStats()
		h.stats.Store(&st)
		st.HiddenComments = 0 // for staff (API); viewers must not notice their comment was held
		enc := mustJSON(statsOut{Type: "stats", Stats: st})
		vb.add(enc)
		sb.add(enc)
	}
	clear(h.out)
	h.out, h.extra, h.staffExtra = h.out[:0], nil, nil
	vf := vb.frame()
	sf := vf
	if staffOnly {
		sf = sb.frame()
	}
	h.fanout(vf, sf)
}

// fanout queues vf to viewers and sf to staff, then wakes the writers once.
func (h *hub) fanout(vf, sf *frame) {
	sched := h.sched[:0]
	for _, c := range h.conns {
		f := vf
		if c.staff {
			f = sf
		}
		if f != nil && c.enqueue(f) {
			sched = append(sched, c)
		}
	}
	h.svc.writers.push(sched...)
	clear(sched)
	h.sched = sched[:0]
}

// echo sends an event that the room does not show to everyone to its sender alone:
// a comment that hit a banned word or was sampled away.
func (h *hub) echo(e *event) {
	if e.origin != nil {
		e.origin.send(newFrame(e.encode()))
	}
}

// currentStats combines the totals read back from the store with what is in flight.
func (h *hub) currentStats() Stats {
	on := h.online()
	if on > h.peak {
		h.peak = on
	}
	likes := h.likes.Load()
	return Stats{
		Online:         on,
		Peak:           max(h.peak, h.base.Peak),
		Viewers:        h.base.Viewers + h.unconfirmed,
		Likes:          h.base.Likes + h.inflight.Likes + h.unsent.Likes + likes,
		Comments:       h.base.Comments + h.inflight.Comments + h.unsent.Comments,
		HiddenComments: h.base.Hidden + h.inflight.Hidden + h.unsent.Hidden,
		Shares:         h.base.Shares + h.inflight.Shares + h.unsent.Shares,
		Follows:        h.base.Follows + h.inflight.Follows + h.unsent.Follows,
		GiftValue:      h.base.GiftValue + h.inflight.GiftValue + h.unsent.GiftValue,
	}
}
