// Package markdown renders user-written Markdown (comments) to HTML that is
// safe to put on a page: goldmark turns it into HTML, bluemonday's UGC policy
// keeps only harmless elements and attributes, and links get rel=nofollow.
package markdown

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md     = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		p.AllowURLSchemes("http", "https", "mailto")
		return p
	}()
)

// HTML renders src. Raw HTML in src is escaped by goldmark (it is not
// passed through) and the result is sanitised again, so neither layer alone
// has to be perfect.
func HTML(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}
