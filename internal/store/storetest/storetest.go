// Package storetest is the conformance suite every store backend must pass:
// Run(t, newStore) with one sub-test per behaviour. SQLite runs it on every
// `go test`; PostgreSQL runs it when a server is available.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/quire/quire/internal/model"
	"github.com/quire/quire/internal/store"
)

// NewStore returns an empty, migrated store that is closed at test cleanup.
type NewStore func(t *testing.T) store.Store

// Run runs the whole suite against the backend.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"UpsertRoundTrip", testUpsertRoundTrip},
		{"UpsertIdempotent", testUpsertIdempotent},
		{"UpsertKeepsRicherFields", testUpsertKeepsRicherFields},
		{"UpsertAtomic", testUpsertAtomic},
		{"FindPaperNotFound", testFindPaperNotFound},
		{"FindPapersFiltersAndSorts", testFindPapersFiltersAndSorts},
		{"DailyDays", testDailyDays},
		{"PaperChanges", testPaperChanges},
		{"ChangeFeedUnderConcurrentWriters", testChangeFeedConcurrent},
		{"Organizations", testOrganizations},
		{"VersionChangesOnWrite", testVersion},
		{"ArxivRoundTrip", testArxivRoundTrip},
		{"ArxivNewVersionIsAnEvent", testArxivNewVersionIsAnEvent},
		{"SourcesDoNotOverwrite", testSourcesDoNotOverwrite},
		{"ArxivBatches", testArxivBatches},
		{"CheckpointsAreAtomic", testCheckpointsAreAtomic},
		{"IngestRuns", testIngestRuns},
		{"Accounts", testAccounts},
		{"SessionsAndTokens", testSessionsAndTokens},
		{"Votes", testVotes},
		{"Comments", testComments},
		{"Curation", testCuration},
		{"Subscriptions", testSubscriptions},
		{"AccountNamesIgnoreCase", testAccountNamesIgnoreCase},
		{"SubscriptionChangeWaits", testSubscriptionChangeWaits},
		{"DigestClaims", testDigestClaims},
		{"SavedSearchFeeds", testSavedSearchFeeds},
		{"ListingDays", testListingDays},
		{"SubmitRace", testSubmitRace},
		{"ClaimRace", testClaimRace},
		{"HideDeleteRace", testHideDeleteRace},
		{"AuthorMergeRace", testAuthorMergeRace},
		{"SignupRace", testSignupRace},
		{"CapRace", testCapRace},
		{"InstanceKeyRace", testInstanceKeyRace},
		{"Leases", testLeases},
		{"RateLimitRace", testRateLimitRace},
		{"Collections", testCollections},
		{"PaperStates", testPaperStates},
		{"CollectionRace", testCollectionRace},
		{"ImportPending", testImportPending},
		{"Follows", testFollows},
		{"DeleteAccount", testDeleteAccount},
		{"InterestRankings", testInterestRankings},
		{"FeedCursorsAndPrefs", testFeedCursorsAndPrefs},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

func ctx() context.Context { return context.Background() }

// fixture returns a paper with every field set, on the daily list of day.
func fixture(id, day string, upvotes int) *model.Paper {
	stars := 0
	changed := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	return &model.Paper{
		ID:      id,
		Title:   "Paper " + id,
		Summary: "Abstract of " + id + " with $\\pi_0$ math.",
		Authors: []model.Author{
			{Name: "Ada Lovelace", ObjectID: model.ObjectID("a", id+"1")},
			{Name: "Hidden Person", Hidden: true, Status: "claimed_verified", StatusLastChangedAt: &changed,
				User: &model.User{Name: "hidden", Fullname: "Hidden P", Type: "user"}},
			{Name: "Alan Turing"},
		},
		PublishedAt:       time.Date(2025, 2, 27, 0, 0, 0, 0, time.UTC),
		Upvotes:           upvotes,
		NumComments:       2,
		DiscussionID:      "d" + id,
		GithubRepo:        "https://github.com/x/" + id,
		GithubRepoAddedBy: "user",
		GithubStars:       &stars,
		ProjectPage:       "https://example.org/" + id,
		AISummary:         "One sentence.",
		AIKeywords:        []string{"flow", "theory"},
		AISummaryModel:    "model-x",
		Thumbnail:         "https://t/" + id + ".png",
		MediaURLs:         []string{"https://m/1.mp4"},
		Organization:      &model.Organization{Name: "acme", Fullname: "ACME Research"},
		Daily: &model.Submission{
			Day:                   model.MustDate(day),
			SubmittedAt:           model.MustDate(day).Time().Add(3*time.Hour + 250*time.Millisecond),
			OnDailyAt:             model.MustDate(day).Time().Add(4 * time.Hour),
			SubmittedBy:           &model.User{Name: "akhaliq", Fullname: "AK", IsPro: true, Type: "user"},
			IsAuthorParticipating: true,
		},
	}
}

func mustUpsert(t *testing.T, s store.Store, ps ...*model.Paper) store.UpsertResult {
	t.Helper()
	res, err := s.UpsertPapers(ctx(), ps)
	if err != nil {
		t.Fatalf("UpsertPapers: %v", err)
	}
	return res
}

func mustFind(t *testing.T, s store.Store, f store.PaperFilter) []*model.Paper {
	t.Helper()
	ps, err := s.FindPapers(ctx(), f)
	if err != nil {
		t.Fatalf("FindPapers(%+v): %v", f, err)
	}
	return ps
}

func ids(ps []*model.Paper) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ","
		}
		s += p.ID
	}
	return s
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func str(v any) string { return fmt.Sprint(v) }
