package web

import (
	"testing"

	"github.com/siyu-live/siyu/internal/crm/transfer"
)

// TestImportTextsCoverEveryCode: every issue code, file problem, status, field, row
// filter and audit action of the import has its text in both languages (the templates
// build these keys at run time, so the template scan cannot see them).
func TestImportTextsCoverEveryCode(t *testing.T) {
	cats, err := loadCatalogs(files)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range transfer.IssueCodes {
		keys = append(keys, "custimport.issue."+c)
	}
	for _, r := range transfer.Reasons {
		keys = append(keys, "custimport.err."+r)
	}
	for _, s := range []string{transfer.ImportChecking, transfer.ImportReady, transfer.ImportApplying, transfer.ImportDone, transfer.ImportFailed} {
		keys = append(keys, "custimport.status."+s)
	}
	for _, s := range []string{transfer.StatusNew, transfer.StatusMerge, transfer.StatusError} {
		keys = append(keys, "custimport.row."+s)
	}
	for _, s := range []string{transfer.ResultCreated, transfer.ResultMerged, transfer.ResultFailed, transfer.ResultSkipped} {
		keys = append(keys, "custimport.result."+s)
	}
	for _, f := range transfer.Fields {
		keys = append(keys, "custimport.field."+f, "custimport.help."+f)
	}
	for _, f := range importFilters {
		keys = append(keys, "custimport.rows.empty."+f)
	}
	for _, f := range []string{transfer.FormatCSV, transfer.FormatXLSX} {
		keys = append(keys, "custimport.format."+f)
	}
	for _, e := range []string{transfer.EncodingUTF8, transfer.EncodingGBK, transfer.EncodingUTF16} {
		keys = append(keys, "custimport.enc."+e)
	}
	for _, a := range transfer.AuditActions {
		keys = append(keys, "audit.action."+a)
	}
	for _, k := range keys {
		for lang, c := range cats {
			if _, ok := c[k]; !ok {
				t.Errorf("catalog %s lacks %q", lang, k)
			}
		}
	}
}
