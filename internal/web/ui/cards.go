package ui

import (
	"net/http"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
)

// cardView is a paper on a list, with the viewer's vote.
type cardView struct {
	*model.Paper
	Voted bool
	Back  string // where the vote form returns to
}

// cards prepares papers for a list; for a logged-in viewer it looks up in
// one query which of them they upvoted.
func (h *Handler) cards(r *http.Request, ps []*model.Paper) ([]cardView, error) {
	out := make([]cardView, len(ps))
	var voted map[string]bool
	if a := auth.Account(r); a != nil && len(ps) > 0 {
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		var err error
		if voted, err = h.Papers.Store.Voted(r.Context(), a.Name, ids); err != nil {
			return nil, err
		}
	}
	for i, p := range ps {
		out[i] = cardView{Paper: p, Voted: voted[p.ID], Back: r.URL.RequestURI()}
	}
	return out, nil
}
