package ui

import (
	"net/http"
	"strconv"

	"github.com/quire/quire/internal/model"
)

// ForYouDays is /for-you's default window; ForYouPerInterest its papers
// per interest.
const (
	ForYouDays        = 7
	ForYouPerInterest = 20
)

func (h *Handler) forYouRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /for-you", h.forYou)
	handle("POST /for-you/not-interested", h.post(func(r *http.Request, a *model.Account) error {
		return h.Library.NotInterested(r.Context(), a, r.PostFormValue("interest"), r.PostFormValue("paper"), r.PostFormValue("on") != "0")
	}, func(*http.Request) string { return "/for-you" }))
}

type forYouSection struct {
	Interest *model.Collection
	Papers   []forYouCard
}

type forYouCard struct {
	Card    cardView
	Terms   []string
	Closest *model.Paper
}

func (h *Handler) forYou(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	days := ForYouDays
	if d, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && d >= 1 && d <= 90 {
		days = d
	}
	secs, err := h.Library.ForYou(r.Context(), a, days, ForYouPerInterest)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var view []forYouSection
	for _, s := range secs {
		ps := make([]*model.Paper, len(s.Papers))
		for i, p := range s.Papers {
			ps[i] = p.Paper
		}
		cards, err := h.cards(r, ps)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v := forYouSection{Interest: s.Interest}
		for i, c := range cards {
			v.Papers = append(v.Papers, forYouCard{Card: c, Terms: s.Papers[i].Terms, Closest: s.Papers[i].Closest})
		}
		view = append(view, v)
	}
	h.render(w, r, "foryou", page{Title: "For you", Nav: "foryou", Data: map[string]any{"Sections": view, "Days": days}})
}
