package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/quire/quire/internal/cite"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/response"
)

// markdownType is the media type of /papers/{id}.md.
const markdownType = "text/markdown; charset=utf-8"

// wantsMarkdown reports whether a paper page request asks for the page as
// Markdown: the .md suffix (what huggingface_hub's read_paper and
// `hf papers read` fetch) or an Accept header that names text/markdown
// before any HTML (what agents send).
func wantsMarkdown(r *http.Request, id string) (string, bool) {
	if base, ok := strings.CutSuffix(id, ".md"); ok && base != "" {
		return base, true
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mt)) {
		case "text/markdown", "text/x-markdown":
			return id, true
		case "text/html", "application/xhtml+xml", "*/*":
			return id, false
		}
	}
	return id, false
}

// writeMarkdown answers with the paper as Markdown: title, authors, links,
// the abstract with its TeX as written, the AI summary and the visible
// discussion, replies under the comment they answer.
func (h *Handler) writeMarkdown(w http.ResponseWriter, r *http.Request, p *model.Paper) {
	cs, err := h.Papers.Store.FindComments(r.Context(), p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	paperMarkdown(&b, p, cs)
	w.Header().Add("Vary", "Accept")
	response.Bytes(w, http.StatusOK, markdownType, b.Bytes())
}

func paperMarkdown(b *bytes.Buffer, p *model.Paper, cs []*model.Comment) {
	fmt.Fprintf(b, "# %s\n\n", oneLine(p.Title))
	var names []string
	for _, a := range p.Authors {
		if !a.Hidden {
			names = append(names, oneLine(a.Name))
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(b, "**Authors:** %s\n\n", strings.Join(names, ", "))
	}
	if !p.PublishedAt.IsZero() {
		fmt.Fprintf(b, "**Published:** %s\n\n", p.PublishedAt.UTC().Format("2006-01-02"))
	}
	if d := p.Daily; d != nil && d.SubmittedBy != nil {
		who := oneLine(d.SubmittedBy.Name)
		if full := oneLine(d.SubmittedBy.Fullname); full != "" && full != who {
			who = full + " (" + who + ")"
		}
		fmt.Fprintf(b, "**Submitted by:** %s on %s\n\n", who, d.OnDailyAt.UTC().Format("2006-01-02"))
	}
	fmt.Fprintf(b, "**Upvotes:** %d\n\n", p.Upvotes)
	b.WriteString("## Links\n\n")
	fmt.Fprintf(b, "- arXiv: %s\n- PDF: %s\n", cite.AbsURL(p), cite.PDFURL(p))
	if p.DOI != "" {
		fmt.Fprintf(b, "- DOI: https://doi.org/%s\n", p.DOI)
	}
	if p.GithubRepo != "" {
		fmt.Fprintf(b, "- Code: %s\n", p.GithubRepo)
	}
	if p.ProjectPage != "" {
		fmt.Fprintf(b, "- Project page: %s\n", p.ProjectPage)
	}
	fmt.Fprintf(b, "\n## Abstract\n\n%s\n", strings.TrimSpace(p.Summary))
	if p.AISummary != "" {
		fmt.Fprintf(b, "\n## AI summary\n\n%s\n", strings.TrimSpace(p.AISummary))
		if len(p.AIKeywords) > 0 {
			fmt.Fprintf(b, "\n**Keywords:** %s\n", strings.Join(p.AIKeywords, ", "))
		}
	}
	commentsMarkdown(b, cs)
}

// commentsMarkdown writes the visible comments; a reply is a quote under its
// parent, so the thread reads in order without HTML.
func commentsMarkdown(b *bytes.Buffer, cs []*model.Comment) {
	depth := map[int64]int{}
	var visible []*model.Comment
	for _, c := range cs {
		if d, ok := depth[c.ParentID]; ok {
			depth[c.ID] = d + 1
		} else {
			depth[c.ID] = 0
		}
		if c.Visible() {
			visible = append(visible, c)
		}
	}
	if len(visible) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Comments (%d)\n", len(visible))
	for _, c := range visible {
		prefix := strings.Repeat("> ", depth[c.ID])
		fmt.Fprintf(b, "\n%s**%s** · %s\n%s\n", prefix, oneLine(c.User), c.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), strings.TrimRight(prefix, " "))
		for _, line := range strings.Split(strings.TrimSpace(c.Body), "\n") {
			fmt.Fprintf(b, "%s%s\n", prefix, line)
		}
	}
}

// oneLine keeps a heading or list item on one line whatever a title holds.
func oneLine(s string) string { return model.NormalizeSpace(s) }
