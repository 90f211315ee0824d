package ui

import (
	"net/http"
	"time"

	"github.com/quire/quire/internal/arxiv"
	"github.com/quire/quire/internal/core"
)

type statusData struct {
	Sources      []core.Source
	NextAnnounce time.Time
	Now          time.Time
}

// status is /status: every source with its freshness, public, so a reader
// can see whether today's papers are in.
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	var sources []core.Source
	if h.Sources != nil {
		var err error
		if sources, err = h.Sources(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	h.render(w, r, "status", page{Title: "Status", Nav: "status",
		Data: &statusData{Sources: sources, NextAnnounce: arxiv.NextAnnouncement(time.Now()), Now: time.Now()}})
}
