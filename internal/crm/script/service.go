// Package script is the script library (话术库, SPEC §6): ready answers to the questions
// customers ask again and again — shipping time, returns, how long the live lasts,
// discount details — kept as text, picture, video and link replies in categories, so
// an agent answers in one click instead of typing the same paragraph fifty times a day.
//
// Decisions worth knowing:
//   - Text replies use the talk-track variables of internal/crm/talk ({name},
//     {live_time}, …), checked when a script is saved; rendering fills them for one
//     customer, with {name} from the CRM profile and {brand} from the tenant when the
//     sender gives none. A customer whose name is unknown is addressed as "亲".
//   - Rendering is the "send" operation: it counts a use, so the most used answers
//     rise to the top of the list. The lead inbox calls it to send in one click.
//   - A brand's library starts with four categories and one answer each (seed.go),
//     added on its first use of the library, once: deleting them is respected.
//   - A script's replies are one JSON column: they are always read and written whole.
package script

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/org"
)

// Audit actions of the library; AuditActions lists them for the console's catalogs.
// Sending (rendering) is not audited: it is counted on the script instead.
const (
	AuditCategoryCreate = "script_category.create"
	AuditCategoryUpdate = "script_category.update"
	AuditCategoryDelete = "script_category.delete"
	AuditCreate         = "script.create"
	AuditUpdate         = "script.update"
	AuditDelete         = "script.delete"
)

// AuditActions are all the audit actions of the script library.
var AuditActions = []string{AuditCategoryCreate, AuditCategoryUpdate, AuditCategoryDelete, AuditCreate, AuditUpdate, AuditDelete}

// Options are the collaborators of a Service; zero values take defaults.
type Options struct {
	Now    func() time.Time // injected clock; time.Now when nil
	Logger *slog.Logger
}

// Service is the script library of every tenant.
type Service struct {
	store  *db.DB
	now    func() time.Time
	log    *slog.Logger
	seeded sync.Map // tenant id → struct{}: the default library is in place
}

// NewService builds the service.
func NewService(store *db.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{store: store, now: opt.Now, log: opt.Logger.With("component", "script")}
}

// canRead: agents replying to customers and anyone who may see customers use the library.
func canRead(p org.Principal) error {
	if !p.Can(org.PermCustomersView) && !p.Can(org.PermInboxReply) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not use the script library (needs %s or %s)",
			org.PermCustomersView, org.PermInboxReply)
	}
	return nil
}

// canManage: editing the library is customer management.
func canManage(p org.Principal) error {
	if !p.Can(org.PermCustomersManage) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not edit the script library (needs %s)", org.PermCustomersManage)
	}
	return nil
}

// begin checks a permission and makes sure the tenant's default library exists, so
// the first thing a brand does with the library always sees the defaults first.
func (s *Service) begin(ctx context.Context, p org.Principal, check func(org.Principal) error) error {
	if err := check(p); err != nil {
		return err
	}
	return s.ensureSeeded(ctx, p.TenantID)
}

// audited runs fn in a transaction and records action in the audit log with the
// target and detail fn returns, so no change to the library goes unrecorded.
func (s *Service) audited(ctx context.Context, p org.Principal, action string, fn func(tx *db.Tx) (target, detail string, err error)) error {
	return s.store.Tx(ctx, func(tx *db.Tx) error {
		target, detail, err := fn(tx)
		if err != nil {
			return err
		}
		return auditRecord(ctx, tx, s.now(), p, action, target, detail)
	})
}
