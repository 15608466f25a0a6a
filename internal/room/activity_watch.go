package room

// ViewerActivity is what one committed persistence job changed for one viewer of a
// room, as told to an ActivityWatcher: joins (with the entry link and whether it was
// the viewer's first join of the session), watch time and likes booked, and the
// comments and gift value stored.
type ViewerActivity struct {
	ViewerID    int64
	EntryLinkID int64 // of the viewer's join, 0 without one
	Joins       int   // join events in this job
	FirstJoin   bool  // the viewer's first join of this session
	WatchMs     int64 // watch time booked
	Likes       int64
	Comments    int   // visible comments
	GiftFen     int64 // value of gifts sent
	Gifts       int   // gifts sent (analytics counts them; the CRM sums GiftFen)
	Shares      int
	Follows     int
	LastSeen    int64 // unix ms of the latest of the above
}

// Activity is one committed job of one room: its tenant, session and the viewers it
// touched, in no particular order.
type Activity struct {
	TenantID  int64
	SessionID int64
	Viewers   []ViewerActivity
}

// ActivityWatcher is told, after every commit of a room's batched writer, what the
// batch changed per viewer, so the CRM keeps profiles current without the room
// knowing it. OnActivity is called on the room's goroutine: it must return at once and
// never touch the store, handing the work to its own goroutines. Each node tells the
// jobs it committed, so every join and every booked millisecond is told once in a
// cluster.
type ActivityWatcher interface {
	OnActivity(a Activity)
}

// SetActivityWatcher attaches the activity watcher after construction (the CRM is
// built after the rooms); call it before Start.
func (s *Service) SetActivityWatcher(w ActivityWatcher) { s.opt.Activity = w }

// AddActivityWatcher attaches one more watcher (analytics next to the CRM): each is
// told every committed job, in the order added. Call it before Start.
func (s *Service) AddActivityWatcher(w ActivityWatcher) {
	switch cur := s.opt.Activity.(type) {
	case nil:
		s.opt.Activity = w
	case activityWatchers:
		s.opt.Activity = append(cur, w)
	default:
		s.opt.Activity = activityWatchers{cur, w}
	}
}

// activityWatchers tells several watchers the same activity.
type activityWatchers []ActivityWatcher

func (ws activityWatchers) OnActivity(a Activity) {
	for _, w := range ws {
		w.OnActivity(a)
	}
}

// watchActivity tells the watcher what a committed job changed per viewer.
func (h *hub) watchActivity(j *job) {
	w := h.svc.opt.Activity
	if w == nil || (len(j.events) == 0 && len(j.pres) == 0) {
		return
	}
	idx := map[int64]int{}
	var out []ViewerActivity
	get := func(v int64) *ViewerActivity {
		i, ok := idx[v]
		if !ok {
			i = len(out)
			idx[v] = i
			out = append(out, ViewerActivity{ViewerID: v})
		}
		return &out[i]
	}
	for _, e := range j.events {
		if e.ViewerID == 0 || e.staff() {
			continue
		}
		switch e.Kind {
		case KindJoin:
			a := get(e.ViewerID)
			a.Joins++
			a.EntryLinkID = e.RefID
			a.FirstJoin = a.FirstJoin || j.newIDs[e.ViewerID]
			a.LastSeen = max(a.LastSeen, e.At)
		case KindComment:
			if e.Hidden == Visible {
				a := get(e.ViewerID)
				a.Comments++
				a.LastSeen = max(a.LastSeen, e.At)
			}
		case KindGift:
			a := get(e.ViewerID)
			a.GiftFen += e.Amount
			a.Gifts += max(e.Count, 1)
			a.LastSeen = max(a.LastSeen, e.At)
		case KindShare, KindFollow:
			a := get(e.ViewerID)
			if e.Kind == KindShare {
				a.Shares++
			} else {
				a.Follows++
			}
			a.LastSeen = max(a.LastSeen, e.At)
		}
	}
	for _, p := range j.pres {
		if p.ViewerID == 0 || (p.WatchMs == 0 && p.Likes == 0) {
			continue
		}
		a := get(p.ViewerID)
		a.WatchMs += p.WatchMs
		a.Likes += p.Likes
		a.LastSeen = max(a.LastSeen, p.LastSeen)
	}
	if len(out) > 0 {
		w.OnActivity(Activity{TenantID: h.tenant, SessionID: h.id, Viewers: out})
	}
}
