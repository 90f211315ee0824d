package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/quire/quire/internal/demo"
)

// TestFlowTheorySearch searches "flow theory" over the demo corpus, which
// mixes the reference page's papers into five weeks of daily lists: the
// first page shows seed papers that do not contain both words.
func TestFlowTheorySearch(t *testing.T) {
	ctx, base := browser(t)
	seed, err := demo.SeedPapers()
	if err != nil {
		t.Fatal(err)
	}
	isSeed := map[string]bool{}
	for _, p := range seed {
		isSeed[p.ID] = true
	}
	do(t, ctx, chromedp.Navigate(base+"/papers?q=flow+theory"), chromedp.WaitVisible(chromedp.ID("results")))
	type result struct{ ID, Text string }
	results := eval[[]result](t, ctx, `[...document.querySelectorAll("#results article")].map(a => ({ID: a.id.slice(2), Text: a.innerText}))`)
	var seedHits, withoutBoth int
	for _, r := range results {
		if !isSeed[r.ID] {
			continue
		}
		seedHits++
		// The card shows the title; the paper's abstract decides "contains both words".
		for _, p := range seed {
			text := strings.ToLower(p.Title + " " + p.Summary)
			if p.ID == r.ID && !(strings.Contains(text, "flow") && strings.Contains(text, "theory")) {
				withoutBoth++
			}
		}
	}
	if seedHits < 10 || withoutBoth == 0 {
		t.Errorf("first page: %d seed papers, %d of them without both words (of %d results)", seedHits, withoutBoth, len(results))
	}
	screenshot(t, ctx, "flow-theory")
}
