package api

import (
	"net/http"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// Recommendation is a paper recommended for an interest: the daily-papers
// item with its score and why.
type Recommendation struct {
	DailyPaper
	Score  float32 `json:"score"`
	Reason Reason  `json:"reason"`
}

// Reason says why a paper is recommended.
type Reason struct {
	Interest string   `json:"interest"`
	Terms    []string `json:"terms"`
	Closest  string   `json:"closest,omitempty"` // the id of the interest's nearest paper
}

// Recommendation window and size, as /for-you's.
const (
	DefaultRecDays  = 7
	DefaultRecLimit = 20
	MaxRecLimit     = 100
)

// recommendations is GET /api/recommendations?interest={slug}&days=N&limit=K.
func (h *Handler) recommendations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	days, err := intParam(q, "days", DefaultRecDays, 1, core.MaxForYouDays)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	limit, err := intParam(q, "limit", DefaultRecLimit, 1, MaxRecLimit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	slug := q.Get("interest")
	if slug == "" {
		slug = "reading-list"
	}
	sec, err := h.Library.ForInterest(r.Context(), auth.Account(r), slug, days, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]Recommendation, len(sec.Papers))
	for i, p := range sec.Papers {
		out[i] = Recommendation{DailyPaper: NewDailyPaper(p.Paper), Score: p.Score, Reason: Reason{Interest: slug, Terms: p.Terms}}
		if p.Closest != nil {
			out[i].Reason.Closest = p.Closest.ID
		}
	}
	response.JSON(w, http.StatusOK, out)
}

// ForYouSettings are a reader's choices for recommendations.
type ForYouSettings struct {
	// Mix is the share (0–100) of community upvotes in the order.
	Mix int `json:"mix"`
	// Merged: /for-you shows one list rather than a section per interest.
	Merged bool `json:"merged"`
}

func (h *Handler) forYouPrefs(w http.ResponseWriter, r *http.Request) {
	p, err := h.Library.ForYouPrefs(r.Context(), auth.Account(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, ForYouSettings{Mix: p.Mix, Merged: p.Merged})
}

func (h *Handler) setForYouPrefs(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	var b ForYouSettings
	if err := decode(r, &b); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Library.SetForYouPrefs(r.Context(), a, model.ForYouPrefs{Mix: b.Mix, Merged: b.Merged}); err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusOK, b)
}

// resetInterest is POST /api/collections/{slug}/reset: the interest
// forgets its "not interested" marks.
func (h *Handler) resetInterest(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "library")
	if a == nil {
		return
	}
	if err := h.Library.ResetInterest(r.Context(), a, r.PathValue("slug")); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
