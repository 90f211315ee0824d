// Package hf reads Hugging Face Daily Papers API responses
// (/api/daily_papers, /api/papers/search, /api/papers/{id}) into papers. The
// reader is tolerant of the format's history: fields came and went between
// 2024 and 2026 (mediaUrl → mediaUrls, submittedBy, organization, ai_summary
// …), unknown fields are ignored, and wrapped titles are normalised.
package hf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/quire/quire/internal/model"
)

// MaxFileSize bounds one response file; the real ones are under 200 kB.
const MaxFileSize = 64 << 20

type user struct {
	ID        string `json:"_id"`
	Name      string `json:"name"`
	User      string `json:"user"`
	Fullname  string `json:"fullname"`
	AvatarURL string `json:"avatarUrl"`
	Type      string `json:"type"`
	IsPro     bool   `json:"isPro"`
}

type org struct {
	ID       string `json:"_id"`
	Name     string `json:"name"`
	Fullname string `json:"fullname"`
	Avatar   string `json:"avatar"`
}

type author struct {
	ID                  string `json:"_id"`
	Name                string `json:"name"`
	Hidden              bool   `json:"hidden"`
	Status              string `json:"status"`
	StatusLastChangedAt string `json:"statusLastChangedAt"`
	User                *user  `json:"user"`
}

type paper struct {
	ID                 string   `json:"id"`
	Authors            []author `json:"authors"`
	PublishedAt        string   `json:"publishedAt"`
	SubmittedOnDailyAt string   `json:"submittedOnDailyAt"`
	SubmittedOnDailyBy *user    `json:"submittedOnDailyBy"`
	Title              string   `json:"title"`
	Summary            string   `json:"summary"`
	Upvotes            int      `json:"upvotes"`
	DiscussionID       string   `json:"discussionId"`
	AISummary          string   `json:"ai_summary"`
	AIKeywords         []string `json:"ai_keywords"`
	AISummaryModel     string   `json:"ai_summary_model"`
	GithubRepo         string   `json:"githubRepo"`
	GithubRepoAddedBy  string   `json:"githubRepoAddedBy"`
	GithubStars        *int     `json:"githubStars"`
	ProjectPage        string   `json:"projectPage"`
	MediaURLs          []string `json:"mediaUrls"`
	Organization       *org     `json:"organization"`
}

// item is one element of a daily_papers array. When Paper is nil the element
// is itself a flat paper (the /api/papers/{id} shape).
type item struct {
	Paper                 *paper   `json:"paper"`
	PublishedAt           string   `json:"publishedAt"`
	Title                 string   `json:"title"`
	NumComments           int      `json:"numComments"`
	Thumbnail             string   `json:"thumbnail"`
	MediaURL              string   `json:"mediaUrl"`
	MediaURLs             []string `json:"mediaUrls"`
	SubmittedBy           *user    `json:"submittedBy"`
	Organization          *org     `json:"organization"`
	IsAuthorParticipating bool     `json:"isAuthorParticipating"`
}

// Parse reads one response: a JSON array of daily-paper items, a single item,
// or a flat paper object. day, when not zero, is the date the response was
// requested for; it places papers on that day's list, as Hugging Face did.
// Any malformed item makes the whole response an error naming the item, so
// that callers can refuse the file as a unit.
func Parse(r io.Reader, day model.Date) ([]*model.Paper, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d MB", MaxFileSize>>20)
	}
	data = bytes.TrimSpace(data)
	var raw []json.RawMessage
	switch {
	case len(data) == 0:
		return nil, errors.New("empty file")
	case data[0] == '[':
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, jsonError(data, err)
		}
	case data[0] == '{':
		raw = []json.RawMessage{data}
	default:
		return nil, fmt.Errorf("not a JSON array or object (starts with %q)", data[:1])
	}
	papers := make([]*model.Paper, 0, len(raw))
	for i, msg := range raw {
		var it item
		if err := json.Unmarshal(msg, &it); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, jsonError(msg, err))
		}
		if it.Paper == nil {
			var p paper
			if err := json.Unmarshal(msg, &p); err != nil {
				return nil, fmt.Errorf("item %d: %w", i, jsonError(msg, err))
			}
			it.Paper = &p
		}
		p, err := it.toPaper(day)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		papers = append(papers, p)
	}
	return papers, nil
}

