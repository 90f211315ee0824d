package recommend

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
)

// Entry is a paper in an interest's stored ranking.
type Entry struct {
	ID        string
	Score     float32
	Published int64 // Unix seconds: entries past the window are dropped
}

// Ranking is the best of an interest's scored recent papers, best first.
type Ranking []Entry

const rankingVersion = 1

// EncodeRanking stores r: ids by length, float scores, published times as
// varints.
func EncodeRanking(r Ranking) []byte {
	b := []byte{rankingVersion}
	b = binary.AppendUvarint(b, uint64(len(r)))
	for _, e := range r {
		b = binary.AppendUvarint(b, uint64(len(e.ID)))
		b = append(b, e.ID...)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(e.Score))
		b = binary.AppendVarint(b, e.Published)
	}
	return b
}

// DecodeRanking reads what EncodeRanking stored.
func DecodeRanking(b []byte) (Ranking, error) {
	if len(b) < 1 || b[0] != rankingVersion {
		return nil, fmt.Errorf("recommend: not a stored ranking")
	}
	rd := reader{b: b[1:]}
	n := rd.uvarint()
	if n > uint64(len(b)) { // each entry takes at least 6 bytes
		return nil, fmt.Errorf("recommend: stored ranking: %d entries in %d bytes", n, len(b))
	}
	out := make(Ranking, 0, n)
	for i := uint64(0); i < n && rd.err == nil; i++ {
		e := Entry{ID: string(rd.bytes(rd.uvarint()))}
		e.Score = rd.f32()
		e.Published = rd.varint()
		out = append(out, e)
	}
	if rd.err != nil {
		return nil, fmt.Errorf("recommend: stored ranking: %w", rd.err)
	}
	return out, nil
}

// Merge returns r with add scored in (an entry of the same paper replaced),
// those published before cutoff dropped, the best k kept, best first; ties
// go to the newer paper, then the id, so that every replica agrees.
func (r Ranking) Merge(add []Entry, cutoff int64, k int) Ranking {
	by := make(map[string]Entry, len(r)+len(add))
	for _, list := range [][]Entry{r, add} {
		for _, e := range list {
			if e.Published >= cutoff {
				by[e.ID] = e
			}
		}
	}
	out := make(Ranking, 0, len(by))
	for _, e := range by {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Published != b.Published {
			return a.Published > b.Published
		}
		return a.ID < b.ID
	})
	return out[:min(k, len(out))]
}
