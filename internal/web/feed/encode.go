package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"time"
)

// doc is one feed before it is written in a format. quire writes the three
// formats itself rather than through gorilla/feeds: that library gives an
// Atom entry one author and no <published> or rel="self" link, an RSS item
// no dc:creator or atom:link, and takes the Atom feed's id from its link, so
// no feed it writes is complete by RFC 4287 or tells two feeds' entries apart.
type doc struct {
	Title, Description string
	Self               string // this feed's own URL (rel="self", feed_url)
	Home               string // the page the feed follows
	ID                 string // stable, never a secret: tag:host,2025:daily
	Author             string // the feed's author, for entries that name none (RFC 4287 §4.1.1)
	Updated            time.Time
	Entries            []entry
}

// entry is one paper in a feed.
type entry struct {
	ID, Link, Title string
	Summary         string // plain text
	Content         string // HTML
	Authors         []string
	Categories      []string
	Published       time.Time
	Updated         time.Time
}

// Atom 1.0 (RFC 4287).
type atomFeed struct {
	XMLName xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	Title   atomText     `xml:"title"`
	Sub     *atomText    `xml:"subtitle,omitempty"`
	ID      string       `xml:"id"`
	Updated string       `xml:"updated"`
	Links   []atomLink   `xml:"link"`
	Author  []atomPerson `xml:"author"`
	Gen     string       `xml:"generator"`
	Entries []atomEntry  `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Title      atomText       `xml:"title"`
	ID         string         `xml:"id"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published,omitempty"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

func (d *doc) atom() ([]byte, error) {
	f := atomFeed{Title: atomText{"text", d.Title}, ID: d.ID, Updated: rfc3339(d.Updated), Gen: "quire",
		Links:  []atomLink{{"self", "application/atom+xml", d.Self}, {"alternate", "text/html", d.Home}},
		Author: []atomPerson{{d.Author}}}
	if d.Description != "" {
		f.Sub = &atomText{"text", d.Description}
	}
	for _, e := range d.Entries {
		ae := atomEntry{Title: atomText{"text", e.Title}, ID: e.ID, Links: []atomLink{{"alternate", "text/html", e.Link}},
			Updated: rfc3339(e.Updated)}
		if !e.Published.IsZero() {
			ae.Published = rfc3339(e.Published)
		}
		for _, a := range e.Authors {
			ae.Authors = append(ae.Authors, atomPerson{a})
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{c})
		}
		if e.Summary != "" {
			ae.Summary = &atomText{"text", e.Summary}
		}
		if e.Content != "" {
			ae.Content = &atomText{"html", e.Content}
		}
		f.Entries = append(f.Entries, ae)
	}
	return marshalXML(f)
}

// RSS 2.0 with the Atom namespace (its self link) and Dublin Core: RSS's
// own <author> is one e-mail address, so the authors are a dc:creator, one
// for the list as arXiv's RSS writes it (newsboat keeps only the last of
// several).
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Self        rssSelf   `xml:"atom:link"`
	Generator   string    `xml:"generator"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Items       []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	Description string   `xml:"description"`
	Content     string   `xml:"content:encoded,omitempty"`
	Creator     string   `xml:"dc:creator,omitempty"`
	Categories  []string `xml:"category"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate,omitempty"`
}

func (d *doc) rss() ([]byte, error) {
	c := rssChannel{Title: d.Title, Link: d.Home, Description: htmlEscape(d.Description), Generator: "quire",
		Self: rssSelf{d.Self, "self", "application/rss+xml"}}
	if !d.Updated.IsZero() {
		c.LastBuild = d.Updated.UTC().Format(time.RFC1123Z)
	}
	for _, e := range d.Entries {
		it := rssItem{Title: e.Title, Link: e.Link, Description: htmlEscape(e.Summary), Content: e.Content,
			Creator: strings.Join(e.Authors, ", "), Categories: e.Categories, GUID: rssGUID{"false", e.ID}}
		if t := firstSet(e.Published, e.Updated); !t.IsZero() {
			it.PubDate = t.UTC().Format(time.RFC1123Z)
		}
		c.Items = append(c.Items, it)
	}
	return marshalXML(rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", DC: "http://purl.org/dc/elements/1.1/",
		Content: "http://purl.org/rss/1.0/modules/content/", Channel: c})
}

// JSON Feed 1.1.
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

func (d *doc) json() ([]byte, error) {
	f := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: d.Title, HomePageURL: d.Home, FeedURL: d.Self,
		Description: d.Description, Authors: []jsonAuthor{{d.Author}}, Items: []jsonItem{}}
	for _, e := range d.Entries {
		it := jsonItem{ID: e.ID, URL: e.Link, Title: e.Title, ContentHTML: e.Content, Summary: e.Summary,
			DateModified: rfc3339(e.Updated), Tags: e.Categories}
		if !e.Published.IsZero() {
			it.DatePublished = rfc3339(e.Published)
		}
		for _, a := range e.Authors {
			it.Authors = append(it.Authors, jsonAuthor{a})
		}
		f.Items = append(f.Items, it)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	err := enc.Encode(f)
	return b.Bytes(), err
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
