package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

func (h *Handler) emailRoutes(handle func(string, http.HandlerFunc)) {
	handle("POST /subscribe", h.subscribe)
	handle("GET /subscribe/confirm", h.confirm)
	handle("GET /unsubscribe", h.unsubscribePage)
	handle("POST /unsubscribe", h.unsubscribe)
	handle("GET /digest/preview", h.preview)
	handle("POST /searches", h.saveSearch)
	handle("POST /searches/{id}/delete", h.post(h.deleteSearch, settingsPage("searches")))
	handle("POST /settings/subscription", h.updateSubscription)
}

// notice is a page with a title, a message and an optional form.
type notice struct {
	Heading, Message string
	Action, Button   string // a one-button POST form, when set
	Token            string
}

func (h *Handler) notice(w http.ResponseWriter, r *http.Request, status int, n notice) {
	w.Header().Set("X-Robots-Tag", "noindex") // token pages stay out of search engines
	h.render(w, r, "notice", page{Title: n.Heading, Status: status, Data: &n})
}

// noticeErr is the notice of a failed action, logged when it is the
// server's fault (5xx), like every other error path.
func (h *Handler) noticeErr(w http.ResponseWriter, r *http.Request, heading string, err error) {
	err = response.Classify(r, err)
	status := response.Fail(w, r, h.Log, err)
	if status >= 500 {
		heading = "Something went wrong"
	}
	h.notice(w, r, status, notice{Heading: heading, Message: model.ErrorMessage(err)})
}

func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) {
	if h.limited(w, r, "subscribe", "") {
		return
	}
	user := ""
	if a := auth.Account(r); a != nil {
		user = a.Name
	}
	email := r.PostFormValue("email")
	if h.over(w, r, "subscribe-address", "email:"+strings.ToLower(strings.TrimSpace(email))) {
		return
	}
	_, err := h.Subs.Subscribe(r.Context(), email, r.PostFormValue("frequency"), user)
	if err != nil {
		h.noticeErr(w, r, "Could not subscribe", err)
		return
	}
	h.notice(w, r, http.StatusOK, notice{Heading: "Check your inbox",
		Message: "We sent a confirmation link to " + email + ". Nothing else is sent until you follow it."})
}

func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	sub, err := h.Subs.Confirm(r.Context(), r.URL.Query().Get("t"))
	if err != nil {
		h.noticeErr(w, r, "Link not valid", err)
		return
	}
	h.notice(w, r, http.StatusOK, notice{Heading: "You are subscribed",
		Message: "You will get the " + sub.Frequency + " digest of trending papers at " + sub.Email + "."})
}

func (h *Handler) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	h.notice(w, r, http.StatusOK, notice{Heading: "Unsubscribe", Message: "Stop receiving digests at this address?",
		Action: "/unsubscribe", Button: "Unsubscribe", Token: r.URL.Query().Get("t")})
}

// unsubscribe serves the page's button and RFC 8058 one-click requests
// (POST with List-Unsubscribe=One-Click, from the mail client, no login).
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("t")
	if token == "" {
		token = r.PostFormValue("t")
	}
	if err := h.Subs.Unsubscribe(r.Context(), token); err != nil {
		h.noticeErr(w, r, "Link not valid", err)
		return
	}
	h.notice(w, r, http.StatusOK, notice{Heading: "Unsubscribed", Message: "You will get no more digests. You can subscribe again at any time."})
}

// preview shows the logged-in user exactly the digest their subscription
// would get for the latest period (or a daily one when they have none).
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	sub, err := h.Papers.Store.FindSubscriptionByEmail(r.Context(), a.Email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		sub, err = &model.Subscription{Email: a.Email, Frequency: model.Daily, User: a.Name}, nil
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if sub.User == "" {
		sub.User = a.Name
	}
	msg, err := h.Digests.Preview(r.Context(), sub)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	response.Bytes(w, http.StatusOK, "text/html; charset=utf-8", []byte(msg.HTML))
}

func (h *Handler) saveSearch(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	if _, err := h.Subs.SaveSearch(r.Context(), a.Name, r.PostFormValue("q")); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings#searches", http.StatusSeeOther)
}

func (h *Handler) deleteSearch(r *http.Request, a *model.Account) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return h.Papers.Store.DeleteSavedSearch(r.Context(), a.Name, id)
}

func settingsPage(anchor string) func(*http.Request) string {
	return func(*http.Request) string { return "/settings#" + anchor }
}

// updateSubscription changes the frequency of, or stops, the subscription
// of the logged-in user's address.
func (h *Handler) updateSubscription(w http.ResponseWriter, r *http.Request) {
	a := h.needLogin(w, r)
	if a == nil {
		return
	}
	sub, err := h.Papers.Store.FindSubscriptionByEmail(r.Context(), a.Email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch f := r.PostFormValue("frequency"); f {
	case "stop":
		err = h.Papers.Store.SetSubscriptionStatus(r.Context(), sub.ID, model.SubUnsubscribed)
	case model.Daily, model.Weekly:
		err = h.Papers.Store.SetSubscriptionFrequency(r.Context(), sub.ID, f)
	default:
		err = model.Errorf(model.EINVALID, "choose daily, weekly or stop")
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings#email", http.StatusSeeOther)
}
