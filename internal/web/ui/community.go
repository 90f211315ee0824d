package ui

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/quire/quire/internal/markdown"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
	"github.com/quire/quire/internal/web/auth"
)

func (h *Handler) communityRoutes(handle func(string, http.HandlerFunc)) {
	handle("GET /papers/submit", func(w http.ResponseWriter, r *http.Request) {
		if h.needLogin(w, r) != nil {
			h.form(w, r, "submit", "Submit a paper", &formData{})
		}
	})
	handle("POST /papers/submit", h.submit)
	handle("POST /papers/{id}/upvote", h.vote)
	handle("POST /papers/{id}/comments", h.comment)
	handle("POST /papers/{id}/links", h.post(h.links, paperPage))
	handle("POST /papers/{id}/claim", h.post(h.claim, paperPage))
	handle("POST /papers/{id}/hide", h.post(h.hidePaper, paperPage))
	handle("POST /comments/{id}/edit", h.commentAction("edit"))
	handle("POST /comments/{id}/delete", h.commentAction("delete"))
	handle("POST /comments/{id}/hide", h.commentAction("hide"))
	handle("POST /comments/{id}/unhide", h.commentAction("unhide"))
	handle("GET /u/{name}", h.profile)
	handle("GET /moderation", h.moderation)
	handle("POST /moderation/claims/{id}", h.post(h.decideClaim, moderationPage))
	handle("POST /moderation/suspend", h.post(h.suspend, moderationPage))
	handle("POST /orgs", h.post(h.createOrg, func(r *http.Request) string { return "/orgs/" + r.PostFormValue("name") }))
}

