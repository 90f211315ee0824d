package latex

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestInline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`plain & <b>`, `plain &amp; &lt;b&gt;`},
		{`$\pi_0$`, `<msub><mi>π</mi><mn>0</mn></msub>`},
		{`\pi_0 and \pi_1`, `<msub><mi>π</mi><mn>1</mn></msub>`},
		{`$O(10^{-4})$`, `<msup><mn>10</mn><mrow><mo>−</mo><mn>4</mn></mrow></msup>`},
		{`0.004 \mathring{A}`, `<mover accent="true"><mi>A</mi><mo stretchy="false">˚</mo></mover>`},
		{`1.0 {\rm kcal/mol}`, `1.0 kcal/mol`},
		{`$1.0~{\rm kcal/mol}$`, `<mi mathvariant="normal">kcal</mi><mo>/</mo><mi mathvariant="normal">mol</mi>`},
		{`$\frac{1}{2}$`, `<mfrac><mn>1</mn><mn>2</mn></mfrac>`},
		{`$\sqrt[3]{x}$`, `<mroot><mi>x</mi><mn>3</mn></mroot>`},
		{`$\mathbb{R}^d$`, `<msup><mi>ℝ</mi><mi>d</mi></msup>`},
		{`$\mathcal{L}$`, `<mi>ℒ</mi>`},
		{`$\text{if } x$`, `<mtext>if </mtext>`},
		{`$\log p$`, `<mi mathvariant="normal">log</mi>`},
		{`$\sum_{i=1}^n$`, `<msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup>`},
		{`$$\sum_{i=1}^n$$`, `<munderover><mo>∑</mo>`},
		{`\(9.6\times\) fewer`, `<mn>9.6</mn><mo>×</mo>`},
		{`$\left(\frac{a}{b}\right)$`, `<mo fence="true" stretchy="true">(</mo>`},
		{`$a \not= b$`, `<mo>≠</mo>`},
		{`na\"{\i}ve caf\'e`, `naïve café`},
		{`\textbf{bold} and \emph{it}`, `<b>bold</b> and <em>it</em>`},
		{`{\it vs.} that`, `<i>vs.</i> that`},
		{`costs 50\% less, \$2`, `costs 50% less, $2`},
		{`only $25 and without human labels, $0.34`, `only $25 and without human labels, $0.34`},
		{`see https://github.com/a/b.`, `<a href="https://github.com/a/b" rel="nofollow noopener">https://github.com/a/b</a>.`},
		{`\href{https://x.org}{site}`, `<a href="https://x.org" rel="nofollow noopener">site</a>`},
		{`\url{javascript:alert(1)}`, `javascript:alert(1)`},
		{"wrapped\n  line", `wrapped line`},
		{`${a \over b}$`, `<mfrac><mi>a</mi><mi>b</mi></mfrac>`},
		{`$x \in \R^n$`, `<msup><mi mathvariant="normal">ℝ</mi><mi>n</mi></msup>`},
		{`as in \cite{smith2020}.`, `as in [smith2020].`},
		{`$\hbox{\AA}$`, `<mtext>Å</mtext>`},
	} {
		got := Inline(tc.in)
		if !strings.Contains(got.HTML, tc.want) {
			t.Errorf("Inline(%q)\n got %s\nwant it to contain %s", tc.in, got.HTML, tc.want)
		}
		if len(got.Fallbacks) != 0 {
			t.Errorf("Inline(%q): unexpected fallbacks %q", tc.in, got.Fallbacks)
		}
	}
}

func TestFallbacks(t *testing.T) {
	for _, tc := range []struct{ in, fallback, shown string }{
		{`we propose \method, a`, `\method`, `\method`},
		{`$x^a^b$`, `$x^a^b$`, `$x^a^b$`},
		{`$\begin{matrix}a\end{matrix}$`, `$\begin{matrix}a\end{matrix}$`, `\begin`},
		{`$a & b$`, `$a & b$`, `$a &amp; b$`},
		{`$\frac{a}$`, `$\frac{a}$`, `\frac`},
		{`$<script>\foo$`, `$<script>\foo$`, `$&lt;script&gt;\foo$`},
	} {
		got := Inline(tc.in)
		if len(got.Fallbacks) != 1 || got.Fallbacks[0] != tc.fallback {
			t.Errorf("Inline(%q) fallbacks = %q, want [%q]", tc.in, got.Fallbacks, tc.fallback)
		}
		if !strings.Contains(got.HTML, tc.shown) || strings.Contains(got.HTML, "<math") {
			t.Errorf("Inline(%q) = %s, want the escaped source %s", tc.in, got.HTML, tc.shown)
		}
	}
}

