// Package api serves the JSON API in Hugging Face's Daily Papers format
// (/api/daily_papers, /api/papers/{id}, /api/papers/search), so existing
// clients work by changing only the base URL. Field names, their camelCase /
// snake_case mix and the millisecond "…Z" timestamps follow the real API.
package api

import (
	"strconv"
	"time"

	"github.com/quire/quire/internal/model"
)

// Timestamp is a time in Hugging Face's format: ISO 8601, UTC, milliseconds.
type Timestamp time.Time

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

func ts(t time.Time) *Timestamp {
	if t.IsZero() {
		return nil
	}
	v := Timestamp(t)
	return &v
}

// User is HF's UserOverview.
type User struct {
	ID        string `json:"_id"`
	AvatarURL string `json:"avatarUrl"`
	Fullname  string `json:"fullname"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	IsPro     bool   `json:"isPro"`
	// User is the username again: huggingface_hub reads an author's and
	// a paper's submitter's username from "user", not "name".
	User string `json:"user,omitempty"`
}

// Submitter is HF's submittedBy: a user with the profile flags Hugging Face's
// clients read. quire's users are neither Hugging Face staff nor followed on
// the Hub, so the flags are false and the count 0, but present.
type Submitter struct {
	User
	IsHf            bool `json:"isHf"`
	IsHfAdmin       bool `json:"isHfAdmin"`
	IsMod           bool `json:"isMod"`
	FollowerCount   int  `json:"followerCount"`
	IsUserFollowing bool `json:"isUserFollowing"`
}

// Organization is HF's organization overview.
type Organization struct {
	ID       string `json:"_id"`
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	Avatar   string `json:"avatar,omitempty"`
}

// Author is one entry of paper.authors.
type Author struct {
	ID                  string     `json:"_id"`
	Name                string     `json:"name"`
	Hidden              bool       `json:"hidden"`
	Status              string     `json:"status,omitempty"`
	StatusLastChangedAt *Timestamp `json:"statusLastChangedAt,omitempty"`
	User                *User      `json:"user,omitempty"`
}

// Paper is the object /api/papers/{id} returns and daily items wrap.
type Paper struct {
	ID                 string        `json:"id"`
	Authors            []Author      `json:"authors"`
	PublishedAt        *Timestamp    `json:"publishedAt,omitempty"`
	SubmittedOnDailyAt *Timestamp    `json:"submittedOnDailyAt,omitempty"`
	Title              string        `json:"title"`
	SubmittedOnDailyBy *User         `json:"submittedOnDailyBy,omitempty"`
	Summary            string        `json:"summary"`
	Upvotes            int           `json:"upvotes"`
	DiscussionID       string        `json:"discussionId,omitempty"`
	AISummary          string        `json:"ai_summary,omitempty"`
	AIKeywords         []string      `json:"ai_keywords,omitempty"`
	AISummaryModel     string        `json:"ai_summary_model,omitempty"`
	GithubRepo         string        `json:"githubRepo,omitempty"`
	GithubRepoAddedBy  string        `json:"githubRepoAddedBy,omitempty"`
	GithubStars        *int          `json:"githubStars,omitempty"`
	ProjectPage        string        `json:"projectPage,omitempty"`
	MediaURLs          []string      `json:"mediaUrls,omitempty"`
	Organization       *Organization `json:"organization,omitempty"`
	// Arxiv is quire's extension: the arXiv metadata Hugging Face does not
	// serve. Clients that do not know it ignore it.
	Arxiv *Arxiv `json:"arxiv,omitempty"`
}

// Arxiv is the arXiv metadata of a paper.
type Arxiv struct {
	Categories []string  `json:"categories,omitempty"`
	Versions   []Version `json:"versions,omitempty"`
	Comments   string    `json:"comments,omitempty"`
	JournalRef string    `json:"journalRef,omitempty"`
	DOI        string    `json:"doi,omitempty"`
	License    string    `json:"license,omitempty"`
}

// Version is one arXiv version.
type Version struct {
	Version string     `json:"version"`
	Created *Timestamp `json:"created,omitempty"`
}

// DailyPaper is one item of /api/daily_papers and /api/papers/search.
type DailyPaper struct {
	Paper                 Paper         `json:"paper"`
	PublishedAt           *Timestamp    `json:"publishedAt,omitempty"`
	Title                 string        `json:"title"`
	Summary               string        `json:"summary"`
	Thumbnail             string        `json:"thumbnail,omitempty"`
	MediaURLs             []string      `json:"mediaUrls,omitempty"`
	NumComments           int           `json:"numComments"`
	SubmittedBy           *Submitter    `json:"submittedBy,omitempty"`
	Organization          *Organization `json:"organization,omitempty"`
	IsAuthorParticipating bool          `json:"isAuthorParticipating"`
}

func user(u *model.User) *User {
	if u == nil {
		return nil
	}
	typ := u.Type
	if typ == "" {
		typ = "user"
	}
	return &User{ID: u.ObjectID, AvatarURL: u.AvatarURL, Fullname: u.Fullname, Name: u.Name, Type: typ, IsPro: u.IsPro}
}

func org(o *model.Organization) *Organization {
	if o == nil {
		return nil
	}
	return &Organization{ID: o.ObjectID, Name: o.Name, Fullname: o.Fullname, Avatar: o.Avatar}
}

// NewPaper converts a paper to the API shape.
func NewPaper(p *model.Paper) Paper {
	out := Paper{
		ID: p.ID, Authors: make([]Author, len(p.Authors)), PublishedAt: ts(p.PublishedAt), Title: p.Title,
		Summary: p.Summary, Upvotes: p.Upvotes, DiscussionID: p.DiscussionID, AISummary: p.AISummary,
		AIKeywords: p.AIKeywords, AISummaryModel: p.AISummaryModel, GithubRepo: p.GithubRepo,
		GithubRepoAddedBy: p.GithubRepoAddedBy, GithubStars: p.GithubStars, ProjectPage: p.ProjectPage,
		MediaURLs: p.MediaURLs, Organization: org(p.Organization),
	}
	for i, a := range p.Authors {
		out.Authors[i] = Author{ID: a.ObjectID, Name: a.Name, Hidden: a.Hidden, Status: a.Status, User: user(a.User)}
		if u := out.Authors[i].User; u != nil {
			u.User = u.Name
		}
		if a.StatusLastChangedAt != nil {
			out.Authors[i].StatusLastChangedAt = ts(*a.StatusLastChangedAt)
		}
	}
	if len(p.Categories) > 0 || len(p.Versions) > 0 {
		a := &Arxiv{Categories: p.Categories, Comments: p.Comments, JournalRef: p.JournalRef, DOI: p.DOI, License: p.License}
		for _, v := range p.Versions {
			a.Versions = append(a.Versions, Version{Version: "v" + strconv.Itoa(v.Version), Created: ts(v.Created)})
		}
		out.Arxiv = a
	}
	if d := p.Daily; d != nil {
		out.SubmittedOnDailyAt = ts(d.OnDailyAt)
		if u := user(d.SubmittedBy); u != nil {
			u.User = u.Name
			out.SubmittedOnDailyBy = u
		}
	}
	return out
}

// NewDailyPaper converts a paper to a daily-list item.
func NewDailyPaper(p *model.Paper) DailyPaper {
	item := DailyPaper{Paper: NewPaper(p), Title: p.Title, Summary: p.Summary, Thumbnail: p.Thumbnail,
		MediaURLs: p.MediaURLs, NumComments: p.NumComments, Organization: org(p.Organization)}
	if d := p.Daily; d != nil {
		item.PublishedAt = ts(d.SubmittedAt)
		if u := user(d.SubmittedBy); u != nil {
			u.User = u.Name // Hugging Face leaves it out, and its client then shows no username
			item.SubmittedBy = &Submitter{User: *u}
		}
		item.IsAuthorParticipating = d.IsAuthorParticipating
	}
	return item
}
