package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/siyu-live/siyu/internal/audit"
)

func (a *API) getSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.Org.Settings(r.Context(), principal(r).TenantID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) patchSettings(w http.ResponseWriter, r *http.Request) error {
	var patch map[string]json.RawMessage
	if err := decodeJSON(r, &patch); err != nil {
		return err
	}
	s, err := a.Org.UpdateSettings(r.Context(), principal(r), patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) auditLog(w http.ResponseWriter, r *http.Request) error {
	before, err := queryInt(r, "cursor", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", 100, 1, 500)
	if err != nil {
		return err
	}
	entries, err := a.Org.AuditLog(r.Context(), principal(r), before, int(limit))
	if err != nil {
		return err
	}
	next := ""
	if len(entries) == int(limit) {
		next = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, listOf[audit.Entry](entries, next))
	return nil
}
