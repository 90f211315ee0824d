package scheduler

import (
	"time"
	_ "time/tzdata" // US Eastern time must work on hosts without a zone database
)

// eastern is arXiv's time zone.
var eastern = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err) // the embedded tzdata has it
	}
	return loc
}()

// NextAnnouncement returns the first arXiv announcement after now, plus
// delay: arXiv announces Sunday to Thursday at 20:00 US Eastern (no
// announcements on Friday and Saturday nights), and the metadata reaches
// OAI-PMH some time after, typically around 22:30.
func NextAnnouncement(now time.Time, delay time.Duration) time.Time {
	local := now.In(eastern)
	day := time.Date(local.Year(), local.Month(), local.Day(), 20, 0, 0, 0, eastern)
	for i := 0; i < 8; i++ {
		d := day.AddDate(0, 0, i)
		wd := d.Weekday()
		if wd == time.Friday || wd == time.Saturday {
			continue
		}
		if t := d.Add(delay); t.After(now) {
			return t
		}
	}
	return day.AddDate(0, 0, 7).Add(delay) // unreachable: some weekday is always ahead
}
