package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
)

// enc writes the snapshot format: little-endian numbers, length-prefixed
// strings and slices, a CRC-32 of everything at the end. The first error
// sticks; the caller checks it once.
type enc struct {
	w   *bufio.Writer
	crc hash.Hash32
	buf [8]byte
	err error
}

func newEnc(w io.Writer) *enc {
	e := &enc{crc: crc32.NewIEEE()}
	e.w = bufio.NewWriterSize(io.MultiWriter(w, e.crc), 1<<20)
	return e
}

func (e *enc) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *enc) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:4], v); e.bytes(e.buf[:4]) }
func (e *enc) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:], v); e.bytes(e.buf[:]) }
func (e *enc) str(s string) { e.u32(uint32(len(s))); e.bytes([]byte(s)) }

func (e *enc) f32s(v []float32) {
	e.u32(uint32(len(v)))
	for _, x := range v {
		e.u32(math.Float32bits(x))
	}
}

func (e *enc) i32s(v []int32) {
	e.u32(uint32(len(v)))
	for _, x := range v {
		e.u32(uint32(x))
	}
}

// finish writes the checksum and flushes.
func (e *enc) finish() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	if e.err == nil {
		sum := e.crc.Sum32()
		binary.LittleEndian.PutUint32(e.buf[:4], sum)
		_, e.err = e.w.Write(e.buf[:4])
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// dec reads what enc wrote. Every length is checked against limit (the
// bytes left in the file), so a damaged file is an error, never a huge
// allocation or a panic.
type dec struct {
	r     *bufio.Reader
	crc   hash.Hash32
	limit int64
	buf   [8]byte
	err   error
}

var errCorrupt = errors.New("search index snapshot is damaged")

func newDec(r io.Reader, size int64) *dec {
	d := &dec{crc: crc32.NewIEEE(), limit: size - 4}
	d.r = bufio.NewReaderSize(io.TeeReader(io.LimitReader(r, d.limit), d.crc), 1<<20)
	return d
}

func (d *dec) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errCorrupt, what)
	}
}

func (d *dec) read(b []byte) {
	if d.err != nil {
		clear(b) // numbers read after an error are 0, so every loop ends
		return
	}
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail("truncated")
	}
	d.limit -= int64(len(b))
}

func (d *dec) u8() uint8   { d.read(d.buf[:1]); return d.buf[0] }
func (d *dec) u32() uint32 { d.read(d.buf[:4]); return binary.LittleEndian.Uint32(d.buf[:4]) }
func (d *dec) u64() uint64 { d.read(d.buf[:]); return binary.LittleEndian.Uint64(d.buf[:]) }

// count reads a length of items of size bytes each and checks it fits.
func (d *dec) count(size int64) int {
	n := int64(d.u32())
	if d.err != nil || n*size > d.limit {
		d.fail("a length runs past the end")
		return 0
	}
	return int(n)
}

func (d *dec) str() string {
	b := make([]byte, d.count(1))
	d.read(b)
	return string(b)
}

func (d *dec) f32s() []float32 {
	out := make([]float32, d.count(4))
	for i := range out {
		out[i] = math.Float32frombits(d.u32())
	}
	return out
}

func (d *dec) i32s() []int32 {
	out := make([]int32, d.count(4))
	for i := range out {
		out[i] = int32(d.u32())
	}
	return out
}

// finish checks the checksum.
func (d *dec) finish(r io.Reader) error {
	if d.err != nil {
		return d.err
	}
	if _, err := d.r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: data after the end", errCorrupt)
	}
	var tail [4]byte
	if _, err := io.ReadFull(r, tail[:]); err != nil || binary.LittleEndian.Uint32(tail[:]) != d.crc.Sum32() {
		return fmt.Errorf("%w: checksum mismatch", errCorrupt)
	}
	return nil
}
