package sqlstore

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/quire/quire/internal/model"
)

// authorJSON is one author as stored in papers.authors. Short keys: the
// column is read for every paper on every list.
type authorJSON struct {
	ID           string   `json:"i,omitempty"`
	Name         string   `json:"n"`
	Hidden       bool     `json:"h,omitempty"`
	Status       string   `json:"s,omitempty"`
	Changed      int64    `json:"t,omitempty"` // status change, Unix ms
	User         string   `json:"u,omitempty"` // users.name of the claiming account
	Affiliations []string `json:"a,omitempty"`
}

func authorsOf(id string, as []model.Author) []authorJSON {
	out := make([]authorJSON, len(as))
	for i, a := range as {
		j := authorJSON{ID: orID(a.ObjectID, "author", id+"/"+strconv.Itoa(i)), Name: a.Name, Hidden: a.Hidden,
			Status: a.Status, Affiliations: a.Affiliations}
		if a.StatusLastChangedAt != nil {
			j.Changed = a.StatusLastChangedAt.UnixMilli()
		}
		if a.User != nil {
			j.User = a.User.Name
		}
		out[i] = j
	}
	return out
}

func decodeAuthors(s string) ([]authorJSON, error) {
	var out []authorJSON
	if s == "" {
		return nil, nil
	}
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func (j authorJSON) model(users map[string]*model.User) model.Author {
	a := model.Author{ObjectID: j.ID, Name: j.Name, Hidden: j.Hidden, Status: j.Status, Affiliations: j.Affiliations}
	if j.Changed != 0 {
		t := time.UnixMilli(j.Changed).UTC()
		a.StatusLastChangedAt = &t
	}
	if j.User != "" {
		a.User = users[j.User]
		if a.User == nil {
			a.User = &model.User{Name: j.User}
		}
	}
	return a
}

// mergeAuthors decides which author list a paper keeps when two sources
// meet. Hugging Face's list wins over arXiv's (it carries author ids and
// claims); otherwise the newer list wins. Affiliations, which only arXiv
// gives, are carried over where the two lists line up name by name.
func mergeAuthors(stored []authorJSON, storedSource string, incoming []authorJSON, incomingSource string) ([]authorJSON, string) {
	if len(incoming) == 0 {
		return stored, storedSource
	}
	keep, from, source := incoming, stored, incomingSource
	if storedSource == sourceHF && incomingSource == sourceArxiv {
		keep, from, source = stored, incoming, storedSource
	}
	if len(keep) != len(from) {
		return keep, source
	}
	merged := make([]authorJSON, len(keep))
	copy(merged, keep)
	for i := range merged {
		if len(merged[i].Affiliations) == 0 && model.NormalizeSpace(merged[i].Name) == model.NormalizeSpace(from[i].Name) {
			merged[i].Affiliations = from[i].Affiliations
		}
	}
	return merged, source
}

// Sources of a paper's author list.
const (
	sourceHF    = "hf"
	sourceArxiv = "arxiv"
)

type versionJSON struct {
	V       int    `json:"v"`
	Created int64  `json:"c,omitempty"` // Unix ms
	Size    string `json:"s,omitempty"`
}

func encodeVersions(vs []versionJSON) string {
	b, _ := json.Marshal(vs)
	return string(b)
}

func versionsOf(vs []model.Version) []versionJSON {
	out := make([]versionJSON, len(vs))
	for i, v := range vs {
		out[i] = versionJSON{V: v.Version, Size: v.Size}
		if !v.Created.IsZero() {
			out[i].Created = v.Created.UnixMilli()
		}
	}
	return out
}

// mergeVersions unions two version lists by number, oldest first; a known
// date wins over an unknown one.
func mergeVersions(a, b []versionJSON) []versionJSON {
	by := map[int]versionJSON{}
	for _, list := range [][]versionJSON{a, b} {
		for _, v := range list {
			old, ok := by[v.V]
			if !ok || (old.Created == 0 && v.Created != 0) || (old.Size == "" && v.Size != "") {
				if ok && v.Created == 0 {
					v.Created = old.Created
				}
				by[v.V] = v
			}
		}
	}
	out := make([]versionJSON, 0, len(by))
	for _, v := range by {
		out = append(out, v)
	}
	slices.SortFunc(out, func(x, y versionJSON) int { return x.V - y.V })
	return out
}

func (v versionJSON) model() model.Version {
	m := model.Version{Version: v.V, Size: v.Size}
	if v.Created != 0 {
		m.Created = time.UnixMilli(v.Created).UTC()
	}
	return m
}

func marshalAuthors(as []authorJSON) string {
	if len(as) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(as)
	return string(b)
}
