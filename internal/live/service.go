// Package live holds live sessions (直播): their lifecycle and settings, entry links,
// viewers, reservations and reminders, the gift catalog, popularity rankings and the
// host rules (goods permission, new-host credits).
package live

import (
	"context"

	"github.com/siyu-live/siyu"
)

// Service implements the live-session rules.
type Service struct{}

// AuthenticateViewer is implemented by the live sessions work (issue 3).
func (s *Service) AuthenticateViewer(ctx context.Context, token string) (Viewer, error) {
	return Viewer{}, siyu.Errorf(siyu.EUNAUTHORIZED, "viewer tokens are not supported yet")
}
