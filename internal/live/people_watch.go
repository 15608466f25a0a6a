package live

import (
	"context"

	"github.com/siyu-live/siyu/internal/db"
)

// PeopleWatcher hears the viewer facts a customer profile is kept from, inside the
// transaction that records them, so a profile can never miss one (the CRM writes them
// to its own inbox there and applies them after commit). An error rolls the change
// back, as for any other write of that transaction.
type PeopleWatcher interface {
	// PhoneVerified: the viewer proved they own v.Phone.
	PhoneVerified(ctx context.Context, tx *db.Tx, v Viewer) error
	// Reserved: the viewer reserved an upcoming session (new reservations only).
	Reserved(ctx context.Context, tx *db.Tx, tenantID, sessionID, viewerID int64) error
	// SessionEnded: the session ended; its reservers who never came are no-shows.
	SessionEnded(ctx context.Context, tx *db.Tx, tenantID, sessionID int64) error
}

// SetPeopleWatcher attaches the CRM after construction; call it before serving.
func (s *Service) SetPeopleWatcher(w PeopleWatcher) { s.people = w }

// AddPeopleWatcher attaches one more watcher (analytics next to the CRM): each hears
// every fact in the same transaction, in the order added. Call it before serving.
func (s *Service) AddPeopleWatcher(w PeopleWatcher) {
	switch cur := s.people.(type) {
	case nil:
		s.people = w
	case peopleWatchers:
		s.people = append(cur, w)
	default:
		s.people = peopleWatchers{cur, w}
	}
}

// peopleWatchers tells several watchers the same facts; the first error stops.
type peopleWatchers []PeopleWatcher

func (ws peopleWatchers) PhoneVerified(ctx context.Context, tx *db.Tx, v Viewer) error {
	for _, w := range ws {
		if err := w.PhoneVerified(ctx, tx, v); err != nil {
			return err
		}
	}
	return nil
}

func (ws peopleWatchers) Reserved(ctx context.Context, tx *db.Tx, tenantID, sessionID, viewerID int64) error {
	for _, w := range ws {
		if err := w.Reserved(ctx, tx, tenantID, sessionID, viewerID); err != nil {
			return err
		}
	}
	return nil
}

func (ws peopleWatchers) SessionEnded(ctx context.Context, tx *db.Tx, tenantID, sessionID int64) error {
	for _, w := range ws {
		if err := w.SessionEnded(ctx, tx, tenantID, sessionID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) watchPhone(ctx context.Context, tx *db.Tx, v Viewer) error {
	if s.people == nil {
		return nil
	}
	return s.people.PhoneVerified(ctx, tx, v)
}

func (s *Service) watchReserved(ctx context.Context, tx *db.Tx, tenantID, sessionID, viewerID int64) error {
	if s.people == nil {
		return nil
	}
	return s.people.Reserved(ctx, tx, tenantID, sessionID, viewerID)
}

func (s *Service) watchEnded(ctx context.Context, tx *db.Tx, tenantID, sessionID int64) error {
	if s.people == nil {
		return nil
	}
	return s.people.SessionEnded(ctx, tx, tenantID, sessionID)
}
