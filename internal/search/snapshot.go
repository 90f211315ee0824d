package search

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/quire/quire/internal/store"
)

// snapshotMagic starts a snapshot file; the number is the format version.
// v6 adds each word's nearest papers (nearSeeds: a wide walk per word,
// minutes at 2.7 M papers, so stored rather than recomputed); a v5 or
// older snapshot is read without them, its queries walk as they did, and
// the first sync finds them (findNear). v5 marks the semantic model's weighting
// (log-entropy, or the TF-IDF of a model trained before); v4 holds the vectors in half precision, v3 in
// float32; both are still read, their models as TF-IDF ones, so an upgrade
// does not retrain (the next training, when the corpus has doubled, moves
// to log-entropy). v3 indexes stems with their surface forms; an older
// file is refused and the index rebuilt from the store (its postings are
// of unstemmed words). An older binary refuses v6 and rebuilds.
const (
	snapshotMagic   = "quire search index v6\n"
	snapshotMagicV5 = "quire search index v5\n"
	snapshotMagicV4 = "quire search index v4\n"
	snapshotMagicV3 = "quire search index v3\n"
)

// The byte before a snapshot's semantic model: none, or how it weighs terms.
const (
	noModel     = 0
	tfidfModel  = 1
	logEntModel = 2
)

// Save writes the whole index, with the store cursor it has reached, to
// path (through a temporary file and a rename, so a crash leaves the old
// snapshot). A restart loads it and syncs only what changed since, instead
// of re-reading, re-tokenizing and re-training on every paper. It holds
// Sync's lock and a read lock: searches go on meanwhile.
func (ix *Index) Save(path string) error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".search-*.tmp")
	if err != nil {
		return fmt.Errorf("save search index: %w", err)
	}
	defer os.Remove(tmp.Name())
	ix.mu.RLock()
	err = ix.encode(newEnc(tmp))
	ix.mu.RUnlock()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("save search index to %s: %w", path, err)
	}
	return nil
}

func (ix *Index) encode(e *enc) error {
	e.bytes([]byte(snapshotMagic))
	e.str(ix.feed)
	e.u64(uint64(ix.cursor.Seq))
	e.str(ix.cursor.ID)
	e.u32(uint32(len(ix.ids)))
	for d, id := range ix.ids {
		e.str(id)
		e.u32(math.Float32bits(ix.lens[d]))
		e.u64(ix.hashes[d])
		if ix.dead[d] {
			e.bytes([]byte{1})
		} else {
			e.bytes([]byte{0})
		}
	}
	e.u32(uint32(len(ix.postings)))
	for t, ps := range ix.postings {
		e.str(t)
		e.u32(uint32(len(ps)))
		for _, p := range ps {
			e.u32(uint32(p.doc))
			e.u32(uint32(p.tf) | uint32(p.forms)<<16)
		}
	}
	e.u32(uint32(len(ix.forms)))
	for st, fs := range ix.forms {
		e.str(st)
		e.u32(uint32(len(fs)))
		for _, f := range fs {
			e.str(f)
		}
	}
	if ix.sem == nil {
		e.bytes([]byte{0})
		return e.finish()
	}
	kind := byte(logEntModel)
	if ix.sem.tfidf {
		kind = tfidfModel
	}
	e.bytes([]byte{kind})
	e.u32(uint32(ix.trainedOn))
	e.u32(uint32(ix.sem.Dim))
	e.u32(uint32(len(ix.sem.words)))
	for _, w := range ix.sem.words {
		e.str(w)
	}
	e.f32s(ix.sem.global)
	e.f32s(ix.sem.terms)
	ix.vix.encode(e)
	ix.vix.encodeNear(e)
	return e.finish()
}

// Persist saves the index to path when it changed since the last save and
// either a training has finished since (the costly part to redo) or at
// least every has passed; it reports whether it saved.
func (ix *Index) Persist(path string, every time.Duration) (bool, error) {
	ix.persistMu.Lock()
	defer ix.persistMu.Unlock()
	w := ix.writes.Load()
	if w == ix.savedWrites.Load() || (!ix.trainedSinceSave.Load() && time.Since(ix.savedAt) < every) {
		return false, nil
	}
	ix.trainedSinceSave.Store(false)
	if err := ix.Save(path); err != nil {
		return false, err
	}
	ix.savedWrites.Store(w)
	ix.savedAt = time.Now()
	return true, nil
}

// Load replaces the index with the snapshot at path. A missing file is not
// an error (false); a damaged or foreign one is, and leaves the index empty
// so that the caller can rebuild from the store.
func (ix *Index) Load(path string) (bool, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if err := ix.read(f, st.Size()); err != nil {
		return false, fmt.Errorf("load %s: %w", path, err)
	}
	ix.persistMu.Lock() // after read's locks: Persist takes this one first
	ix.savedAt = time.Now()
	ix.persistMu.Unlock()
	return true, nil
}

