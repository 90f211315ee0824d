package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// waitJS polls check (a page condition) until it holds, for at most 5 s.
func waitJS(t *testing.T, check func() bool, what string) {
	t.Helper()
	for range 100 {
		if check() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not reached", what)
}

// A reader's library in the browser: save from a card and mark it read
// without a reload, hide read papers, write a private note, find it in the
// Reading list and export that as BibTeX.
func TestLibraryInTheBrowser(t *testing.T) {
	ctx, m := browserMain(t)
	base := m.URL()
	signupForm(t, ctx, base, "ann")
	do(t, ctx, chromedp.Navigate(base+"/"))
	id := eval[string](t, ctx, `document.querySelector("article.card").id.slice(2)`)
	card := `document.getElementById("p-` + id + `")`
	do(t, ctx, chromedp.Click(chromedp.CSS(`[id="p-`+id+`"] form.save button`)))
	waitJS(t, func() bool {
		return eval[string](t, ctx, card+`.querySelector("form.save button").textContent`) == "Saved"
	}, "the card's Save button says Saved")
	do(t, ctx, chromedp.Click(chromedp.CSS(`[id="p-`+id+`"] form.read button`)))
	waitJS(t, func() bool { return eval[bool](t, ctx, card+`.classList.contains("read")`) }, "the card shows read")
	do(t, ctx, chromedp.Reload())
	if got := eval[string](t, ctx, card+`.querySelector("form.save button").getAttribute("aria-pressed")`); got != "true" {
		t.Errorf("after a reload the card is not saved: %q", got)
	}
	screenshot(t, ctx, "library-card")

	// Another collection, then "▾" on the card saves into it.
	do(t, ctx, chromedp.Navigate(base+"/library"), chromedp.SendKeys(chromedp.CSS(`#new-collection input[name="name"]`), "Flows"))
	clickAndWait(t, ctx, `#new-collection button`)
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.Click(chromedp.CSS(`[id="p-`+id+`"] a.save-to`)))
	waitJS(t, func() bool { return eval[int](t, ctx, card+`.querySelectorAll(".save-menu button").length`) == 2 }, "the save menu lists both collections")
	do(t, ctx, chromedp.Click(chromedp.CSS(`[id="p-`+id+`"] .save-menu button:nth-child(2)`)))
	waitJS(t, func() bool {
		return eval[string](t, ctx, card+`.querySelector(".save-menu button:nth-child(2)").textContent`) == "✓ Flows"
	}, "the menu confirms the save")
	do(t, ctx, chromedp.Navigate(base+"/u/ann/c/flows"))
	if eval[bool](t, ctx, card+` === null`) {
		t.Fatal("the paper saved from the card's menu is not in Flows")
	}
	do(t, ctx, chromedp.Navigate(base+"/"))

	clickAndWait(t, ctx, "#hide-read")
	if eval[bool](t, ctx, card+` !== null`) {
		t.Errorf("%s still listed with read papers hidden", id)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("article.card").length`); n == 0 {
		t.Error("hiding one read paper emptied the list")
	}

	do(t, ctx, chromedp.Navigate(base+"/papers/"+id))
	authors := eval[int](t, ctx, `document.querySelectorAll(".authorlist li").length`)
	if tags := eval[int](t, ctx, `document.querySelectorAll('meta[name="citation_author"]').length`); tags != authors || tags == 0 {
		t.Errorf("%d citation_author tags for %d authors", tags, authors)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".note-box summary")), chromedp.SendKeys(chromedp.ID("note"), "Check **Table 2** <script>alert(1)</script>"))
	clickAndWait(t, ctx, "#save-note")
	if got := eval[string](t, ctx, `document.getElementById("note-html").innerHTML`); !strings.Contains(got, "<strong>Table 2</strong>") || strings.Contains(got, "<script") {
		t.Errorf("the note renders as %q", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("mark-read").textContent`); !strings.Contains(got, "Read") {
		t.Errorf("the paper page's read button says %q", got)
	}

	do(t, ctx, chromedp.Navigate(base+"/library"))
	if got := eval[string](t, ctx, `document.querySelector(".collections li").textContent`); !strings.Contains(got, "Reading list") || !strings.Contains(got, "1 paper") {
		t.Errorf("library lists %q", got)
	}
	do(t, ctx, chromedp.Navigate(base+"/u/ann/c/reading-list"))
	if eval[bool](t, ctx, card+` === null`) {
		t.Fatal("the saved paper is not in the Reading list")
	}
	bib := eval[string](t, ctx, `(() => { const x = new XMLHttpRequest(); x.open("GET", document.getElementById("export-bib").href, false); x.send(); return x.responseText; })()`)
	if !strings.HasPrefix(bib, "@misc{") || !strings.Contains(bib, "eprint={"+id+"}") {
		t.Errorf("BibTeX export: %q", bib)
	}
	screenshot(t, ctx, "library-collection")
}

