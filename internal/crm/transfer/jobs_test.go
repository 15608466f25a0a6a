package transfer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/siyu-live/siyu/internal/crm/transfer"
	"github.com/siyu-live/siyu/internal/db"
	"github.com/siyu-live/siyu/internal/db/dbtest"
	"github.com/siyu-live/siyu/internal/jobs"
)

// TestConfirmRunsAsJobs: with a queue, confirming answers at once ("applying") and
// jobs apply the rows a few at a time, each handing on to the next, until the import
// is done; confirming meanwhile starts nothing more.
func TestConfirmRunsAsJobs(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, store *db.DB) {
		queue := jobs.New(store, nil, nil)
		e := newEnv(t, store, transfer.Options{Queue: queue, RowsPerJob: 7, Batch: 3})
		var b strings.Builder
		b.WriteString("name,phone,tags\n")
		for i := range 25 {
			fmt.Fprintf(&b, "客户%d,1390000%04d,批量导入\n", i, i)
		}
		b.WriteString("坏行,not-a-phone,\n")
		im := e.upload(e.Owner, b.String())
		if im.Counts.New != 25 || im.Counts.Error != 1 {
			t.Fatalf("counts %+v", im.Counts)
		}
		got, started, err := e.svc.Confirm(e.Ctx, e.Owner, im.ID)
		if err != nil || !started || got.Status != transfer.ImportApplying || got.Result.Applied != 0 {
			t.Fatalf("confirm: %+v started %v %v", got, started, err)
		}
		if _, started, _ := e.svc.Confirm(e.Ctx, e.Owner, im.ID); started {
			t.Error("a second confirm while applying started again")
		}
		ran, err := queue.RunDue(e.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ran != 4 { // 7 + 7 + 7 + 4 rows
			t.Errorf("%d jobs ran, want 4", ran)
		}
		done, err := e.svc.Get(e.Ctx, e.Owner, im.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != transfer.ImportDone || done.Result != (transfer.Result{Applied: 25, Created: 25, Skipped: 1}) {
			t.Errorf("after the jobs: %s %+v", done.Status, done.Result)
		}
		if n := e.customers(e.Owner.TenantID); n != 25 {
			t.Errorf("%d customers, want 25", n)
		}
		if ran, _ := queue.RunDue(e.Ctx); ran != 0 {
			t.Errorf("%d more jobs ran after the import was done", ran)
		}
	})
}