// jsonError adds a line and column to JSON syntax and type errors.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func (it *item) toPaper(day model.Date) (*model.Paper, error) {
	src := it.Paper
	id, err := model.NormalizeArxivID(src.ID)
	if err != nil {
		return nil, fmt.Errorf("paper.id: %w", err)
	}
	// The item's title is arXiv's, with its TeX ("$\nabla^2$DFT"); the
	// paper object's has the TeX stripped ("nabla^2DFT"). quire renders TeX,
	// and the item's title is the one huggingface_hub shows.
	title := model.NormalizeSpace(it.Title)
	if title == "" {
		title = model.NormalizeSpace(src.Title)
	}
	if title == "" {
		return nil, fmt.Errorf("paper %s: no title", id)
	}
	p := &model.Paper{
		ID: id, Title: title, Summary: strings.TrimSpace(src.Summary),
		Upvotes: src.Upvotes, NumComments: it.NumComments, DiscussionID: src.DiscussionID,
		GithubRepo: model.WebURL(src.GithubRepo), GithubRepoAddedBy: src.GithubRepoAddedBy, GithubStars: src.GithubStars,
		ProjectPage: model.WebURL(src.ProjectPage), AISummary: strings.TrimSpace(src.AISummary), AIKeywords: src.AIKeywords,
		AISummaryModel: src.AISummaryModel, Thumbnail: it.Thumbnail, MediaURLs: src.MediaURLs,
	}
	if len(p.MediaURLs) == 0 {
		p.MediaURLs = it.MediaURLs
	}
	if p.Thumbnail == "" {
		p.Thumbnail = it.MediaURL // the pre-June-2024 name
	}
	if p.PublishedAt, err = parseTime(src.PublishedAt); err != nil {
		return nil, fmt.Errorf("paper %s: publishedAt: %w", id, err)
	}
	for i, a := range src.Authors {
		ma := model.Author{ObjectID: a.ID, Name: model.NormalizeSpace(a.Name), Hidden: a.Hidden, Status: a.Status, User: a.User.toUser()}
		if a.StatusLastChangedAt != "" {
			t, err := parseTime(a.StatusLastChangedAt)
			if err != nil {
				return nil, fmt.Errorf("paper %s: author %d: statusLastChangedAt: %w", id, i, err)
			}
			ma.StatusLastChangedAt = &t
		}
		p.Authors = append(p.Authors, ma)
	}
	if o := firstOrg(src.Organization, it.Organization); o != nil {
		p.Organization = &model.Organization{ObjectID: o.ID, Name: o.Name, Fullname: o.Fullname, Avatar: o.Avatar}
	}
	if p.Daily, err = it.submission(day); err != nil {
		return nil, fmt.Errorf("paper %s: %w", id, err)
	}
	return p, nil
}

// submission works out the daily-list entry. The day is, in order: the date
// the response was requested for, paper.submittedOnDailyAt, or the outer
// publishedAt (the time of submission, present in every dump).
func (it *item) submission(day model.Date) (*model.Submission, error) {
	onDaily, err := parseTime(it.Paper.SubmittedOnDailyAt)
	if err != nil {
		return nil, fmt.Errorf("submittedOnDailyAt: %w", err)
	}
	at, err := parseTime(it.PublishedAt)
	if err != nil {
		return nil, fmt.Errorf("publishedAt: %w", err)
	}
	if at.IsZero() {
		at = onDaily
	}
	switch {
	case !day.IsZero():
	case !onDaily.IsZero():
		day = model.DateOf(onDaily)
	case !at.IsZero():
		day = model.DateOf(at)
	default:
		return nil, nil // a bare paper, not on the daily list
	}
	by := it.SubmittedBy.toUser()
	if by == nil {
		by = it.Paper.SubmittedOnDailyBy.toUser()
	}
	return &model.Submission{Day: day, SubmittedAt: at, OnDailyAt: onDaily, SubmittedBy: by,
		IsAuthorParticipating: it.IsAuthorParticipating}, nil
}

func firstOrg(os ...*org) *org {
	for _, o := range os {
		if o != nil && o.Name != "" {
			return o
		}
	}
	return nil
}

func (u *user) toUser() *model.User {
	if u == nil {
		return nil
	}
	name := u.Name
	if name == "" {
		name = u.User
	}
	if name == "" {
		return nil
	}
	return &model.User{ObjectID: u.ID, Name: name, Fullname: u.Fullname, AvatarURL: u.AvatarURL, Type: u.Type, IsPro: u.IsPro}
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if d, derr := model.ParseDate(s); derr == nil {
			return d.Time(), nil
		}
		return time.Time{}, fmt.Errorf("invalid time %q", s)
	}
	return t.UTC(), nil
}