// An interest built from three saved papers: /for-you shows a related new
// paper first, with its reason, and "Not interested" takes it away.
func TestForYouInTheBrowser(t *testing.T) {
	ctx, m := browserMain(t)
	base := m.URL()
	put := func(id, title, abstract string, age time.Duration) {
		p := &model.Paper{ID: id, Title: title, Summary: abstract, Authors: []model.Author{{Name: "A. Author"}},
			Categories: []string{"quant-ph"}, Versions: []model.Version{{Version: 1, Created: time.Now().Add(-age)}}}
		if _, err := m.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, store.Checkpoint{}); err != nil {
			t.Fatal(err)
		}
	}
	old := 400 * 24 * time.Hour
	put("2501.10001", "Surface code thresholds for quantum error correction", "Quantum error correction with surface codes and their decoding thresholds.", old)
	put("2501.10002", "Decoding surface codes with belief propagation", "A decoder for quantum surface codes and error correction.", old)
	put("2501.10003", "Lattice surgery in surface code quantum computers", "Logical qubits of surface codes and quantum error correction.", old)
	put("2611.20001", "Fast decoders for quantum surface codes", "We decode surface codes for quantum error correction in real time.", 2*24*time.Hour)
	put("2611.20002", "Message passing on molecular graphs", "Graph networks predict molecular properties.", 2*24*time.Hour)
	signupForm(t, ctx, base, "ann")
	for _, id := range []string{"2501.10001", "2501.10002", "2501.10003"} {
		do(t, ctx, chromedp.Navigate(base+"/papers/"+id))
		clickAndWait(t, ctx, "#save")
	}
	do(t, ctx, chromedp.Navigate(base+"/for-you"))
	first := eval[string](t, ctx, `(document.querySelector(".interest article.card") || {}).id || ""`)
	if first != "p-2611.20001" {
		t.Fatalf("/for-you starts with %q", first)
	}
	why := eval[string](t, ctx, `document.querySelector(".interest .because").textContent`)
	if !strings.Contains(why, "Why:") || !strings.Contains(why, "closest to your") {
		t.Errorf("the reason reads %q", why)
	}
	screenshot(t, ctx, "for-you")
	clickAndWait(t, ctx, ".interest .not-interested")
	if eval[bool](t, ctx, `document.getElementById("p-2611.20001") !== null`) {
		t.Error("the paper marked not interested is still shown")
	}
	// A second interest from keywords alone, then the merged view.
	do(t, ctx, chromedp.Click(".foryou-settings summary"),
		chromedp.SendKeys(`#new-interest input[name="name"]`, "Molecules"),
		chromedp.SendKeys(`#new-interest input[name="keywords"]`, "molecular graphs, message passing"))
	clickAndWait(t, ctx, `#new-interest button[type="submit"]`)
	got := eval[string](t, ctx, `[...document.querySelectorAll(".interest")].filter(s => s.querySelector("h2").textContent.includes("Molecules")).map(s => (s.querySelector("article.card") || {}).id || "none").join()`)
	if got != "p-2611.20002" {
		t.Errorf("the keywords' interest starts with %q", got)
	}
	do(t, ctx, chromedp.Click(".foryou-settings summary"), chromedp.Click(`#foryou-settings input[value="merged"]`))
	clickAndWait(t, ctx, `#foryou-settings button[type="submit"]`)
	// One list; each paper once, naming the interest it ranks best for.
	names := eval[string](t, ctx, `[...document.querySelectorAll(".because")].map(b => (b.querySelector("a[href^='/u/ann/c/']") || {}).textContent || "none").join("|")`)
	cards := eval[string](t, ctx, `[...document.querySelectorAll("article.card")].map(c => c.id).join()`)
	if strings.Contains(names, "none") || !strings.Contains(names, "Molecules") ||
		cards != "p-2611.20002,p-2611.20001" && cards != "p-2611.20001,p-2611.20002" {
		t.Errorf("the merged list: cards %q naming interests %q", cards, names)
	}
	screenshot(t, ctx, "for-you-merged")
}
