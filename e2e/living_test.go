package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/web/ui"
)

// A fresh instance that follows hep-ex harvests a real OAI-PMH capture
// from a local server and shows it on / with nothing submitted; a
// member's upvote there moves the paper onto the Daily list.
func TestHarvestedDayOnTheFrontPage(t *testing.T) {
	page, err := os.ReadFile("../internal/arxiv/testdata/oai/functional-ListRecords-physics-hep-ex.xml")
	if err != nil {
		t.Fatal(err)
	}
	oai := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(page) }))
	defer oai.Close()
	ctx, m := browserWith(t, func(c *config.Config) {
		c.Demo = false
		c.Categories, c.OAIEndpoint, c.ArxivInterval, c.ArxivFormat = []string{"hep-ex"}, oai.URL, 0, "arXiv"
		c.SubmitWindow = 20 * 365 * 24 * time.Hour // the capture's papers are from 2017
	})
	base := m.URL()
	if !m.Jobs.Trigger(ui.HarvestJob) {
		t.Fatal("no harvest job")
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		runs, _ := m.DB.RecentIngestRuns(context.Background(), 1)
		if len(runs) == 1 && runs[0].Status == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("harvest did not finish: %+v", runs)
		}
	}
	const id = "1707.00874"
	do(t, ctx, chromedp.Navigate(base+"/"))
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); !strings.Contains(h1, "New on arXiv") {
		t.Fatalf("the front page shows %q", h1)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#p-`+strings.ReplaceAll(id, ".", "\\\\.")+`").length`); n != 1 {
		t.Fatalf("the harvested paper is not on the front page")
	}
	screenshot(t, ctx, "front-page-new-on-arxiv")

	signupForm(t, ctx, base, "ann")
	do(t, ctx, chromedp.Navigate(base+"/"))
	do(t, ctx, chromedp.Click(chromedp.CSS(`#p-`+strings.ReplaceAll(id, ".", `\.`)+` form.votes button`)))
	var p *model.Paper
	for i := 0; i < 100; i++ {
		if p, err = m.DB.FindPaperByID(context.Background(), id); err == nil && p.Daily != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p == nil || p.Daily == nil || p.Daily.SubmittedBy == nil || p.Daily.SubmittedBy.Name != "ann" {
		t.Fatalf("the upvote did not put the paper on the Daily list: %+v", p)
	}
	// The Daily list now has today's pick, and it is the front page.
	do(t, ctx, chromedp.Navigate(base+"/"))
	h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`)
	if strings.Contains(h1, "New on arXiv") || eval[int](t, ctx, `document.querySelectorAll("article.card").length`) != 1 {
		t.Errorf("after the vote the front page shows %q", h1)
	}
	screenshot(t, ctx, "front-page-daily-after-vote")
}
