// Package e2e drives the real server with a real browser: Debian's Chromium
// through chromedp. Screenshots go to $QUIRE_ARTIFACTS (default
// ./artifacts/screenshots) so that a failed CI run can be looked at.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/quire/quire/internal/cli"
	"github.com/quire/quire/internal/config"
	"github.com/quire/quire/internal/testutil"
)

// chromium finds the browser, or skips (fails in CI).
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("QUIRE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	testutil.Require(t, "Chromium (apt-get install chromium)")
	return ""
}

// browser starts the real server with the demo corpus and a headless
// Chromium, and returns a tab context and the server's URL.
func browser(t *testing.T) (context.Context, string) {
	ctx, m := browserMain(t)
	return ctx, m.URL()
}

// browserMain is browser, also returning the running server for tests
// that set up data.
func browserMain(t *testing.T) (context.Context, *cli.Main) {
	return browserWith(t, nil)
}

// browserWith is browserMain with mod applied to the configuration.
func browserWith(t *testing.T, mod func(*config.Config)) (context.Context, *cli.Main) {
	t.Helper()
	exe := chromium(t)
	m := serveDemo(t, mod)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	return ctx, m
}

// serveDemo runs the real server on the demo corpus, with mod applied to
// the configuration, until the test ends.
func serveDemo(t *testing.T, mod func(*config.Config)) *cli.Main {
	t.Helper()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", t.TempDir(), true
	if mod != nil {
		mod(&cfg)
	}
	m := cli.NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func artifacts(t *testing.T) string {
	dir := os.Getenv("QUIRE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(testutil.RepoRoot(t), "artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(artifacts(t), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// clickAndWait clicks the element and waits for the next page to load.
func clickAndWait(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}

func TestBrowseDailyPaperAndLaTeX(t *testing.T) {
	ctx, base := browser(t)
	do(t, ctx, chromedp.Navigate(base+"/"))
	title, _ := chromedp.Run(ctx, chromedp.Title())
	if !strings.Contains(title, "Daily Papers") {
		t.Errorf("title = %q", title)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("article.card").length`); n < 10 {
		t.Fatalf("%d cards on the daily page", n)
	}
	screenshot(t, ctx, "daily")

	// Follow the top paper.
	first := eval[string](t, ctx, `document.querySelector("article.card .title a").textContent`)
	clickAndWait(t, ctx, "article.card .title a")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`)
	if !strings.Contains(loc, "/papers/") || strings.TrimSpace(h1) != strings.TrimSpace(first) {
		t.Errorf("followed %q to %s with heading %q", first, loc, h1)
	}

	// A paper whose abstract writes \pi_0 without dollars, and one that uses \(…\).
	for _, tc := range []struct{ id, shot string }{{"2209.03003", "paper-latex-pi0"}, {"2607.21051", "paper-latex-paren"}} {
		do(t, ctx, chromedp.Navigate(base+"/papers/"+tc.id))
		n := eval[int](t, ctx, `document.querySelectorAll(".abstract math").length`)
		if n == 0 {
			t.Errorf("%s: no <math> in the abstract", tc.id)
		}
		// Every formula has a real rendered size: MathML Core laid it out.
		sized := eval[int](t, ctx, `[...document.querySelectorAll(".abstract math")].filter(m => {
			const r = m.getBoundingClientRect(); return r.width > 2 && r.height > 5 }).length`)
		if sized != n {
			t.Errorf("%s: %d of %d formulas have a rendered size", tc.id, sized, n)
		}
		text := eval[string](t, ctx, `document.querySelector(".abstract").innerText`)
		for _, raw := range []string{"$", `\pi`, `\(`, `\times`} {
			if strings.Contains(text, raw) {
				t.Errorf("%s: raw TeX %q left in the abstract: %.300s", tc.id, raw, text)
			}
		}
		screenshot(t, ctx, tc.shot)
	}
}

func TestSearchFromTheBox(t *testing.T) {
	ctx, base := browser(t)
	do(t, ctx, chromedp.Navigate(base+"/"))
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.SendKeys(chromedp.ID("q"), "rectified flow\n"))); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.WaitVisible(chromedp.ID("results")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/papers?q=rectified+flow") {
		t.Errorf("search went to %s", loc)
	}
	titles := eval[[]string](t, ctx, `[...document.querySelectorAll("#results article .title")].map(h => h.textContent)`)
	if len(titles) == 0 || !strings.Contains(strings.ToLower(strings.Join(titles, " ")), "flow") {
		t.Errorf("results = %q", titles)
	}
	screenshot(t, ctx, "search")
}

func TestPageThroughDays(t *testing.T) {
	ctx, base := browser(t)
	do(t, ctx, chromedp.Navigate(base+"/"))
	today := eval[string](t, ctx, `document.querySelector(".pager h1").textContent`)
	clickAndWait(t, ctx, "a.prev")
	prev := eval[string](t, ctx, `document.querySelector(".pager h1").textContent`)
	if prev == today || eval[int](t, ctx, `document.querySelectorAll("article.card").length`) == 0 {
		t.Fatalf("previous day %q (from %q) has no papers", prev, today)
	}
	clickAndWait(t, ctx, "a.next")
	if back := eval[string](t, ctx, `document.querySelector(".pager h1").textContent`); back != today {
		t.Errorf("next from %q went to %q, want %q", prev, back, today)
	}
	clickAndWait(t, ctx, `.tabs a[href^="/papers/week/"]`)
	if h := eval[string](t, ctx, `document.querySelector(".pager h1").textContent`); !strings.HasPrefix(h, "Week ") {
		t.Errorf("weekly tab shows %q", h)
	}

	// A weekend says so and links to the nearest days with papers.
	do(t, ctx, chromedp.Navigate(base+"/papers/date/2026-08-08"))
	msg := eval[string](t, ctx, `document.querySelector(".empty").innerText`)
	if !strings.Contains(msg, "weekend") {
		t.Errorf("weekend page says %q", msg)
	}
	clickAndWait(t, ctx, "a.nearest-prev")
	if n := eval[int](t, ctx, `document.querySelectorAll("article.card").length`); n == 0 {
		t.Error("nearest day link led to an empty page")
	}
	screenshot(t, ctx, "nearest-day")
}
