package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/quire/quire/internal/store"
)

// colorScheme makes the page see prefers-color-scheme as scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return chromedp.Void{}, err
	}
}

// lowContrastJS lists every visible element with text of its own whose
// colour has less contrast with the background behind it than WCAG 2.1
// asks (1.4.3: 4.5:1, 3:1 for large text), with the colours composited as
// the browser paints them. Each entry is "ratio tag.class “text”".
const lowContrastJS = `(() => {
  const rgba = s => { const m = s.match(/[\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const over = (fg, bg) => [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat(1);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const behind = el => { const layers = []; for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; }
    let bg = [255, 255, 255, 1]; for (const c of layers.reverse()) bg = over(c, bg); return bg; };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.getClientRects().length || ["SCRIPT", "STYLE", "ANNOTATION"].includes(el.tagName)) continue;
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
    if (!own) continue;
    const st = getComputedStyle(el);
    if (st.visibility === "hidden") continue;
    const bg = behind(el), fg = over(rgba(st.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push(ratio.toFixed(2) + " " + el.tagName.toLowerCase() + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " “" + own.slice(0, 40) + "”");
  }
  return out;
})()`

var texMath = regexp.MustCompile(`\$[^$]+\$|\\\(`)

// TestContrastInBothThemes checks the text contrast of the pages people
// read most, in the light theme and in the dark one that follows
// prefers-color-scheme: the daily list, a paper with MathML and a code
// link, search results with highlighted terms, and the digest preview
// (the mail keeps its own light colours, as mail clients render it).
func TestContrastInBothThemes(t *testing.T) {
	ctx, m := browserMain(t)
	base := m.URL()
	papers, err := m.DB.FindPapers(context.Background(), store.PaperFilter{OnDaily: true})
	if err != nil {
		t.Fatal(err)
	}
	var code, math string
	for _, p := range papers {
		if code == "" && p.GithubRepo != "" {
			code = p.ID
		}
		if math == "" && texMath.MatchString(p.Summary) {
			math = p.ID
		}
	}
	if code == "" || math == "" {
		t.Fatalf("demo corpus: paper with a code link %q, with TeX %q", code, math)
	}
	signupForm(t, ctx, base, "contrast")
	pages := []string{"/", "/papers/" + code, "/papers/" + math, "/papers?q=" + url.QueryEscape("diffusion models"), "/digest/preview"}
	for _, scheme := range []string{"light", "dark"} {
		do(t, ctx, colorScheme(scheme))
		for _, p := range pages {
			do(t, ctx, chromedp.Navigate(base+p))
			if scheme == "dark" && p == "/" {
				if bg := eval[string](t, ctx, `getComputedStyle(document.body.parentElement).backgroundColor`); bg == "rgb(255, 255, 255)" {
					t.Errorf("dark theme: the page background is still white")
				}
			}
			if bad := eval[[]string](t, ctx, lowContrastJS); len(bad) > 0 {
				t.Errorf("%s theme, %s: %d elements below WCAG contrast: %s", scheme, p, len(bad), strings.Join(bad[:min(len(bad), 8)], "; "))
			}
		}
		do(t, ctx, chromedp.Navigate(base+"/papers/"+math))
		if n := eval[int](t, ctx, `document.querySelectorAll(".abstract math").length`); n == 0 {
			t.Errorf("%s: no MathML in the abstract of %s", scheme, math)
		}
		screenshot(t, ctx, "paper-"+scheme)
	}
}

