package web_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/quire/quire/internal/latex"
)

// zoteroHighwire lists the citation_* names Zotero's "Embedded Metadata"
// translator reads (zotero/translators, Embedded Metadata.js, lastUpdated
// 2026-04-27, commit 2814370): HIGHWIRE_MAPPINGS and the names its
// addHighwireMetadata handles apart. A name outside it is lost on save.
var zoteroHighwire = map[string]bool{
	"citation_title": true, "citation_publication_date": true, "citation_cover_date": true, "citation_date": true,
	"citation_journal_title": true, "citation_journal_abbrev": true, "citation_book_title": true,
	"citation_inbook_title": true, "citation_volume": true, "citation_issue": true, "citation_series_title": true,
	"citation_conference_title": true, "citation_conference": true, "citation_dissertation_institution": true,
	"citation_technical_report_institution": true, "citation_technical_report_number": true,
	"citation_publisher": true, "citation_isbn": true, "citation_abstract": true, "citation_doi": true,
	"citation_public_url": true, "citation_language": true, "citation_author": true, "citation_authors": true,
	"citation_editor": true, "citation_editors": true, "citation_firstpage": true, "citation_lastpage": true,
	"citation_issn": true, "citation_eIssn": true, "citation_pdf_url": true, "citation_abstract_html_url": true,
	"citation_fulltext_html_url": true, "citation_pmid": true, "citation_online_date": true,
	"citation_year": true, "citation_keywords": true, "citation_keyword": true,
}

// highwireExtra are the names quire sends that Zotero does not read but
// Google Scholar's inclusion guidelines (and arXiv's own abstract pages) use.
var highwireExtra = map[string]bool{"citation_arxiv_id": true}

// headMeta parses a page as a browser does and returns its <head> meta
// tags, name → contents in document order.
func headMeta(t *testing.T, page []byte) (names []string, tags map[string][]string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	tags = map[string][]string{}
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode && n.Data == "head" {
			inHead = true
		}
		if inHead && n.Type == html.ElementNode && n.Data == "meta" {
			var name, content string
			for _, a := range n.Attr {
				switch a.Key {
				case "name":
					name = a.Val
				case "content":
					content = a.Val
				}
			}
			if name != "" {
				if tags[name] == nil {
					names = append(names, name)
				}
				tags[name] = append(tags[name], content)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	return names, tags
}

// TestZoteroSavesAPreprint checks a paper page the way Zotero's connector
// reads it: every citation_* name one Zotero knows, the authors in order
// and complete, the title and abstract as plain text, and the item type
// "preprint" from the Dublin Core type (Zotero's RDF.js: a dc:type that
// is a Zotero item type becomes the type; Highwire alone means
// journalArticle).
func TestZoteroSavesAPreprint(t *testing.T) {
	ts := newTestServer(t, 0, "../demo/data")
	papers, err := ts.DB.FindPapers(t.Context(), storeAll())
	if err != nil || len(papers) == 0 {
		t.Fatalf("demo corpus: %d papers, %v", len(papers), err)
	}
	p := papers[0] // the paper with the most authors: order is what breaks
	for _, q := range papers {
		if len(q.Authors) > len(p.Authors) {
			p = q
		}
	}
	_, body := ts.get(t, "/papers/"+p.ID)
	names, tags := headMeta(t, body)
	for _, n := range names {
		if strings.HasPrefix(n, "citation_") && !zoteroHighwire[n] && !highwireExtra[n] {
			t.Errorf("meta %s is not a Highwire name Zotero reads", n)
		}
	}
	if got := tags["DC.type"]; len(got) != 1 || got[0] != "preprint" {
		t.Errorf("DC.type = %q, want one \"preprint\"", got)
	}
	for _, n := range []string{"citation_journal_title", "citation_conference_title", "citation_book_title",
		"citation_technical_report_institution", "citation_dissertation_institution"} {
		if tags[n] != nil {
			t.Errorf("%s would make Zotero save a %s, not a preprint", n, n)
		}
	}
	var want []string
	for _, a := range p.Authors {
		if !a.Hidden {
			want = append(want, a.Name)
		}
	}
	got := tags["citation_author"]
	if len(want) < 2 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("citation_author = %q, want %q in order", got, want)
	}
	for _, a := range got {
		// Zotero splits one citation_author at ";" (and at "," between
		// two-word halves): a name must not hold either.
		if strings.ContainsAny(a, ";") {
			t.Errorf("author %q would be split by Zotero", a)
		}
	}
	if tt := tags["citation_title"]; len(tt) != 1 || tt[0] != p.Title {
		t.Errorf("citation_title = %q, want %q", tt, p.Title)
	}
	for _, n := range []string{"citation_date", "citation_pdf_url", "citation_publisher", "citation_abstract"} {
		if len(tags[n]) != 1 || tags[n][0] == "" {
			t.Errorf("%s = %q, want one value", n, tags[n])
		}
	}
	if d := tags["description"]; len(d) != 1 || !strings.HasPrefix(latex.Text(p.Summary), strings.TrimSuffix(d[0], "…")) {
		t.Errorf("description = %q, not the start of the abstract", d)
	}
}
