package commentbuy

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/siyu-live/siyu/internal/room"
)

// maxCommentRunes is the longest trimmed comment worth matching: NFKC may fold a few
// runes together, never a long sentence into a 20-rune keyword.
const maxCommentRunes = 4 * MaxKeywordRunes

// draftTimeout bounds one draft's transaction.
const draftTimeout = 15 * time.Second

// OnComment implements room.CommentWatcher. It runs on the room's goroutine, so it
// only queues the comment for a worker (by viewer, keeping a viewer's comments in
// order); a full queue hands the comment to a goroutine that waits for room there,
// so the room never blocks and no comment is dropped. After Stop it does nothing.
func (s *Service) OnComment(c room.ViewerComment) {
	if t := strings.TrimSpace(c.Text); t == "" || utf8.RuneCountInString(t) > maxCommentRunes {
		return
	}
	s.queueMu.RLock()
	defer s.queueMu.RUnlock()
	if s.closing {
		return
	}
	s.startOnce.Do(s.startWorkers)
	q := s.queues[uint64(c.ViewerID)%uint64(len(s.queues))]
	s.pending.add()
	select {
	case q <- c:
	default:
		go func() { q <- c }()
	}
}

func (s *Service) startWorkers() {
	s.queues = make([]chan room.ViewerComment, s.opt.Workers)
	for i := range s.queues {
		q := make(chan room.ViewerComment, s.opt.QueueSize)
		s.queues[i] = q
		s.workers.Go(func() {
			for {
				select {
				case c := <-q:
					s.handle(c)
					s.pending.done()
				case <-s.quit:
					return
				}
			}
		})
	}
}

// Stop stops taking comments, drafts everything already queued and stops the
// workers. Call it after the rooms have stopped (they tell the last comments while
// stopping) and before the store closes. Safe twice and without any comment.
func (s *Service) Stop() {
	s.queueMu.Lock()
	already := s.closing
	s.closing = true
	s.queueMu.Unlock()
	if already {
		return
	}
	s.pending.wait()
	close(s.quit)
	s.workers.Wait()
}

// Drain waits until every comment told so far has been handled; tests use it to know
// a comment that drafted nothing really was considered.
func (s *Service) Drain() { s.pending.wait() }

// counter counts comments queued and not yet handled; wait returns when none are.
type counter struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int
}

func (c *counter) add() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *counter) done() {
	c.mu.Lock()
	c.n--
	if c.n == 0 && c.cond != nil {
		c.cond.Broadcast()
	}
	c.mu.Unlock()
}

func (c *counter) wait() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
	}
	for c.n > 0 {
		c.cond.Wait()
	}
}

// handle matches one comment against its session's active offers and drafts.
func (s *Service) handle(c room.ViewerComment) {
	key := Normalize(c.Text)
	if key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), draftTimeout)
	defer cancel()
	for _, o := range s.offersFor(ctx, c.TenantID, c.SessionID) {
		if o.KeywordNorm == key {
			s.draft(ctx, o, c)
		}
	}
}

// sessionOffers is the cached list of one session's active offers.
type sessionOffers struct {
	loaded time.Time // wall clock, not business time: only the cache's age
	offers []offerRow
}

// offersFor returns a session's active offers, read at most once per CacheFor.
// A failed read is logged and matches nothing (the comment itself is stored).
func (s *Service) offersFor(ctx context.Context, tenantID, sessionID int64) []offerRow {
	s.cacheMu.Lock()
	e, gen := s.cache[sessionID], s.gen
	s.cacheMu.Unlock()
	if e != nil && time.Since(e.loaded) < s.opt.CacheFor {
		return e.offers
	}
	rows, err := activeOffers(ctx, s.store, tenantID, sessionID)
	if err != nil {
		s.log.Error("comment-to-buy: read offers", "session", sessionID, "err", err)
		return nil
	}
	s.cacheMu.Lock()
	if gen != s.gen { // an offer was armed or stopped meanwhile: these rows may miss it
		s.cacheMu.Unlock()
		return rows
	}
	s.cache[sessionID] = &sessionOffers{loaded: time.Now(), offers: rows}
	if len(s.cache) > 10000 { // ended sessions: drop the stale ones now and then
		for id, e := range s.cache {
			if time.Since(e.loaded) > time.Minute {
				delete(s.cache, id)
			}
		}
	}
	s.cacheMu.Unlock()
	return rows
}

// forget drops a session's cached offers after this node armed or stopped one.
func (s *Service) forget(sessionID int64) {
	s.cacheMu.Lock()
	delete(s.cache, sessionID)
	s.gen++
	s.cacheMu.Unlock()
}
