package scheduler

import (
	"time"

	"github.com/quire/quire/internal/arxiv"
)

// NextAnnouncement returns the first arXiv announcement after now, plus
// delay: arXiv announces Sunday to Thursday at 20:00 US Eastern, except on
// its holidays (arxiv.Announces), and the metadata reaches OAI-PMH some
// time after, typically around 22:30.
func NextAnnouncement(now time.Time, delay time.Duration) time.Time {
	return arxiv.NextAnnouncement(now.Add(-delay)).Add(delay)
}
