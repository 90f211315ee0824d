package model

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Date is a civil date (no time of day, no zone). Daily lists are keyed by it
// and it is stored as "YYYY-MM-DD" text, which sorts correctly in every SQL
// dialect.
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != len(dateLayout) {
		return Date{}, Errorf(EINVALID, "invalid date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// MustDate is ParseDate for constants in tests and tables; it panics on error.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the UTC calendar date of t.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// PeriodKind says whether a period is a day, an ISO week or a month.
type PeriodKind string

// The three list periods of the site and the API.
const (
	Day   PeriodKind = "date"
	Week  PeriodKind = "week"
	Month PeriodKind = "month"
)

// Period is a half-open range of days [Start, End) shown as one list.
type Period struct {
	Kind  PeriodKind
	Start Date
	End   Date // exclusive
}

var (
	weekRe  = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
	monthRe = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
)

// ParsePeriod parses the value of a date ("YYYY-MM-DD"), week ("YYYY-Www",
// ISO 8601) or month ("YYYY-MM") parameter.
func ParsePeriod(kind PeriodKind, s string) (Period, error) {
	switch kind {
	case Day:
		d, err := ParseDate(s)
		if err != nil {
			return Period{}, err
		}
		return DayPeriod(d), nil
	case Week:
		m := weekRe.FindStringSubmatch(s)
		if m == nil {
			return Period{}, Errorf(EINVALID, "invalid week %q: want YYYY-Www, e.g. 2025-W09", s)
		}
		y, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		if w < 1 || w > isoWeeksIn(y) {
			return Period{}, Errorf(EINVALID, "invalid week %q: %d has %d ISO weeks", s, y, isoWeeksIn(y))
		}
		return WeekPeriod(isoWeek1Monday(y).AddDays(7 * (w - 1))), nil
	case Month:
		m := monthRe.FindStringSubmatch(s)
		if m == nil {
			return Period{}, Errorf(EINVALID, "invalid month %q: want YYYY-MM", s)
		}
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return Period{}, Errorf(EINVALID, "invalid month %q: month must be 01-12", s)
		}
		return MonthPeriod(Date{time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)}), nil
	}
	return Period{}, Errorf(EINVALID, "unknown period kind %q", kind)
}

// DayPeriod returns the one-day period of d.
func DayPeriod(d Date) Period { return Period{Kind: Day, Start: d, End: d.AddDays(1)} }

// WeekPeriod returns the ISO week (Monday to Sunday) that contains d.
func WeekPeriod(d Date) Period {
	off := (int(d.Weekday()) + 6) % 7 // days since Monday
	start := d.AddDays(-off)
	return Period{Kind: Week, Start: start, End: start.AddDays(7)}
}

// MonthPeriod returns the calendar month that contains d.
func MonthPeriod(d Date) Period {
	y, m, _ := d.t.Date()
	start := Date{time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)}
	return Period{Kind: Month, Start: start, End: Date{start.t.AddDate(0, 1, 0)}}
}

// PeriodOf returns the period of the given kind that contains d.
func PeriodOf(kind PeriodKind, d Date) Period {
	switch kind {
	case Week:
		return WeekPeriod(d)
	case Month:
		return MonthPeriod(d)
	}
	return DayPeriod(d)
}

// Prev returns the period of the same kind just before p.
func (p Period) Prev() Period { return PeriodOf(p.Kind, p.Start.AddDays(-1)) }

// Next returns the period of the same kind just after p.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.End) }

// Contains reports whether d falls in p.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && d.Before(p.End) }

// Key is the period's canonical parameter value: "2025-06-02", "2025-W23" or
// "2025-06".
func (p Period) Key() string {
	switch p.Kind {
	case Week:
		y, w := p.Start.t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return p.Start.t.Format("2006-01")
	}
	return p.Start.String()
}

// Label is a human title for the period: "Jun 2, 2025", "Week 23, 2025",
// "June 2025".
func (p Period) Label() string {
	switch p.Kind {
	case Week:
		y, w := p.Start.t.ISOWeek()
		return fmt.Sprintf("Week %d, %d", w, y)
	case Month:
		return p.Start.t.Format("January 2006")
	}
	return p.Start.t.Format("Mon, Jan 2, 2006")
}

func isoWeek1Monday(year int) Date {
	// 4 January is always in ISO week 1.
	return WeekPeriod(Date{time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)}).Start
}

func isoWeeksIn(year int) int {
	// 28 December is always in the last ISO week of its year.
	_, w := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}
