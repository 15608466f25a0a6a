package api

import (
	"context"
	"net/http"
	"time"

	"github.com/siyu-live/siyu"
)

// Health is the /healthz answer.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
	Error   string `json:"error,omitempty"`
}

func (a *API) health(w http.ResponseWriter, r *http.Request) error {
	if a.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Ready(ctx); err != nil {
			a.Logger.WarnContext(ctx, "health check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, Health{Status: "unavailable", Version: siyu.Version, Error: "store or bus unreachable"})
			return nil
		}
	}
	writeJSON(w, http.StatusOK, Health{Status: "ok", Version: siyu.Version})
	return nil
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, a.OpenAPI())
	return nil
}