// TestPhoneWidth renders the main pages 360 CSS pixels wide, the width of
// the smallest common phones: nothing may stick out sideways.
func TestPhoneWidth(t *testing.T) {
	ctx, base := browser(t)
	do(t, ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	do(t, ctx, chromedp.Navigate(base+"/"))
	paper := eval[string](t, ctx, `document.querySelector("article.card").id.slice(2)`)
	for _, pg := range []struct{ name, path string }{
		{"daily", "/"}, {"paper", "/papers/" + paper}, {"search", "/papers?q=" + url.QueryEscape("diffusion models")},
		{"trending", "/papers/trending"}, {"signup", "/signup"},
	} {
		do(t, ctx, chromedp.Navigate(base+pg.path))
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			wide := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 361).slice(0, 5).map(e => e.tagName.toLowerCase() + "." + e.className)`)
			t.Errorf("%s at 360 px: the page is %d px wide; too wide: %q", pg.path, w, wide)
		}
		screenshot(t, ctx, "phone-"+pg.name)
	}
}

// TestKeyboardOnLists drives a list with the keys only: j and k move the
// focus between papers, v upvotes and s saves the one in focus, ? opens
// the help and Escape closes it, o opens the paper. The keys never act
// while one types in the search box, and the help leaves the focus free.
func TestKeyboardOnLists(t *testing.T) {
	ctx, base := browser(t)
	signupForm(t, ctx, base, "keys")
	do(t, ctx, chromedp.Navigate(base+"/"))
	focused := func() string {
		return eval[string](t, ctx, `(document.activeElement.closest("article.card") || {id: ""}).id`)
	}
	cards := eval[[]string](t, ctx, `[...document.querySelectorAll("article.card")].map(c => c.id)`)
	if len(cards) < 3 {
		t.Fatalf("%d cards", len(cards))
	}
	do(t, ctx, chromedp.KeyEvent("j"))
	if f := focused(); f != cards[0] {
		t.Fatalf("after j the focus is on %q, want the first paper %q", f, cards[0])
	}
	do(t, ctx, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k"))
	if f := focused(); f != cards[1] {
		t.Fatalf("after j j j k the focus is on %q, want the second paper %q", f, cards[1])
	}
	if tag := eval[string](t, ctx, `document.activeElement.tagName + " " + document.activeElement.closest(".title").tagName`); tag != "A H2" {
		t.Errorf("focus is on %q, want the title link", tag)
	}

	do(t, ctx, chromedp.KeyEvent("v"))
	waitJS(t, func() bool {
		return eval[string](t, ctx, `document.getElementById("`+cards[1]+`").querySelector("form.votes button").getAttribute("aria-pressed")`) == "true"
	}, "v upvotes the paper in focus")
	do(t, ctx, chromedp.KeyEvent("s"))
	waitJS(t, func() bool {
		return eval[string](t, ctx, `document.getElementById("`+cards[1]+`").querySelector("form.mark.save button").getAttribute("aria-pressed")`) == "true"
	}, "s saves the paper in focus")

	do(t, ctx, chromedp.KeyEvent("?"))
	if !eval[bool](t, ctx, `!!document.getElementById("keys-help") && !document.getElementById("keys-help").hidden`) {
		t.Fatal("? does not show the help")
	}
	screenshot(t, ctx, "keys-help")
	// The help is not modal: the keys and the focus still reach the list.
	do(t, ctx, chromedp.KeyEvent("j"))
	if f := focused(); f != cards[2] {
		t.Errorf("with the help open, j moves the focus to %q, want %q", f, cards[2])
	}
	do(t, ctx, chromedp.KeyEvent(kb.Escape))
	if eval[bool](t, ctx, `!document.getElementById("keys-help").hidden`) {
		t.Error("Escape does not close the help")
	}

	// Typing in the search box types.
	do(t, ctx, chromedp.Focus(chromedp.ID("q")), chromedp.KeyEvent("jk"))
	if v := eval[string](t, ctx, `document.getElementById("q").value`); v != "jk" {
		t.Errorf("the search box holds %q after typing jk", v)
	}
	if f := focused(); f != "" {
		t.Errorf("typing jk in the search box moved the focus to %q", f)
	}

	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.KeyEvent("j"))
	want := eval[string](t, ctx, `document.activeElement.href`)
	do(t, ctx, chromedp.KeyEvent("o"))
	waitJS(t, func() bool { return eval[string](t, ctx, `location.href`) == want }, "o opens the paper in focus")
}
