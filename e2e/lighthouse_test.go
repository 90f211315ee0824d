package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quire/quire/internal/testutil"
)

// lighthouse finds the Lighthouse CLI that scripts/test.sh installs with
// npm (12.8.2: the last release that runs on Debian 12's Node 18), or
// skips (fails in CI).
func lighthouse(t *testing.T) string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	for _, p := range []string{os.Getenv("QUIRE_LIGHTHOUSE"), filepath.Join(cache, "quire-test/lighthouse/node_modules/.bin/lighthouse")} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	testutil.Require(t, "Lighthouse (npm install lighthouse@12.8.2, see scripts/test.sh)")
	return ""
}

// topPaper is the first paper of the latest day, from the API.
func topPaper(t *testing.T, base string) string {
	t.Helper()
	res, err := http.Get(base + "/api/daily_papers?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var day []struct{ Paper struct{ ID string } }
	if err := json.NewDecoder(res.Body).Decode(&day); err != nil || len(day) == 0 {
		t.Fatalf("daily papers: %d, %v", len(day), err)
	}
	return day[0].Paper.ID
}

type lhReport struct {
	Categories map[string]struct {
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Score        *float64 `json:"score"`
		DisplayValue string   `json:"displayValue"`
	} `json:"audits"`
	RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
}

// failing lists the weighted audits of a category that did not pass, for
// the failure message.
func (r *lhReport) failing(cat string) []string {
	var out []string
	for _, a := range r.Categories[cat].AuditRefs {
		if au := r.Audits[a.ID]; a.Weight > 0 && au.Score != nil && *au.Score < 1 {
			out = append(out, fmt.Sprintf("%s %.2f %s", a.ID, *au.Score, au.DisplayValue))
		}
	}
	return out
}

func (r *lhReport) score(cat string) float64 {
	if s := r.Categories[cat].Score; s != nil {
		return *s
	}
	return -1
}

// runLighthouse audits one page as a phone on a mobile network (the
// defaults: Moto G Power, simulated slow 4G and 4× CPU slowdown) with
// Debian's Chromium, and keeps the HTML report with the screenshots.
func runLighthouse(t *testing.T, exe, chrome, pageURL, name string) *lhReport {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := exec.Command(exe, pageURL, "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
		"--only-categories=performance,accessibility,best-practices,seo",
		"--output=json", "--output=html", "--output-path="+out)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lighthouse %s: %v\n%s", pageURL, err, b)
	}
	b, err := os.ReadFile(out + ".report.json")
	if err != nil {
		t.Fatal(err)
	}
	if html, err := os.ReadFile(out + ".report.html"); err == nil {
		_ = os.WriteFile(filepath.Join(artifacts(t), "lighthouse-"+name+".html"), html, 0o644)
	}
	var r lhReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("lighthouse %s: %v", pageURL, err)
	}
	if r.RuntimeError != nil && r.RuntimeError.Code != "" {
		t.Fatalf("lighthouse %s: %s %s", pageURL, r.RuntimeError.Code, r.RuntimeError.Message)
	}
	return &r
}

// TestLighthouse holds the daily, paper and search pages to Lighthouse's
// mobile audit: accessibility and best practices 100, SEO and performance
// at least 95. Performance is measured from a trace on a shared machine,
// so a page under 95 is audited twice more and judged by the median, as
// Lighthouse's own guidance on variability advises; the other categories
// are deterministic and judged on the first run.
func TestLighthouse(t *testing.T) {
	exe, chrome := lighthouse(t), chromium(t)
	m := serveDemo(t, nil)
	base := m.URL()
	paper := topPaper(t, base)
	for _, pg := range []struct{ name, path string }{
		{"daily", "/"},
		{"paper", "/papers/" + paper},
		{"search", "/papers?q=" + url.QueryEscape("diffusion models")},
	} {
		t.Run(pg.name, func(t *testing.T) {
			r := runLighthouse(t, exe, chrome, base+pg.path, pg.name)
			for cat, min := range map[string]float64{"accessibility": 1, "best-practices": 1, "seo": 0.95} {
				if s := r.score(cat); s < min {
					t.Errorf("%s: %s %.2f < %.2f: %s", pg.path, cat, s, min, strings.Join(r.failing(cat), "; "))
				}
			}
			perf := []float64{r.score("performance")}
			if perf[0] < 0.95 {
				for i := range 2 {
					perf = append(perf, runLighthouse(t, exe, chrome, base+pg.path, fmt.Sprintf("%s-%d", pg.name, i+2)).score("performance"))
				}
			}
			slices.Sort(perf)
			if med := perf[len(perf)/2]; med < 0.95 {
				t.Errorf("%s: performance median %.2f of %v < 0.95: %s", pg.path, med, perf, strings.Join(r.failing("performance"), "; "))
			}
			t.Logf("%s: performance %v, accessibility %.2f, best practices %.2f, SEO %.2f", pg.path, perf,
				r.score("accessibility"), r.score("best-practices"), r.score("seo"))
		})
	}
}
