package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestHTML(t *testing.T) {
	for in, want := range map[string]string{
		"**bold** and `code`":     "<strong>bold</strong> and <code>code</code>",
		"see https://arxiv.org/x": `<a href="https://arxiv.org/x" rel="nofollow">https://arxiv.org/x</a>`,
		"- a\n- b":                "<li>a</li>",
	} {
		if got := string(HTML(in)); !strings.Contains(got, want) {
			t.Errorf("HTML(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHostileMarkdownIsInert(t *testing.T) {
	for _, in := range []string{
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `[x](javascript:alert(1))`,
		`<a href="javascript:alert(1)">x</a>`, `![x](x" onerror="alert(1))`, `<iframe src="//evil"></iframe>`,
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", `<svg onload=alert(1)>`,
	} {
		out := string(HTML(in))
		z := html.NewTokenizer(strings.NewReader(out))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			tok := z.Token()
			if tok.Data == "script" || tok.Data == "iframe" || tok.Data == "svg" {
				t.Errorf("HTML(%q) = %s has <%s>", in, out, tok.Data)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(a.Val)
				if strings.HasPrefix(a.Key, "on") || ((a.Key == "href" || a.Key == "src") &&
					!strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "x")) {
					t.Errorf("HTML(%q) = %s has %s=%q", in, out, a.Key, a.Val)
				}
			}
		}
	}
}
