package digest

import (
	"fmt"
	"time"

	"github.com/quire/quire/internal/model"
)

// Period is the list a digest covers: the day before date for daily
// digests, the ISO week before date's week for weekly ones.
func Period(frequency string, date model.Date) (model.Period, string, error) {
	switch frequency {
	case model.Daily:
		p := model.DayPeriod(date.AddDays(-1))
		return p, "daily:" + p.Key(), nil
	case model.Weekly:
		p := model.WeekPeriod(date).Prev()
		return p, "weekly:" + p.Key(), nil
	}
	return model.Period{}, "", model.Errorf(model.EINVALID, "frequency %q: want daily or weekly", frequency)
}

// Due reports whether frequency's digest goes out on date: daily ones on
// the mornings after arXiv's announcements (Monday to Friday, UTC), weekly
// ones on Mondays.
func Due(frequency string, date model.Date) bool {
	wd := date.Weekday()
	if frequency == model.Weekly {
		return wd == time.Monday
	}
	return wd != time.Saturday && wd != time.Sunday
}

func subjectFor(site, frequency string, p model.Period) string {
	if frequency == model.Weekly {
		return fmt.Sprintf("%s: the week's trending papers (%s)", site, p.Label())
	}
	return fmt.Sprintf("%s: trending papers of %s", site, p.Start.Time().Format("Mon, Jan 2"))
}
