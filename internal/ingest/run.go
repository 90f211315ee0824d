package ingest

import (
	"context"

	"github.com/quire/quire/internal/store"
)

// RecordRun runs fn and keeps a row of it in ingest_runs for the admin page:
// running while it runs, then ok or failed with its counts and error.
func RecordRun(ctx context.Context, st store.IngestStore, kind, target string, fn func() (records, skipped int, err error)) (int64, error) {
	id, err := st.CreateIngestRun(ctx, kind, target)
	if err != nil {
		return 0, err
	}
	records, skipped, runErr := fn()
	status, msg := "ok", ""
	if runErr != nil {
		status, msg = "failed", runErr.Error()
	}
	// Record the end even when ctx was cancelled (a shutdown).
	if err := st.FinishIngestRun(context.WithoutCancel(ctx), id, status, records, skipped, msg); err != nil && runErr == nil {
		return id, err
	}
	return id, runErr
}
