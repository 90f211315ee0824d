package ui

import (
	"net/http"
	"strconv"

	"github.com/quire/quire/internal/model"
)

func (h *Handler) followRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /following", h.following)
	handle("POST /following", h.post(h.setFollow, func(*http.Request) string { return "/following" }))
	handle("POST /following/feed", h.post(func(r *http.Request, a *model.Account) error {
		_, err := h.Library.FollowingFeed(r.Context(), a, true)
		return err
	}, func(*http.Request) string { return "/following" }))
	handle("POST /following/exclude", h.post(h.exclude, func(*http.Request) string { return "/following" }))
}

func (h *Handler) setFollow(r *http.Request, a *model.Account) error {
	kind, target := r.PostFormValue("kind"), r.PostFormValue("target")
	if r.PostFormValue("on") == "0" {
		return h.Library.Unfollow(r.Context(), a, kind, target)
	}
	return h.Library.Follow(r.Context(), a, kind, target)
}

func (h *Handler) exclude(r *http.Request, a *model.Account) error {
	return h.Library.Exclude(r.Context(), a, r.PostFormValue("author"), r.PostFormValue("paper"), r.PostFormValue("on") != "0")
}

// FollowingDays is the default window of /following; FollowingLimit the
// most papers it shows.
const (
	FollowingDays  = 30
	FollowingLimit = 500
)

type followingView struct {
	Follows []model.Follow
	Papers  []followedCard
	Days    int
	Kinds   []string
	Feed    string // the feeds' secret path, without the extension
}

type followedCard struct {
	Card    cardView
	Because []model.Follow
}

func (h *Handler) following(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	days := FollowingDays
	if d, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && d >= 1 && d <= 365 {
		days = d
	}
	fs, err := h.Library.Follows(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fps, err := h.Library.Following(r.Context(), a, days)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fps = fps[:min(len(fps), FollowingLimit)]
	ps := make([]*model.Paper, len(fps))
	for i, fp := range fps {
		ps[i] = fp.Paper
	}
	cards, err := h.cards(r, ps)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	secret, err := h.Library.FollowingFeed(r.Context(), a, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &followingView{Follows: fs, Days: days, Kinds: []string{model.FollowAuthor, model.FollowOrg, model.FollowUser},
		Feed: "/feed/following/" + secret}
	for i, c := range cards {
		v.Papers = append(v.Papers, followedCard{Card: c, Because: fps[i].Because})
	}
	h.render(w, r, "following", page{Title: "Following", Nav: "following", Data: v, Feeds: []feedLink{
		{"application/rss+xml", "Following (RSS)", v.Feed + ".rss"},
		{"application/atom+xml", "Following (Atom)", v.Feed + ".atom"},
		{"application/feed+json", "Following (JSON Feed)", v.Feed + ".json"},
	}})
}
