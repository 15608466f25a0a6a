// Package transfer moves customers in and out of Siyu as files: CSV (UTF-8 with or
// without BOM, GBK from Chinese Excel, UTF-16 "Unicode text") and Excel .xlsx. The
// header row names the columns in Chinese or English (姓名/name, 手机/phone, 微信/openid,
// unionid, 标签/tags, 备注/remark, 来源/source); other columns are reported, not fatal.
//
// Decisions worth knowing:
//   - An import is two steps. Upload decodes the file, checks every row and stores the
//     plan with a per-row report (the dry run): bad phones, rows with nothing to know
//     the customer by, rows that are the same person as an earlier row, rows that will
//     merge into an existing customer. Nothing in customers changes until an operator
//     confirms; confirming twice applies once; rows with errors are skipped.
//   - Confirming applies the plan through crm.Service.Create, a row at a time in
//     batches, so merging on a shared phone or WeChat id, tags and remarks behave
//     exactly as for a customer created by hand. It runs as durable jobs of a few
//     thousand rows each (a 200 000-row file neither holds a request open nor is lost
//     by a restart); progress is stored after every batch.
//   - Applying is at-least-once per batch: a crash after some Create calls of a batch
//     and before its progress commits applies those rows again. Create is idempotent
//     for a row with a phone or WeChat id (same profile, tags put on once, a remark not
//     repeated); a row known by name only would be created a second time.
//   - Exports (customer list filters or a segment) mask phones and WeChat ids for staff
//     without contacts.view, as the list does, and are written to the audit log with
//     their filters and row count before the first byte is sent.
package transfer

import "time"

// Import statuses.
const (
	ImportChecking = "checking" // rows are being stored (a crash here leaves it so)
	ImportReady    = "ready"    // dry run done: waiting for confirmation
	ImportApplying = "applying" // confirmed: rows are being applied
	ImportDone     = "done"
	ImportFailed   = "failed" // applying stopped on an unexpected error (see Error)
)

// Audit actions of imports and exports (crm.AuditList stays the action of list pages).
const (
	AuditImport = "customer.import"
	AuditExport = "customer.export"
)

// AuditActions are the audit actions this package records, for the console's texts.
var AuditActions = []string{AuditImport, AuditExport}

// IssuesShown is how many rows with issues an import carries itself; all of them are
// listed by Rows.
const IssuesShown = 100

// Import is an uploaded file, its dry-run report and, once confirmed, its result.
type Import struct {
	ID             int64       `json:"id"`
	Status         string      `json:"status"` // checking | ready | applying | done | failed
	Filename       string      `json:"filename"`
	Format         string      `json:"format"`             // csv | xlsx
	Encoding       string      `json:"encoding,omitempty"` // csv: utf-8 | gbk | utf-16
	Sheet          string      `json:"sheet,omitempty"`    // xlsx: the worksheet read
	Columns        []Column    `json:"columns"`
	UnknownColumns []string    `json:"unknown_columns"` // headers of columns not imported
	Counts         Counts      `json:"counts"`
	Result         Result      `json:"result"`
	Error          string      `json:"error,omitempty"` // why applying failed
	CreatedBy      string      `json:"created_by"`
	CreatedAt      time.Time   `json:"created_at"`
	ConfirmedBy    string      `json:"confirmed_by,omitempty"`
	ConfirmedAt    time.Time   `json:"confirmed_at,omitzero"`
	FinishedAt     time.Time   `json:"finished_at,omitzero"`
	Issues         []RowReport `json:"issues"`      // the first IssuesShown rows with errors or notes
	MoreIssues     bool        `json:"more_issues"` // more rows have issues than Issues holds
}

// Counts is the dry run's verdict on the data rows.
type Counts struct {
	Rows    int64 `json:"rows"`    // data rows read (blank rows not counted)
	New     int64 `json:"new"`     // will create a customer
	Merge   int64 `json:"merge"`   // will merge into an existing customer or an earlier row
	Error   int64 `json:"error"`   // will be skipped
	Skipped int64 `json:"skipped"` // blank rows between data rows, ignored
}

// Result is what confirming did so far.
type Result struct {
	Applied int64 `json:"applied"` // rows applied of counts.new + counts.merge
	Created int64 `json:"created"`
	Merged  int64 `json:"merged"`
	Failed  int64 `json:"failed"`  // refused by the CRM when applied (the row says why)
	Skipped int64 `json:"skipped"` // rows with errors, not applied
}

// RowReport is one row of the report. Phones are masked for staff without
// contacts.view.
type RowReport struct {
	Row        int      `json:"row"`              // as the spreadsheet numbers it
	Status     string   `json:"status"`           // new | merge | error
	Result     string   `json:"result,omitempty"` // after confirming: created | merged | failed | skipped
	Name       string   `json:"name"`
	Phone      string   `json:"phone,omitempty"`
	Tags       []string `json:"tags"`
	SameAsRow  int      `json:"same_as_row,omitempty"` // an earlier row of the file with the same person
	CustomerID int64    `json:"customer_id,omitempty"` // the existing customer merged into, or the one applied to
	Issues     []Issue  `json:"issues"`
}