// read replaces the index with a snapshot of size bytes from r.
func (ix *Index) read(r io.Reader, size int64) error {
	if size < int64(len(snapshotMagic))+4 {
		return fmt.Errorf("%w: too short", errCorrupt)
	}
	d := newDec(r, size)
	fresh := New(ix.src)
	fresh.decode(d)
	if err := d.finish(r); err != nil {
		return err
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.cursor, ix.feed, ix.feedChecked = fresh.cursor, fresh.feed, false
	ix.ids, ix.docOf, ix.lens, ix.dead, ix.hashes = fresh.ids, fresh.docOf, fresh.lens, fresh.dead, fresh.hashes
	ix.postings, ix.forms, ix.total, ix.live, ix.deadPost = fresh.postings, fresh.forms, fresh.total, fresh.live, fresh.deadPost
	ix.liveDF.forget()
	ix.blocks = fresh.blocks
	ix.sem, ix.vix, ix.trainedOn = fresh.sem, fresh.vix, fresh.trainedOn
	ix.savedWrites.Store(ix.writes.Load())
	return nil
}

func (ix *Index) decode(d *dec) {
	magic := make([]byte, len(snapshotMagic))
	d.read(magic)
	width := 2 // bytes per vector component
	if string(magic) == snapshotMagicV3 {
		width = 4
	}
	switch {
	case d.err != nil:
		return
	case string(magic) == snapshotMagic || string(magic) == snapshotMagicV5 || string(magic) == snapshotMagicV4 || string(magic) == snapshotMagicV3:
		ix.feed = d.str()
		ix.cursor = store.ChangeCursor{Seq: int64(d.u64())}
		ix.cursor.ID = d.str()
	default:
		d.fail("not a quire search index of this version")
		return
	}
	n := d.count(17)
	for doc := 0; doc < n && d.err == nil; doc++ {
		id := d.str()
		l := math.Float32frombits(d.u32())
		ix.ids, ix.lens, ix.hashes = append(ix.ids, id), append(ix.lens, l), append(ix.hashes, d.u64())
		dead := d.u8() != 0
		ix.dead = append(ix.dead, dead)
		if !dead {
			ix.docOf[id] = int32(doc)
			ix.total += float64(l)
			ix.live++
		}
	}
	terms := d.count(8)
	for i := 0; i < terms && d.err == nil; i++ {
		t := d.str()
		ps := make([]posting, d.count(8))
		for j := range ps {
			doc, tf := int32(d.u32()), d.u32()
			ps[j] = posting{doc, uint16(tf), uint16(tf >> 16)}
			if d.err == nil && (ps[j].doc < 0 || int(ps[j].doc) >= n || (j > 0 && ps[j].doc <= ps[j-1].doc)) {
				d.fail("a posting points outside the documents")
			}
			if d.err == nil && ix.dead[ps[j].doc] {
				ix.deadPost++
			}
		}
		ix.postings[t] = ps
		if d.err == nil {
			ix.boundsLocked(t)
		}
	}
	stems := d.count(8)
	for i := 0; i < stems && d.err == nil; i++ {
		st := d.str()
		fs := make([]string, d.count(4))
		if len(fs) > maxForms {
			d.fail("a stem has too many forms")
			return
		}
		for j := range fs {
			fs[j] = d.str()
		}
		ix.forms[st] = fs
	}
	kind := d.u8()
	if kind == noModel || d.err != nil {
		return
	}
	if kind != tfidfModel && (kind != logEntModel || (string(magic) != snapshotMagic && string(magic) != snapshotMagicV5)) {
		d.fail(fmt.Sprintf("unknown semantic model kind %d", kind))
		return
	}
	ix.trainedOn = int(d.u32())
	l := &LSA{Dim: int(d.u32()), vocab: map[string]int32{}, tfidf: kind == tfidfModel}
	words := d.count(4)
	for i := 0; i < words && d.err == nil; i++ {
		w := d.str()
		l.vocab[w] = int32(i)
		l.words = append(l.words, w)
	}
	l.global, l.terms = d.f32s(), d.f32s()
	if d.err == nil && (l.Dim <= 0 || l.Dim > 4096 || len(l.global) != len(l.words) || len(l.terms) != len(l.words)*l.Dim) {
		d.fail("the model's sizes disagree")
		return
	}
	ix.sem = l
	if ix.vix = decodeVectors(d, l.Dim, n, width); ix.vix != nil && ix.vix.g != nil { // cheaper to recompute than to store
		ix.vix.seeds = termSeeds(corpusView{ix.postings, ix.dead}, l, ix.lens, float32(ix.total/float64(max(1, ix.live))))
	}
	if ix.vix != nil && string(magic) == snapshotMagic {
		ix.vix.decodeNear(d, len(l.words))
	}
}
