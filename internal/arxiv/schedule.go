package arxiv

import (
	"strings"
	"time"
	_ "time/tzdata" // US Eastern time must work on hosts without a zone database

	"github.com/quire/quire/internal/model"
)

// Eastern is arXiv's time zone; its schedule follows US daylight saving.
var Eastern = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err) // the embedded tzdata has it
	}
	return loc
}()

// arXiv's schedule (info.arxiv.org/help/availability, July 2026), in US
// Eastern time: submissions received before 14:00 on a weekday are
// announced at 20:00 that evening, Monday to Thursday; Thursday-after-14:00
// and Friday-before-14:00 ones on Sunday evening; the rest of Friday and
// the weekend on Monday evening. No announcements on Friday or Saturday.
const (
	cutoffHour       = 14
	announcementHour = 20
)

// Holidays are the (Eastern) dates of 2026 on which arXiv does not
// announce, as arXiv's availability page lists them; their submissions go
// out with the next announcement. Other years' holidays are not known
// here: on them quire expects an announcement that does not come, and
// says so on /status rather than guessing.
var Holidays = map[string]bool{
	"2026-01-01": true, "2026-01-19": true, "2026-06-19": true, "2026-07-03": true, "2026-09-07": true,
	"2026-11-26": true, "2026-12-25": true, "2026-12-29": true, "2026-12-31": true,
}

// Announces reports whether arXiv announces on the evening of the Eastern
// date of t: Sunday to Thursday, except holidays.
func Announces(t time.Time) bool {
	t = t.In(Eastern)
	wd := t.Weekday()
	return wd != time.Friday && wd != time.Saturday && !Holidays[t.Format("2006-01-02")]
}

// cutoff is the submission deadline of the announcement on the Eastern
// date of d: 14:00 that day, or for Sunday the Friday before.
func cutoff(d time.Time) time.Time {
	c := time.Date(d.Year(), d.Month(), d.Day(), cutoffHour, 0, 0, 0, Eastern)
	if d.Weekday() == time.Sunday {
		c = c.AddDate(0, 0, -2)
	}
	return c
}

// Announcement returns when a submission received at t is announced: the
// first announcement evening whose deadline is after t.
func Announcement(t time.Time) time.Time {
	local := t.In(Eastern)
	day := time.Date(local.Year(), local.Month(), local.Day(), announcementHour, 0, 0, 0, Eastern)
	for i := 0; i < 30; i++ {
		d := day.AddDate(0, 0, i)
		if Announces(d) && t.Before(cutoff(d)) {
			return d
		}
	}
	return day.AddDate(0, 0, 30) // no announcement for a month: not arXiv's schedule
}

// ListingDay is the day a submission received at t is listed: the UTC date
// of its announcement (20:00 Eastern is 00:00 or 01:00 UTC the next day),
// which is the date OAI-PMH stamps the new record with and the date arXiv's
// "new" lists carry. Listing days run Monday to Friday.
func ListingDay(t time.Time) model.Date {
	return model.DateOf(Announcement(t).UTC())
}

// NextAnnouncement returns the first announcement instant after now.
func NextAnnouncement(now time.Time) time.Time {
	local := now.In(Eastern)
	day := time.Date(local.Year(), local.Month(), local.Day(), announcementHour, 0, 0, 0, Eastern)
	for i := 0; i < 30; i++ {
		if d := day.AddDate(0, 0, i); Announces(d) && d.After(now) {
			return d
		}
	}
	return day.AddDate(0, 0, 30)
}

// IsListingDay reports whether arXiv lists papers on the (UTC) day d: the
// day after an announcement evening.
func IsListingDay(d model.Date) bool {
	evening := d.Time().Add(12*time.Hour).AddDate(0, 0, -1)
	return Announces(evening)
}

// physicsArchives are the archives of arXiv's physics group; every other
// archive is a group of its own (cs, math, stat, eess, econ, q-bio, q-fin).
var physicsArchives = map[string]bool{
	"astro-ph": true, "cond-mat": true, "gr-qc": true, "hep-ex": true, "hep-lat": true, "hep-ph": true, "hep-th": true,
	"math-ph": true, "nlin": true, "nucl-ex": true, "nucl-th": true, "physics": true, "quant-ph": true,
}

// SetOf is the OAI-PMH set that holds a category or archive, in arXiv's
// group:archive:CATEGORY form: cs.LG → cs:cs:LG, cs → cs, hep-th →
// physics:hep-th, astro-ph.GA → physics:astro-ph:GA.
func SetOf(category string) string {
	archive, sub, hasSub := strings.Cut(category, ".")
	group := archive
	if physicsArchives[archive] {
		group = "physics"
	}
	switch {
	case hasSub:
		return group + ":" + archive + ":" + sub
	case group == archive:
		return archive
	}
	return group + ":" + archive
}

// LastAnnouncement returns the latest announcement instant at or before t.
func LastAnnouncement(t time.Time) time.Time {
	local := t.In(Eastern)
	day := time.Date(local.Year(), local.Month(), local.Day(), announcementHour, 0, 0, 0, Eastern)
	for i := 0; i < 30; i++ {
		if d := day.AddDate(0, 0, -i); Announces(d) && !d.After(t) {
			return d
		}
	}
	return day.AddDate(0, 0, -30)
}

// SubmissionWindow is when the submissions listed on day d were received:
// from the deadline of the announcement before to the deadline of d's own
// (the evening before d, Eastern). ok is false when d is no listing day.
func SubmissionWindow(d model.Date) (from, to time.Time, ok bool) {
	if !IsListingDay(d) {
		return from, to, false
	}
	e := d.Time().Add(12*time.Hour).AddDate(0, 0, -1).In(Eastern)
	evening := time.Date(e.Year(), e.Month(), e.Day(), announcementHour, 0, 0, 0, Eastern)
	prev := LastAnnouncement(evening.Add(-time.Minute))
	return cutoff(prev), cutoff(evening), true
}
