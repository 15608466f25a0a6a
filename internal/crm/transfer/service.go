package transfer

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/siyu-live/siyu"
	"github.com/siyu-live/siyu/internal/crm"
	"github.com/siyu-live/siyu/internal/crm/segment"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/jobs"
	"github.com/siyu-live/siyu/internal/org"
)

// Options are the collaborators and tunables of a Service; zero values take defaults.
type Options struct {
	Now func() time.Time // injected clock; time.Now when nil
	// Queue runs confirmed imports as durable jobs; NewService registers its kind. Nil
	// applies a confirmed import inside the Confirm call.
	Queue *jobs.Queue
	// Segments lets an export take a segment's customers; nil refuses segment_id.
	Segments *segment.Service
	Logger   *slog.Logger
	// RowsPerJob bounds the rows one job applies before it hands on to the next, so a
	// job stays well inside its lease [5000].
	RowsPerJob int
	// Batch is how many rows are applied between two progress commits [200].
	Batch int
}

// Service is customer import and export. It is safe for concurrent use.
type Service struct {
	store *db.DB
	crm   *crm.Service
	opt   Options
	now   func() time.Time
	log   *slog.Logger
}

// jobKind is the job that applies a confirmed import.
const jobKind = "crm.import.apply"

// NewService builds the service and registers its job kind on opt.Queue, so it must
// be called before the queue starts.
func NewService(store *db.DB, c *crm.Service, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.RowsPerJob <= 0 {
		opt.RowsPerJob = 5000
	}
	if opt.Batch <= 0 {
		opt.Batch = 200
	}
	s := &Service{store: store, crm: c, opt: opt, now: opt.Now, log: opt.Logger.With("component", "crm.transfer")}
	if opt.Queue != nil {
		opt.Queue.Register(jobKind, s.runJob)
	}
	return s
}

func need(p org.Principal, perm org.Permission) error {
	if !p.Can(perm) {
		return siyu.Errorf(siyu.EFORBIDDEN, "your role may not do this (needs %s)", perm)
	}
	return nil
}

// Upload is a file to import.
type Upload struct {
	Filename string
	Format   string // csv | xlsx; empty: from the file name, then the content
	Data     []byte
}

// Upload decodes and checks a file and stores the plan: the dry run. Customers are not
// touched; the answer is the report (Confirm applies it).
func (s *Service) Upload(ctx context.Context, p org.Principal, in Upload) (Import, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Import{}, err
	}
	filename := cleanFilename(in.Filename)
	format, err := FormatOf(in.Format, filename, in.Data)
	if err != nil {
		return Import{}, err
	}
	t, err := Decode(format, in.Data)
	if err != nil {
		return Import{}, err
	}
	cols, at, err := mapColumns(t.Header)
	if err != nil {
		return Import{}, err
	}
	rules, err := ruleTags(ctx, s.store, p.TenantID)
	if err != nil {
		return Import{}, err
	}
	ck := &checker{cols: cols, at: at, ruleTags: rules}
	plans := make([]*plan, len(t.Rows))
	for i, r := range t.Rows {
		plans[i] = ck.check(r)
	}
	linkRows(plans)
	if err := s.matchExisting(ctx, p.TenantID, plans); err != nil {
		return Import{}, err
	}
	id, err := s.storeImport(ctx, p, t, cols, plans, filename, s.now().UnixMilli())
	if err != nil {
		return Import{}, err
	}
	return s.Get(ctx, p, id)
}

func cleanFilename(name string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" {
		name = ""
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	return name
}

// matchExisting finds the customers rows will merge into, and says what happens to a
// row without a name.
func (s *Service) matchExisting(ctx context.Context, tenantID int64, plans []*plan) error {
	var ids []identity
	for _, p := range plans {
		if p.Status != StatusError {
			ids = append(ids, p.identities()...)
		}
	}
	found, err := owners(ctx, s.store, tenantID, ids)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.Status == StatusError {
			continue
		}
		var targets []int64
		for _, id := range p.identities() {
			if o, ok := found[id]; ok && !slices.Contains(targets, o.ID) {
				targets = append(targets, o.ID)
			}
		}
		slices.Sort(targets)
		if len(targets) > 0 {
			p.Status, p.Target = StatusMerge, targets[0]
			list := make([]string, len(targets))
			for i, t := range targets {
				list[i] = "#" + strconv.FormatInt(t, 10)
			}
			p.add("", LevelNote, IssueExisting, strings.Join(list, ", "), "merges into existing customer %s", strings.Join(list, " and "))
		}
		if p.Name == "" {
			if p.Status == StatusMerge {
				p.add("", LevelNote, IssueNoName, "", "no name: the customer keeps the name they have")
			} else {
				n := placeholderName(p)
				p.add("", LevelNote, IssueNoName, n, "no name: the new customer is called %q", n)
			}
		}
	}
	return nil
}

