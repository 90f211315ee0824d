package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quire/quire/internal/core"
	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

func signupForm(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(base+"/signup"),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("email"), name+"@example.org"),
		chromedp.SendKeys(chromedp.ID("password"), "password-"+name))
	clickAndWait(t, ctx, "#signup-submit")
}

func loginForm(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), name),
		chromedp.SendKeys(chromedp.ID("password"), "password-"+name))
	clickAndWait(t, ctx, "#login-submit")
}

func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	clickAndWait(t, ctx, `form[action="/logout"] button`)
}

func me(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `(document.getElementById("me") || {}).textContent || ""`)
}

func TestCommunityInTheBrowser(t *testing.T) {
	ctx, m := browserMain(t)
	base := m.URL()
	bg := context.Background()

	// Sign up, log out, log in.
	signupForm(t, ctx, base, "ann")
	if got := me(t, ctx); got != "ann" {
		t.Fatalf("after sign-up the header shows %q", got)
	}
	logout(t, ctx)
	if got := me(t, ctx); got != "" {
		t.Fatalf("still logged in as %q", got)
	}
	loginForm(t, ctx, base, "ann")
	if got := me(t, ctx); got != "ann" {
		t.Fatalf("after login the header shows %q", got)
	}

	// Upvote the top paper of the day without a reload; it persists.
	do(t, ctx, chromedp.Navigate(base+"/"))
	before := eval[string](t, ctx, `document.querySelector("article.card form.votes .count").textContent`)
	do(t, ctx, chromedp.Click(chromedp.CSS("article.card form.votes button")))
	var after string
	for i := 0; i < 50; i++ {
		after = eval[string](t, ctx, `document.querySelector("article.card form.votes .count").textContent`)
		if after != before {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after == before || !eval[bool](t, ctx, `document.querySelector("article.card form.votes").classList.contains("voted")`) {
		t.Fatalf("upvote did not change the count: %s → %s", before, after)
	}
	do(t, ctx, chromedp.Reload())
	if got := eval[string](t, ctx, `document.querySelector("article.card form.votes .count").textContent`); got != after {
		t.Errorf("after reload the count is %s, want %s", got, after)
	}
	screenshot(t, ctx, "upvoted")

	// Submit a paper that arXiv published yesterday.
	fresh := &model.Paper{ID: "2611.04242", Title: "A Fresh Result on Flow Matching", Summary: "We show a thing.",
		Authors: []model.Author{{Name: "Ann Author"}}, Categories: []string{"cs.LG"},
		Versions: []model.Version{{Version: 1, Created: time.Now().Add(-24 * time.Hour)}}}
	if _, err := m.DB.UpsertArxiv(bg, []*model.Paper{fresh}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/papers/submit"), chromedp.SendKeys(chromedp.ID("paper_id"), "2611.04242"))
	clickAndWait(t, ctx, "#submit-paper")
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/papers/2611.04242") {
		t.Fatalf("submit went to %s", loc)
	}
	if crumb := eval[string](t, ctx, `document.querySelector(".crumb").textContent`); !strings.Contains(crumb, "submitted by ann") {
		t.Errorf("paper page says %q", crumb)
	}

	// Comment, then reply.
	do(t, ctx, chromedp.SendKeys(chromedp.ID("comment-body"), "This is **really** neat."))
	clickAndWait(t, ctx, "#comment-submit")
	if got := eval[string](t, ctx, `document.querySelector(".comment .body").innerHTML`); !strings.Contains(got, "<strong>really</strong>") {
		t.Fatalf("comment shows %q", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".comment details summary")),
		chromedp.SendKeys(chromedp.CSS(".comment .reply-body"), "Thanks!"))
	clickAndWait(t, ctx, ".comment .reply-submit")
	if got := eval[string](t, ctx, `(document.querySelector(".comment .comment.reply .body") || {}).textContent || ""`); !strings.Contains(got, "Thanks!") {
		t.Fatalf("reply shows %q", got)
	}
	screenshot(t, ctx, "discussion")

	// A moderator hides the comment; visitors no longer see its text.
	accounts := &core.Accounts{Store: m.DB, Now: time.Now, SessionTTL: time.Hour}
	if _, err := accounts.Signup(bg, "mo", "mo@example.org", "password-mo", model.RoleModerator); err != nil {
		t.Fatal(err)
	}
	logout(t, ctx)
	loginForm(t, ctx, base, "mo")
	do(t, ctx, chromedp.Navigate(base+"/papers/2611.04242"))
	clickAndWait(t, ctx, ".comment .hide-comment")
	logout(t, ctx)
	do(t, ctx, chromedp.Navigate(base+"/papers/2611.04242"))
	text := eval[string](t, ctx, `document.querySelector(".discussion").innerText`)
	if strings.Contains(text, "really neat") || !strings.Contains(text, "hidden by a moderator") {
		t.Errorf("after hiding, visitors see: %q", text)
	}
	acts, _ := m.DB.RecentModActions(bg, 5)
	if len(acts) == 0 || acts[0].Action != "hide_comment" || acts[0].Actor != "mo" {
		t.Errorf("moderation log = %+v", acts)
	}
}

// TestHostilePaperIsInert stores a paper whose title, abstract, author,
// organization and comment carry script payloads, opens its pages in the
// browser, and checks that nothing ran and no payload became an element.
func TestHostilePaperIsInert(t *testing.T) {
	ctx, m := browserMain(t)
	base := m.URL()
	bg := context.Background()
	payloads := []string{`<script>window.pwned=1</script>`, `"><img src=x onerror="window.pwned=2">`,
		`<svg onload="window.pwned=3">`, `$\text{<img src=x onerror=window.pwned=4>}$`, `javascript:window.pwned=5`}
	evil := strings.Join(payloads, " ")
	p := &model.Paper{ID: "2611.06666", Title: "Hostile " + evil, Summary: evil + ` \href{javascript:window.pwned=6}{click}`,
		Authors: []model.Author{{Name: evil}}, GithubRepo: "javascript:window.pwned=7",
		Organization: &model.Organization{Name: "evil-org", Fullname: evil},
		Daily:        &model.Submission{Day: model.DateOf(time.Now()), SubmittedAt: time.Now()}}
	if _, err := m.DB.UpsertPapers(bg, []*model.Paper{p}); err != nil {
		t.Fatal(err)
	}
	accounts := &core.Accounts{Store: m.DB, Now: time.Now}
	if _, err := accounts.Signup(bg, "eve", "eve@example.org", "password-eve", ""); err != nil {
		t.Fatal(err)
	}
	comm := &core.Community{Store: m.DB, Now: time.Now, Rules: core.DefaultSubmitRules}
	eve, _ := m.DB.FindAccount(bg, "eve")
	if _, err := comm.Comment(bg, eve, p.ID, 0, evil+" [x](javascript:window.pwned=8) <iframe src=/>"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/papers/2611.06666", "/", "/orgs/evil-org", "/papers?q=hostile"} {
		do(t, ctx, chromedp.Navigate(base+path))
		// Follow every link, as a curious user would click them.
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("a[href^='javascript']").forEach(a => a.click())`))
		if pwned := eval[int](t, ctx, `window.pwned || 0`); pwned != 0 {
			t.Errorf("%s: payload %d ran", path, pwned)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll("script:not([src]), [onerror], [onload], iframe, a[href^='javascript']").length`); n != 0 {
			t.Errorf("%s: %d payload elements in the DOM", path, n)
		}
	}
	screenshot(t, ctx, "xss-inert")
}

func TestDiscussionDoesNotShadowArxivComments(t *testing.T) {
	ctx, m := browserMain(t)
	p := &model.Paper{ID: "2611.05555", Title: "T", Summary: "S", Comments: "12 pages, 3 figures",
		Versions: []model.Version{{Version: 1, Created: time.Now()}}}
	if _, err := m.DB.UpsertArxiv(context.Background(), []*model.Paper{p}, store.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(m.URL()+"/papers/2611.05555"))
	if got := eval[string](t, ctx, `document.querySelector(".arxivmeta").innerText`); !strings.Contains(got, "12 pages, 3 figures") {
		t.Errorf("arXiv section shows %q", got)
	}
}