func TestBlockParagraphs(t *testing.T) {
	got := Block("First line\nwrapped.\n\n  Second $x$.")
	if !strings.HasPrefix(got.HTML, "<p>First line wrapped.</p><p>Second <math") {
		t.Errorf("Block = %s", got.HTML)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`$\pi_0$: Flows`:          `π_0: Flows`,
		`\textbf{A} \& B`:         `A & B`,
		`$\mathcal{O}(n \log n)$`: `O(n log n)`,
		`x <script>`:              `x <script>`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// allowed is every element and attribute the renderer may produce. Anything
// else in the output means source text escaped its escaping.
var allowed = map[string]map[string]bool{
	"math": {"display": true}, "semantics": {}, "annotation": {"encoding": true}, "mrow": {}, "mi": {"mathvariant": true},
	"mn": {}, "mo": {"stretchy": true, "fence": true}, "mtext": {}, "mspace": {"width": true}, "msub": {}, "msup": {},
	"msubsup": {}, "munder": {"accentunder": true}, "mover": {"accent": true}, "munderover": {}, "mfrac": {"linethickness": true},
	"msqrt": {}, "mroot": {}, "b": {}, "i": {}, "em": {}, "u": {}, "code": {}, "span": {"class": true}, "p": {},
	"a": {"href": true, "rel": true},
}

// checkSafe fails when html contains an element or attribute outside the
// allow-list, or a link that is not http(s).
func checkSafe(t *testing.T, src, out string) {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("tokenize: %v", z.Err())
			}
			return
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			attrs, ok := allowed[tok.Data]
			if !ok {
				t.Fatalf("input %q produced element <%s>: %s", src, tok.Data, out)
			}
			for _, a := range tok.Attr {
				if !attrs[a.Key] {
					t.Fatalf("input %q produced attribute %s on <%s>: %s", src, a.Key, tok.Data, out)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
					t.Fatalf("input %q produced link %q", src, a.Val)
				}
			}
		}
	}
}

func TestHostileInputStaysInert(t *testing.T) {
	for _, in := range []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `$\text{<img src=x onerror=alert(1)>}$`,
		`\href{javascript:alert(1)}{click}`, `\url{https://x.org/"onmouseover="alert(1)}`, `https://a.b/<svg/onload=alert(1)>`,
		`$\mathrm{</math><script>alert(1)</script>}$`, `\textbf{<iframe src=//evil>}`, `$\operatorname{"><x}$`,
	} {
		checkSafe(t, in, Inline(in).HTML)
		checkSafe(t, in, Block(in).HTML)
	}
}

func FuzzInline(f *testing.F) {
	for _, s := range []string{`$\pi_0$`, `\mathring{A}`, `{\rm kcal/mol}`, `$O(10^{-4})$`, `$\frac{a}{\sqrt[3]{b}}$`,
		`$\left(\mathbb{R}^{n\times m}\right)$`, `na\"{\i}ve \textbf{x} https://a.b/c)`, `$$\sum_{i}^{n} x_i$$`,
		`\(a\) \[b\]`, `$a$b$c$`, `{\it x {\bf y} z}`, `\href{https://x}{\emph{y}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Inline(s)
		checkSafe(t, s, r.HTML)
		checkSafe(t, s, Block(s).HTML)
		_ = Text(s)
	})
}

func TestAccents(t *testing.T) {
	for in, want := range map[string]string{
		`Bal\'azs`: "Balázs", `Gr\"{o}bner`: "Gröbner", `{\"o}ber`: "öber", `na\"{\i}ve`: "naïve", `\c{c}a`: "ça",
		`\c c`: "ç", `Stra\ss e`: "Straße", `\o{}ystein`: "øystein", `Erd\H{o}s`: "Erdős", `\v{S}koda`: "Škoda",
		`$\'a$ and \'a`: `$\'a$ and á`, `\vec{x} \bar{y}`: `\vec{x} \bar{y}`, `\log`: `\log`, `50\%`: `50\%`,
		`\'{ab}`: `\'{ab}`, `trailing \`: `trailing \`,
	} {
		if got := Accents(in); got != want {
			t.Errorf("Accents(%q) = %q, want %q", in, got, want)
		}
	}
}

// Deep nesting renders every level once, closed in order (it used to be
// rendered by a nested renderer per level: quadratic; see the benchmark).
func TestDeepNesting(t *testing.T) {
	const n = 40000
	out := Inline(strings.Repeat(`\textbf{`, n) + "x" + strings.Repeat("}", n)).HTML
	if strings.Count(out, "<b>") != n || strings.Count(out, "</b>") != n || !strings.Contains(out, "<b>x</b>") {
		t.Errorf("40,000 nested \\textbf: %d <b>, %d </b>", strings.Count(out, "<b>"), strings.Count(out, "</b>"))
	}
	// Unclosed arguments stay visible source, as before.
	if got := Inline(`\textbf{open \emph{x}`).HTML; !strings.Contains(got, `\textbf`) || !strings.Contains(got, "<em>x</em>") {
		t.Errorf("unclosed: %q", got)
	}
}

// BenchmarkNesting shows linear cost in the nesting depth: ns/op grows
// with n, not n².
func BenchmarkNesting(b *testing.B) {
	for _, n := range []int{1000, 10000, 40000} {
		src := strings.Repeat(`\textbf{`, n) + "x" + strings.Repeat("}", n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Inline(src)
			}
		})
	}
}
