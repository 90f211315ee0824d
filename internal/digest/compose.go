package digest

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/quire/quire/internal/latex"
	"github.com/quire/quire/internal/mail"
	"github.com/quire/quire/internal/model"
)

//go:embed templates
var templates embed.FS

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/digest.html"))
	textTmpl = texttemplate.Must(texttemplate.New("digest.txt").Funcs(texttemplate.FuncMap{
		"add": func(a, b int) int { return a + b },
	}).ParseFS(templates, "templates/digest.txt"))
)

// Site is what digests need to know about the instance.
type Site struct {
	Name    string
	BaseURL string // https://papers.example.org
	From    string // "quire <digest@papers.example.org>"
}

func (s Site) host() string {
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

// Section is a part of a digest beyond the top papers: one saved search's
// matches, or the new papers of what the subscriber follows.
type Section struct {
	Query     string // the saved search; "" for the follows and interests
	Following bool
	Interest  string // the interest recommended for
	Papers    []*model.Paper
}

// Digest is one subscriber's digest of one period.
type Digest struct {
	Subscription *model.Subscription
	Period       model.Period
	PeriodKey    string // daily:2026-11-27
	Papers       []*model.Paper
	Sections     []Section
}

type paperItem struct {
	Title, URL, Authors, Org, Blurb, Code string
	Upvotes                               int
}

type view struct {
	Site, Heading, Subject, Frequency, UnsubscribeURL string
	Papers                                            []paperItem
	Sections                                          []viewSection
}

type viewSection struct {
	Query     string
	Following bool
	Interest  string
	Papers    []paperItem
}

// Compose renders a digest into a message. token is the subscription's
// unsubscribe token.
func Compose(site Site, d *Digest, token string) (*mail.Message, error) {
	return compose(site, d, token, nil)
}

// itemCache keeps rendered papers across the digests of one run: the top
// papers are the same for every subscriber, and rendering their TeX is the
// costliest part of composing.
type itemCache map[string]paperItem

func (c itemCache) get(base string, p *model.Paper) paperItem {
	if c == nil {
		return item(base, p)
	}
	it, ok := c[p.ID]
	if !ok {
		it = item(base, p)
		c[p.ID] = it
	}
	return it
}

func compose(site Site, d *Digest, token string, cache itemCache) (*mail.Message, error) {
	base := strings.TrimSuffix(site.BaseURL, "/")
	v := view{Site: site.Name, Frequency: d.Subscription.Frequency, UnsubscribeURL: base + "/unsubscribe?t=" + token,
		Subject: subjectFor(site.Name, d.Subscription.Frequency, d.Period)}
	v.Heading = "Top papers of " + d.Period.Label()
	for _, p := range d.Papers {
		v.Papers = append(v.Papers, cache.get(base, p))
	}
	for _, s := range d.Sections {
		sec := viewSection{Query: s.Query, Following: s.Following, Interest: s.Interest}
		for _, p := range s.Papers {
			sec.Papers = append(sec.Papers, cache.get(base, p))
		}
		v.Sections = append(v.Sections, sec)
	}
	var h, t bytes.Buffer
	if err := htmlTmpl.Execute(&h, v); err != nil {
		return nil, fmt.Errorf("digest: html: %w", err)
	}
	if err := textTmpl.Execute(&t, v); err != nil {
		return nil, fmt.Errorf("digest: text: %w", err)
	}
	host := site.host()
	return &mail.Message{
		From: site.From, To: d.Subscription.Email, Subject: v.Subject, HTML: h.String(), Text: t.String(),
		// One Message-ID per (subscriber, period): a digest that is sent
		// again is recognisably the same message.
		MessageID: fmt.Sprintf("<digest.%s.%d@%s>", strings.NewReplacer(":", ".").Replace(d.PeriodKey), d.Subscription.ID, host),
		Headers: map[string]string{
			// Only the one-click https link: no mailbox reads a mailto: here.
			"List-Unsubscribe":      "<" + v.UnsubscribeURL + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"List-Id":               fmt.Sprintf("%s %s digest <%s.digest.%s>", site.Name, d.Subscription.Frequency, d.Subscription.Frequency, host),
			"Auto-Submitted":        "auto-generated",
		},
	}, nil
}

func item(base string, p *model.Paper) paperItem {
	it := paperItem{Title: latex.Text(p.Title), URL: base + "/papers/" + p.ID, Upvotes: p.Upvotes, Code: p.GithubRepo}
	it.Authors = p.AuthorLine(3)
	if p.Organization != nil {
		it.Org = p.Organization.Fullname
	}
	blurb := p.AISummary
	if blurb == "" {
		blurb = p.Summary
	}
	it.Blurb = twoLines(latex.Text(blurb))
	return it
}

// twoLines cuts text to about two lines of an e-mail (220 characters) at a
// word boundary.
func twoLines(s string) string {
	s = model.NormalizeSpace(s)
	r := []rune(s)
	if len(r) <= 220 {
		return s
	}
	cut := string(r[:220])
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return cut + " …"
}

// ConfirmMessage is the double opt-in mail. For an active subscription it
// asks to confirm the requested change instead, saying what it is, since
// anyone can type an address into a subscribe box.
func ConfirmMessage(site Site, sub *model.Subscription, token string) *mail.Message {
	link := strings.TrimSuffix(site.BaseURL, "/") + "/subscribe/confirm?t=" + token
	freq, user, subject := sub.Frequency, sub.User, "Confirm your "+site.Name+" subscription"
	if sub.Status == model.SubActive {
		freq, user, subject = sub.PendingFrequency, sub.PendingUser, "Confirm the change of your "+site.Name+" subscription"
	}
	what := fmt.Sprintf("%s digests of trending papers from %s at this address", freq, site.Name)
	if user != "" {
		what += fmt.Sprintf(", with the saved searches of the account %s", user)
	}
	if sub.Status == model.SubActive {
		what = "a change of your subscription to " + what
	}
	text := fmt.Sprintf("Someone, probably you, asked for %s.\n\n"+
		"Confirm within 7 days: %s\n\nIf it was not you, ignore this mail: nothing changes.\n", what, link)
	html := fmt.Sprintf(`<p>Someone, probably you, asked for %s.</p>`+
		`<p><a href="%s">Confirm</a> (within 7 days).</p><p>If it was not you, ignore this mail: nothing changes.</p>`,
		htmltemplate.HTMLEscapeString(what), htmltemplate.HTMLEscapeString(link))
	return &mail.Message{From: site.From, To: sub.Email, Subject: subject, Text: text, HTML: html,
		MessageID: fmt.Sprintf("<confirm.%d.%d@%s>", sub.ID, time.Now().UnixNano(), site.host())}
}
