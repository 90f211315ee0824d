package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// WriteRoutes registers the write API: votes, submissions and comments, for
// a session cookie (same-origin requests from the site's own script) or a
// Bearer API token.
func (h *Handler) WriteRoutes(handle func(pattern string, fn http.HandlerFunc)) {
	handle("POST /api/papers/{id}/upvote", h.vote(true))
	handle("DELETE /api/papers/{id}/upvote", h.vote(false))
	handle("POST /api/papers/submit", h.submit)
	handle("POST /api/papers/{id}/comment", h.comment)
	handle("POST /api/papers/{id}/comment/{commentId}/reply", h.comment)
}

// act checks login and the rate limit of action; it answers and returns
// nil when the request may not go on.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, action string) *model.Account {
	a := auth.Account(r)
	if a == nil {
		response.JSONError(w, r, h.Log, model.Errorf(model.EUNAUTH, "log in or send an API token (Authorization: Bearer …)"))
		return nil
	}
	if wait, err := h.Limiter.Allow(r.Context(), action, auth.IPKey(r), "user:"+a.Name); err != nil {
		auth.RetryAfter(w, wait)
		response.JSONError(w, r, h.Log, err)
		return nil
	}
	return a
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if model.ErrorCode(err) == model.ELIMIT {
		auth.RetryAfter(w, time.Hour)
	}
	response.JSONError(w, r, h.Log, err)
}

// decode reads a small JSON body into v.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return model.Errorf(model.EINVALID, "could not read the request body")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return model.Errorf(model.EINVALID, "the body must be JSON: %v", err)
	}
	return nil
}

func (h *Handler) vote(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := h.act(w, r, "vote")
		if a == nil {
			return
		}
		p, err := h.Community.Vote(r.Context(), a, r.PathValue("id"), on)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		response.JSON(w, http.StatusOK, map[string]any{"upvotes": p.Upvotes, "upvoted": on})
	}
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "submit")
	if a == nil {
		return
	}
	var req struct {
		PaperID      string `json:"paper_id"`
		Organization string `json:"organization"`
	}
	if err := decode(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Community.Submit(r.Context(), a, req.PaperID, req.Organization)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusCreated, NewDailyPaper(p))
}

func (h *Handler) comment(w http.ResponseWriter, r *http.Request) {
	a := h.act(w, r, "comment")
	if a == nil {
		return
	}
	var req struct {
		Comment string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	var parent int64
	if s := r.PathValue("commentId"); s != "" {
		var err error
		if parent, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.fail(w, r, model.Errorf(model.ENOTFOUND, "comment %q not found", s))
			return
		}
	}
	c, err := h.Community.Comment(r.Context(), a, r.PathValue("id"), parent, req.Comment)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	response.JSON(w, http.StatusCreated, map[string]any{"id": strconv.FormatInt(c.ID, 10), "paperId": c.PaperID,
		"author": c.User, "parentId": parent, "comment": c.Body})
}
