package feed

import (
	"html"
	"net/url"
)

func htmlEscape(s string) string { return html.EscapeString(s) }

func urlQuery(s string) string { return url.QueryEscape(s) }
