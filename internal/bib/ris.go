package bib

import (
	"bytes"
	"regexp"
	"strings"
)

// risTag is "TY  - value": two characters, two spaces, a hyphen. Exports
// vary in the spaces after the hyphen and at the end of the line.
var risTag = regexp.MustCompile(`^([A-Z][A-Z0-9])  -(?: (.*)|\s*)$`)

var risStart = regexp.MustCompile(`(?m)^TY  - `)

// ParseRIS reads RIS records (TY … ER). Lines that carry no tag continue
// the value before them, as some reference managers wrap long values.
func ParseRIS(b []byte) ([]Entry, error) {
	var out []Entry
	var cur *Entry
	var tags map[string][]string
	var last string
	for n, raw := range bytes.Split(b, []byte("\n")) {
		line := strings.TrimRight(string(raw), "\r")
		lineNo := n + 1
		m := risTag.FindStringSubmatch(line)
		if m == nil {
			switch {
			case strings.TrimSpace(line) == "":
			case cur != nil && len(tags[last]) > 0:
				vs := tags[last]
				vs[len(vs)-1] += " " + strings.TrimSpace(line)
				if len(vs[len(vs)-1]) > MaxFieldLen {
					return nil, &Error{Format: RIS, Line: lineNo, Msg: sprintf("the value of %s is longer than %d bytes", last, MaxFieldLen)}
				}
			default:
				return nil, &Error{Format: RIS, Line: lineNo, Msg: sprintf("%q is not a tag line (\"XX  - value\") and continues no value", short(line))}
			}
			continue
		}
		tag, val := m[1], strings.TrimSpace(m[2])
		switch {
		case tag == "TY":
			if cur != nil {
				return nil, &Error{Format: RIS, Line: lineNo, Msg: sprintf("a new record starts before the one at line %d ends with ER", cur.Line)}
			}
			cur, tags = &Entry{Line: lineNo, Type: val}, map[string][]string{}
		case cur == nil:
			return nil, &Error{Format: RIS, Line: lineNo, Msg: sprintf("tag %s outside a record (records start with TY)", tag)}
		case tag == "ER":
			out = append(out, newRISEntry(*cur, tags))
			cur, last = nil, ""
			continue
		default:
			if len(val) > MaxFieldLen {
				return nil, &Error{Format: RIS, Line: lineNo, Msg: sprintf("the value of %s is longer than %d bytes", tag, MaxFieldLen)}
			}
			tags[tag] = append(tags[tag], val)
		}
		last = tag
	}
	if cur != nil {
		return nil, &Error{Format: RIS, Line: cur.Line, Msg: "the record starting here has no ER line"}
	}
	return out, nil
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func newRISEntry(e Entry, tags map[string][]string) Entry {
	first := func(ts ...string) string {
		for _, t := range ts {
			if v := tags[t]; len(v) > 0 && v[0] != "" {
				return v[0]
			}
		}
		return ""
	}
	e.Title = first("TI", "T1", "CT", "BT")
	for _, t := range []string{"AU", "A1"} {
		e.Authors = append(e.Authors, tags[t]...)
	}
	e.Year = first("PY", "Y1", "DA")
	if len(e.Year) >= 4 {
		e.Year = e.Year[:4]
	}
	e.Key = first("ID")
	e.Fields = map[string]string{}
	for t, vs := range tags {
		e.Fields[strings.ToLower(t)] = strings.Join(vs, "\n")
	}
	e.DOI = normDOI(first("DO"))
	if strings.HasPrefix(e.DOI, "10.48550/arxiv.") {
		e.ArxivID = findArxiv(map[string]string{"do": first("DO")}, []string{"do"})
	}
	if e.ArxivID == "" {
		// arXiv in RIS: an AN/M1/UR/L1 reference, or "T2 - ArXiv" with the id
		// as "abs/…" in VL.
		e.ArxivID = findArxiv(e.Fields, []string{"an", "m1", "ur", "l1", "l2", "vl", "t2", "jo", "jf", "sn", "n1"})
	}
	return e
}
