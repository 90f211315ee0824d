package ui

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/quire/quire/internal/core"

	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
)

// cardView is a paper on a list, with the viewer's vote. It is flat and
// computed in Go: a list renders up to a few thousand cards, and
// text/template resolves a field promoted through an embedded struct by a
// breadth-first reflection search on every use, which cost more than the
// rest of the card.
type cardView struct {
	ID          string
	Title       template.HTML // rendered LaTeX; latex escapes the source text
	Authors     string        // the first three names
	NumAuthors  int
	Org         *model.Organization
	Daily       *model.Submission
	Upvotes     int
	Sources     string // "51 on Hugging Face · 3 here" when both count
	NumComments int
	GithubRepo  string
	Stars       int
	ProjectPage string
	Voted       bool
	Back        string // where the vote form returns to
	// Sub marks a card listed under a section heading (h2), so its title
	// is an h3; on a page with only the h1 it is an h2 (heading order).
	Sub bool
	// The viewer's own marks, for a logged-in viewer (Member).
	Member bool
	Saved  bool // in the viewer's Reading list
	InAny  bool // in any of the viewer's collections
	Read   bool
}

// cards prepares papers for a list; for a logged-in viewer it looks up in
// one query which of them they upvoted.
func (h *Handler) cards(r *http.Request, ps []*model.Paper) ([]cardView, error) {
	out := make([]cardView, len(ps))
	var voted map[string]bool
	var marks core.Marks
	a := auth.Account(r)
	if a != nil && len(ps) > 0 {
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		var err error
		if voted, err = h.Papers.Store.Voted(r.Context(), a.Name, ids); err != nil {
			return nil, err
		}
		if marks, err = h.Library.Marks(r.Context(), a, ps); err != nil {
			return nil, err
		}
	}
	back := r.URL.RequestURI()
	for i, p := range ps {
		out[i] = cardView{
			ID:          p.ID,
			Title:       template.HTML(latex.Inline(p.Title).HTML),
			Authors:     authorSummary(p),
			NumAuthors:  p.NumVisibleAuthors(),
			Org:         p.Organization,
			Daily:       p.Daily,
			Upvotes:     p.Upvotes,
			Sources:     p.UpvoteSources(),
			NumComments: p.NumComments,
			GithubRepo:  p.GithubRepo,
			Stars:       p.Stars(),
			ProjectPage: p.ProjectPage,
			Voted:       voted[p.ID],
			Back:        back,
			Member:      a != nil,
			Saved:       slices.Contains(marks.Saved[p.ID], model.ReadingListSlug),
			InAny:       len(marks.Saved[p.ID]) > 0,
			Read:        marks.States[p.ID].Read,
		}
	}
	return out, nil
}