// placeholderName names a new customer the file gave no name: 客户 and the last four
// digits of the phone (or characters of the WeChat id).
func placeholderName(p *plan) string {
	for _, v := range []string{p.Phone, p.OpenID, p.UnionID} {
		if v != "" {
			r := []rune(v)
			return "客户" + string(r[max(0, len(r)-4):])
		}
	}
	return "客户"
}

// storeImport writes an import and its rows: the rows in transactions of a few thousand, so a
// 200 000-row file never holds the (SQLite) writer for long; the import turns ready at
// the end.
func (s *Service) storeImport(ctx context.Context, p org.Principal, t *Table, cols []Column, plans []*plan, filename string, now int64) (int64, error) {
	var c Counts
	c.Rows, c.Skipped = int64(len(plans)), int64(t.Blank)
	for _, pl := range plans {
		switch pl.Status {
		case StatusNew:
			c.New++
		case StatusMerge:
			c.Merge++
		default:
			c.Error++
		}
	}
	colJSON, err := json.Marshal(cols)
	if err != nil {
		return 0, err
	}
	id, err := db.Insert(ctx, s.store, `INSERT INTO customer_imports (tenant_id, status, filename, format, encoding, sheet, column_map,
		total_rows, new_rows, merge_rows, error_rows, blank_rows, created_by, created_by_email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.TenantID, ImportChecking, filename, t.Format, t.Encoding, t.Sheet,
		string(colJSON), c.Rows, c.New, c.Merge, c.Error, c.Skipped, p.UserID, p.Email, now)
	if err != nil {
		return 0, fmt.Errorf("transfer: store import: %w", err)
	}
	const perTx = 5000
	for start := 0; start < len(plans); start += perTx {
		part := plans[start:min(start+perTx, len(plans))]
		if err := s.store.Tx(ctx, func(tx *db.Tx) error { return insertRows(ctx, tx, p.TenantID, id, part) }); err != nil {
			return 0, err
		}
	}
	if _, err := s.store.ExecContext(ctx, `UPDATE customer_imports SET status = ? WHERE tenant_id = ? AND id = ?`,
		ImportReady, p.TenantID, id); err != nil {
		return 0, fmt.Errorf("transfer: store import: %w", err)
	}
	return id, nil
}

// Get returns an import with its counts, result and the first rows with issues.
func (s *Service) Get(ctx context.Context, p org.Principal, id int64) (Import, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return Import{}, err
	}
	r, err := getImport(ctx, s.store, p.TenantID, id)
	if err != nil {
		return Import{}, err
	}
	im := r.public()
	rows, next, err := s.rows(ctx, p, id, RowQuery{Filter: FilterIssues, Limit: IssuesShown})
	if err != nil {
		return Import{}, err
	}
	im.Issues, im.MoreIssues = rows, next != ""
	return im, nil
}

// List lists a tenant's imports, newest first, a page at a time (without their issues).
func (s *Service) List(ctx context.Context, p org.Principal, cursor string, limit int) ([]Import, string, error) {
	if err := need(p, org.PermCustomersManage); err != nil {
		return nil, "", err
	}
	before, err := parseCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	if before == 0 {
		before = 1 << 62
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var recs []importRec
	if err := s.store.SelectContext(ctx, &recs, `SELECT `+importCols+` FROM customer_imports WHERE tenant_id = ? AND id < ?
		ORDER BY id DESC LIMIT ?`, p.TenantID, before, limit+1); err != nil {
		return nil, "", fmt.Errorf("transfer: list imports: %w", err)
	}
	next := ""
	if len(recs) > limit {
		recs = recs[:limit]
		next = strconv.FormatInt(recs[limit-1].ID, 10)
	}
	out := make([]Import, len(recs))
	for i, r := range recs {
		out[i] = r.public()
	}
	return out, next, nil
}

func parseCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil || n <= 0 {
		return 0, siyu.Invalid("cursor", "cursor must be the next_cursor of the previous page")
	}
	return n, nil
}

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
