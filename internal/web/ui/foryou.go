package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
)

// ForYouDays is /for-you's default window; ForYouPerInterest its papers
// per interest (and of the merged list, ForYouMerged).
const (
	ForYouDays        = 7
	ForYouPerInterest = 20
	ForYouMerged      = 40
)

func (h *Handler) forYouRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /for-you", h.forYou)
	forYou := func(*http.Request) string { return "/for-you" }
	handle("POST /for-you/not-interested", h.post(func(r *http.Request, a *model.Account) error {
		return h.Library.NotInterested(r.Context(), a, r.PostFormValue("interest"), r.PostFormValue("paper"), r.PostFormValue("on") != "0")
	}, forYou))
	handle("POST /for-you/reset", h.post(func(r *http.Request, a *model.Account) error {
		return h.Library.ResetInterest(r.Context(), a, r.PostFormValue("interest"))
	}, forYou))
	handle("POST /for-you/settings", h.post(func(r *http.Request, a *model.Account) error {
		mix, err := strconv.Atoi(r.PostFormValue("mix"))
		if err != nil {
			return model.Errorf(model.EINVALID, "mix %q: want a number from 0 to 100", r.PostFormValue("mix"))
		}
		return h.Library.SetForYouPrefs(r.Context(), a, model.ForYouPrefs{Mix: mix, Merged: r.PostFormValue("view") == "merged"})
	}, forYou))
	handle("POST /for-you/interests", h.post(h.newInterest, forYou))
}

// newInterest starts an interest from a name, keywords and arXiv ids (a
// cold start): a new collection marked as one, holding those papers.
func (h *Handler) newInterest(r *http.Request, a *model.Account) error {
	name, keywords := r.PostFormValue("name"), r.PostFormValue("keywords")
	ids := strings.FieldsFunc(r.PostFormValue("ids"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
	if strings.TrimSpace(keywords) == "" && len(ids) == 0 {
		return model.Errorf(model.EINVALID, "an interest starts from a few keywords or arXiv ids")
	}
	yes := true
	c, err := h.Library.CreateCollection(r.Context(), a, core.CollectionInput{Name: &name, Interest: &yes, Keywords: &keywords})
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		_, err = h.Library.Add(r.Context(), a, c.Slug, ids, "")
	}
	return err
}

type forYouSection struct {
	Interest *model.Collection
	Papers   []forYouCard
}

type forYouCard struct {
	Card     cardView
	Interest *model.Collection
	Terms    []string
	Closest  *model.Paper
}

func (h *Handler) forYou(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	days := ForYouDays
	if d, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && d >= 1 && d <= core.MaxForYouDays {
		days = d
	}
	prefs, err := h.Library.ForYouPrefs(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	secs, err := h.Library.ForYou(r.Context(), a, days, ForYouPerInterest)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var view []forYouSection
	if prefs.Merged && len(secs) > 0 {
		secs = []core.ForYouSection{{Papers: core.MergeSections(secs, ForYouMerged)}}
	}
	for _, s := range secs {
		v, err := h.forYouCards(r, s)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		view = append(view, v)
	}
	h.render(w, r, "foryou", page{Title: "For you", Nav: "foryou", Data: map[string]any{"Sections": view, "Days": days,
		"DayChoices": []int{1, 3, 7, core.MaxForYouDays}, "Prefs": prefs, "Personal": 100 - prefs.Mix}})
}

func (h *Handler) forYouCards(r *http.Request, s core.ForYouSection) (forYouSection, error) {
	ps := make([]*model.Paper, len(s.Papers))
	for i, p := range s.Papers {
		ps[i] = p.Paper
	}
	cards, err := h.cards(r, ps)
	if err != nil {
		return forYouSection{}, err
	}
	v := forYouSection{Interest: s.Interest}
	for i, c := range cards {
		p := s.Papers[i]
		v.Papers = append(v.Papers, forYouCard{Card: c, Interest: p.Interest, Terms: p.Terms, Closest: p.Closest})
	}
	return v, nil
}