// back redirects to the page the form was on, or to fallback.
func back(w http.ResponseWriter, r *http.Request, fallback string) {
	to := r.PostFormValue("back")
	if !isLocalPath(to) {
		to = LocalPath(fallback)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil || h.limited(w, r, "submit", a.Name) {
		return
	}
	id := r.PostFormValue("paper_id")
	p, err := h.Community.Submit(r.Context(), a, id, r.PostFormValue("organization"))
	if err != nil {
		h.form(w, r, "submit", "Submit a paper", &formData{Error: model.ErrorMessage(err), Values: map[string]string{"paper_id": id}})
		return
	}
	http.Redirect(w, r, "/papers/"+p.ID, http.StatusSeeOther)
}

func (h *Handler) vote(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil || h.limited(w, r, "vote", a.Name) {
		return
	}
	if _, err := h.Community.Vote(r.Context(), a, r.PathValue("id"), r.PostFormValue("on") != "0"); err != nil {
		h.fail(w, r, err)
		return
	}
	back(w, r, "/papers/"+r.PathValue("id"))
}

func (h *Handler) comment(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil || h.limited(w, r, "comment", a.Name) {
		return
	}
	parent, _ := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	c, err := h.Community.Comment(r.Context(), a, r.PathValue("id"), parent, r.PostFormValue("body"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/papers/"+c.PaperID+"#c"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (h *Handler) commentAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.needLogin(w, r)
		if a == nil {
			return
		}
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		c, err := h.Papers.Store.FindComment(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		switch action {
		case "edit":
			err = h.Community.EditComment(r.Context(), a, id, r.PostFormValue("body"))
		case "delete":
			err = h.Community.DeleteComment(r.Context(), a, id)
		default:
			err = h.Community.HideComment(r.Context(), a, id, action == "hide", r.PostFormValue("reason"))
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/papers/"+c.PaperID+"#c"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// post makes a logged-in form action: run do, then redirect to where the
// form says (back) or to fallback; an error gets the error page.
func (h *Handler) post(do func(r *http.Request, a *model.Account) error, fallback func(r *http.Request) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.needLogin(w, r)
		if a == nil {
			return
		}
		if err := do(r, a); err != nil {
			h.fail(w, r, err)
			return
		}
		back(w, r, fallback(r))
	}
}

func paperPage(r *http.Request) string { return "/papers/" + r.PathValue("id") }

func moderationPage(*http.Request) string { return "/moderation" }

func (h *Handler) links(r *http.Request, a *model.Account) error {
	return h.Community.SetLinks(r.Context(), a, r.PathValue("id"), r.PostFormValue("github"), r.PostFormValue("project"))
}

func (h *Handler) claim(r *http.Request, a *model.Account) error {
	pos, _ := strconv.Atoi(r.PostFormValue("position"))
	return h.Community.Claim(r.Context(), a, r.PathValue("id"), pos)
}

func (h *Handler) hidePaper(r *http.Request, a *model.Account) error {
	return h.Community.HidePaper(r.Context(), a, r.PathValue("id"), r.PostFormValue("hidden") != "0", r.PostFormValue("reason"))
}

// commentView is a comment ready for the page.
type commentView struct {
	*model.Comment
	HTML    template.HTML
	Replies []*commentView
}

// paperData is the paper page: the paper, its comments, and what the
// viewer may do.
type paperData struct {
	*model.Paper
	Discussion []*commentView // not "Comments": that is the paper's arXiv comments field
	Voted      bool
	Viewer     *model.Account
	CanLinks   bool
	Moderator  bool
	Similar    []*model.Paper
	Cites      []citation
	Marks      *paperMarks // the viewer's; nil for a visitor
}

func (h *Handler) paperView(r *http.Request, p *model.Paper) (*paperData, error) {
	a := auth.Account(r)
	d := &paperData{Paper: p, Viewer: a, Moderator: a.IsModerator()}
	cs, err := h.Papers.Store.FindComments(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*commentView{}
	for _, c := range cs {
		v := &commentView{Comment: c}
		if c.Visible() {
			v.HTML = markdown.HTML(c.Body)
		}
		byID[c.ID] = v
		if parent := byID[c.ParentID]; parent != nil {
			parent.Replies = append(parent.Replies, v)
		} else {
			d.Discussion = append(d.Discussion, v)
		}
	}
	if d.Similar, err = h.Papers.Similar(r.Context(), p.ID, 5); err != nil {
		return nil, err
	}
	if a != nil {
		voted, err := h.Papers.Store.Voted(r.Context(), a.Name, []string{p.ID})
		if err != nil {
			return nil, err
		}
		d.Voted = voted[p.ID]
		d.CanLinks = canLinks(a, p)
		if d.Marks, err = h.paperMarks(r, a, p); err != nil {
			return nil, err
		}
	}
	d.Cites = citations(p)
	return d, nil
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	acct, err := h.Papers.Store.FindAccount(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids, err := h.Papers.Store.ClaimedPapers(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var papers []*model.Paper
	if len(ids) > 0 {
		if papers, err = h.Papers.Store.FindPapers(r.Context(), store.PaperFilter{IDs: ids, Sort: store.SortPublished}); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	submitted, err := h.Papers.Store.FindPapers(r.Context(), store.PaperFilter{Submitter: name, Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	authored, err := h.cards(r, papers)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	subs, err := h.cards(r, submitted)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "user", page{Title: name, Data: map[string]any{"Account": acct, "Authored": authored, "Submitted": subs}})
}

func (h *Handler) moderation(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	if !a.IsModerator() {
		h.fail(w, r, model.Errorf(model.EFORBIDDEN, "only moderators can see this page"))
		return
	}
	claims, err := h.Papers.Store.FindClaims(r.Context(), model.ClaimPending)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	actions, err := h.Papers.Store.RecentModActions(r.Context(), 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bouncing, err := h.Papers.Store.BouncingSubscriptions(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, "moderation", page{Title: "Moderation", Data: map[string]any{"Claims": claims, "Actions": actions,
		"Bouncing": bouncing}})
}

func (h *Handler) decideClaim(r *http.Request, a *model.Account) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return h.Community.DecideClaim(r.Context(), a, id, r.PostFormValue("approve") == "1")
}

func (h *Handler) suspend(r *http.Request, a *model.Account) error {
	return h.Community.Suspend(r.Context(), a, r.PostFormValue("user"), r.PostFormValue("suspend") != "0", r.PostFormValue("reason"))
}

func (h *Handler) createOrg(r *http.Request, a *model.Account) error {
	return h.Community.CreateOrganization(r.Context(), a, r.PostFormValue("name"), r.PostFormValue("fullname"))
}
