package recommend

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
)

// A stored model names its terms (term ids belong to one corpus) and keeps
// each weight in a byte: an interest's model is a few KB.
const encodingVersion = 2

// Encode stores m: terms by name with int8 weights scaled by the largest,
// the dense weights likewise, and the bias.
func (c *Corpus) Encode(m *Model) []byte {
	ids := make([]int32, 0, len(m.Terms))
	var maxT float32
	for id, w := range m.Terms {
		ids = append(ids, id)
		maxT = max(maxT, abs32(w))
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	var maxD float32
	for _, w := range m.Dense {
		maxD = max(maxD, abs32(w))
	}
	b := []byte{encodingVersion}
	b = binary.AppendUvarint(b, uint64(len(m.Space)))
	b = append(b, m.Space...)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(maxT))
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		t := c.Terms[id]
		b = binary.AppendUvarint(b, uint64(len(t)))
		b = append(b, t...)
		b = append(b, byte(quantize(m.Terms[id], maxT)))
	}
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(maxD))
	b = binary.AppendUvarint(b, uint64(len(m.Dense)))
	for _, w := range m.Dense {
		b = append(b, byte(quantize(w, maxD)))
	}
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Bias))
}

func quantize(w, scale float32) int8 {
	if scale == 0 {
		return 0
	}
	return int8(math.Round(float64(w / scale * 127)))
}

var errModel = errors.New("recommend: not a stored model")

// Decode reads a model stored by Encode against corpus c; terms c does not
// know are dropped.
func (c *Corpus) Decode(b []byte) (*Model, error) {
	if len(b) < 1 || b[0] != encodingVersion {
		return nil, errModel
	}
	r := reader{b: b[1:]}
	m := &Model{Terms: map[int32]float32{}}
	m.Space = string(r.bytes(r.uvarint()))
	maxT := r.f32()
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		t := r.bytes(r.uvarint())
		w := float32(int8(r.byte1())) / 127 * maxT
		if id, ok := c.Vocab[string(t)]; ok {
			m.Terms[id] = w
		}
	}
	maxD := r.f32()
	if dim := r.uvarint(); dim > 0 && r.err == nil {
		if dim > 1<<16 {
			return nil, fmt.Errorf("%w: %d dimensions", errModel, dim)
		}
		m.Dense = make([]float32, dim)
		for i := range m.Dense {
			m.Dense[i] = float32(int8(r.byte1())) / 127 * maxD
		}
	}
	m.Bias = r.f32()
	if r.err != nil {
		return nil, r.err
	}
	return m, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) need(n uint64) bool {
	if r.err == nil && uint64(len(r.b)) < n {
		r.err = fmt.Errorf("%w: truncated", errModel)
	}
	return r.err == nil
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = fmt.Errorf("%w: bad length", errModel)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if !r.need(n) {
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) byte1() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) f32() float32 {
	if b := r.bytes(4); b != nil {
		return math.Float32frombits(binary.LittleEndian.Uint32(b))
	}
	return 0
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = fmt.Errorf("%w: bad number", errModel)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// ModelSpace is the vector space a stored model was trained in, read
// without decoding the rest ("" when b is not a stored model).
func ModelSpace(b []byte) string {
	if len(b) < 1 || b[0] != encodingVersion {
		return ""
	}
	r := reader{b: b[1:]}
	s := r.bytes(r.uvarint())
	if r.err != nil {
		return ""
	}
	return string(s)
}
