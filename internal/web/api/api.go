package api

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/auth"
	"github.com/quire/quire/internal/web/response"
)

// Handler serves the JSON API.
type Handler struct {
	Papers    *core.Papers
	Community *core.Community
	Library   *core.Library
	Limiter   *auth.Limiter
	Log       *slog.Logger
}

// Routes registers the API on mux through handle, which adds the server's
// middleware per route.
func (h *Handler) Routes(handle func(pattern string, fn http.HandlerFunc)) {
	handle("GET /api/daily_papers", h.dailyPapersRoute)
	handle("GET /api/papers", h.listed)
	handle("GET /api/papers/search", h.search)
	handle("GET /api/papers/{id...}", h.paper)
	handle("GET /api/papers/{id}/similar", h.similar)
	handle("GET /api/arxiv/{id...}", h.arxivRepos)
	handle("GET /api/", h.unknown)
}

// PaperDetail is /api/papers/{id}: the paper with what Hugging Face's paper
// page adds — its comment count, and the models, datasets and Spaces that
// cite it (quire hosts none: always empty, with zero totals).
type PaperDetail struct {
	Paper
	NumComments      int   `json:"numComments"`
	LinkedModels     []any `json:"linkedModels"`
	LinkedDatasets   []any `json:"linkedDatasets"`
	LinkedSpaces     []any `json:"linkedSpaces"`
	NumTotalModels   int   `json:"numTotalModels"`
	NumTotalDatasets int   `json:"numTotalDatasets"`
	NumTotalSpaces   int   `json:"numTotalSpaces"`
}

// Repos is /api/arxiv/{id}/repos: what on the Hub cites the paper.
type Repos struct {
	Models   []any `json:"models"`
	Datasets []any `json:"datasets"`
	Spaces   []any `json:"spaces"`
}

// arxivRepos answers GET /api/arxiv/{id}/repos (Hugging Face's MCP server
// asks it) for any well-formed arXiv id: quire hosts no models, datasets or
// Spaces.
func (h *Handler) arxivRepos(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("id"), "/repos")
	if !ok {
		h.unknown(w, r)
		return
	}
	if _, err := model.ParseArxivRef(id); err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	response.JSON(w, http.StatusOK, Repos{Models: []any{}, Datasets: []any{}, Spaces: []any{}})
}

// unknown answers any other /api/ path with a JSON 404, as Hugging Face
// does, never the HTML page.
func (h *Handler) unknown(w http.ResponseWriter, r *http.Request) {
	response.JSONError(w, r, h.Log, model.Errorf(model.ENOTFOUND, "Sorry, we can't find the page you are looking for."))
}

// Page sizes, as on Hugging Face: limit defaults to 50 and is at most 100
// (120 for search).
const (
	DefaultLimit       = 50
	MaxLimit           = 100
	MaxSearchLimit     = 120
	DefaultSearchLimit = 50
)

// ParseListQuery reads the daily_papers parameters. It is shared with the
// feeds, which accept the same ones.
func ParseListQuery(q url.Values) (core.ListQuery, error) {
	lq := core.ListQuery{Sort: core.SortPublishedAt, Limit: DefaultLimit, Submitter: q.Get("submitter")}
	var err error
	if lq.Limit, err = intParam(q, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return lq, err
	}
	if lq.Page, err = intParam(q, "p", 0, 0, 1_000_000); err != nil {
		return lq, err
	}
	switch s := q.Get("sort"); s {
	case "", core.SortPublishedAt:
	case core.SortTrending:
		lq.Sort = s
		lq.Window = q.Get("window")
	default:
		return lq, model.Errorf(model.EINVALID, "invalid sort %q: use publishedAt or trending", s)
	}
	for _, kind := range []model.PeriodKind{model.Day, model.Week, model.Month} {
		v := q.Get(string(kind))
		if v == "" {
			continue
		}
		if lq.Period != nil {
			return lq, model.Errorf(model.EINVALID, "use only one of date, week and month")
		}
		p, err := model.ParsePeriod(kind, v)
		if err != nil {
			return lq, err
		}
		lq.Period = &p
	}
	return lq, nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, model.Errorf(model.EINVALID, "invalid %s %q: want an integer from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

func dailyPapers(papers []*model.Paper) []DailyPaper {
	items := make([]DailyPaper, len(papers))
	for i, p := range papers {
		items[i] = NewDailyPaper(p)
	}
	return items
}

func (h *Handler) dailyPapersRoute(w http.ResponseWriter, r *http.Request) {
	q, err := ParseListQuery(r.URL.Query())
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	papers, more, err := h.Papers.List(r.Context(), q)
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	items := dailyPapers(papers)
	if more {
		next := r.URL.Query()
		next.Set("p", strconv.Itoa(q.Page+1))
		w.Header().Set("Link", `<`+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	response.JSON(w, http.StatusOK, items)
}

func (h *Handler) paper(w http.ResponseWriter, r *http.Request) {
	p, err := h.Papers.Paper(r.Context(), r.PathValue("id"))
	if model.ErrorCode(err) == model.ENOTFOUND {
		err = model.Errorf(model.ENOTFOUND, "Paper not found")
	}
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	response.JSON(w, http.StatusOK, PaperDetail{Paper: NewPaper(p), NumComments: p.NumComments, LinkedModels: []any{},
		LinkedDatasets: []any{}, LinkedSpaces: []any{}})
}

// ParseSearchQuery reads q, limit and the filters: from, to (YYYY-MM-DD),
// category, org, has_code, sort (relevance, date, upvotes). The search page
// takes the same parameters.
func ParseSearchQuery(q url.Values, defLimit int) (core.SearchQuery, error) {
	sq := core.SearchQuery{Q: q.Get("q"), Category: q.Get("category"), Org: q.Get("org"), Sort: q.Get("sort"), Exact: q.Get("exact") == "1"}
	var err error
	if sq.Limit, err = intParam(q, "limit", defLimit, 1, MaxSearchLimit); err != nil {
		return sq, err
	}
	for _, f := range []struct {
		name string
		dst  *model.Date
	}{{"from", &sq.From}, {"to", &sq.To}} {
		if v := q.Get(f.name); v != "" {
			if *f.dst, err = model.ParseDate(v); err != nil {
				return sq, model.Errorf(model.EINVALID, "invalid %s: %s", f.name, model.ErrorMessage(err))
			}
		}
	}
	switch v := q.Get("has_code"); v {
	case "", "0", "false":
	case "1", "true", "on":
		sq.HasCode = true
	default:
		return sq, model.Errorf(model.EINVALID, "invalid has_code %q: use true or false", v)
	}
	return sq, nil
}

func (h *Handler) similar(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r.URL.Query(), "limit", 10, 1, MaxLimit)
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	papers, err := h.Papers.Similar(r.Context(), r.PathValue("id"), limit)
	if model.ErrorCode(err) == model.ENOTFOUND {
		err = model.Errorf(model.ENOTFOUND, "Paper not found")
	}
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	response.JSON(w, http.StatusOK, dailyPapers(papers))
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	sq, err := ParseSearchQuery(r.URL.Query(), DefaultSearchLimit)
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	res, err := h.Papers.FindCorrected(r.Context(), sq)
	if err != nil {
		response.JSONError(w, r, h.Log, err)
		return
	}
	if res.Corrected != "" { // the body keeps Hugging Face's shape; the header says what was searched
		w.Header().Set("X-Quire-Corrected-Query", url.QueryEscape(res.Corrected))
	}
	response.JSON(w, http.StatusOK, dailyPapers(res.Papers))
}
