package search

import (
	"math"

	"github.com/x448/float16"
)

// Dot is the dot product of two vectors of the same length. Four
// independent sums let the CPU overlap the multiply-adds; Go does not
// vectorize loops itself, and the scans are memory-bound beyond that.
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy adds f·x to y.
func axpy(f float32, x, y []float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += f * v
	}
}

// normalize scales v to unit length; false when v is zero.
func normalize(v []float32) bool {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return false
	}
	inv := float32(1 / math.Sqrt(s))
	for j := range v {
		v[j] *= inv
	}
	return true
}

// halfFloats maps every IEEE half-precision bit pattern to its value: the
// stored vectors are halves (see vecStore), and a table lookup per
// component costs no more than the float32 load it replaces.
var halfFloats = func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = float16.Frombits(uint16(i)).Float32()
	}
	return &t
}()

// toHalf rounds x to the nearest half-precision number (ties to even).
func toHalf(x float32) uint16 { return float16.Fromfloat32(x).Bits() }

// dotHalf is Dot with b in half precision.
func dotHalf(a []float32, b []uint16) float32 {
	b = b[:len(a)]
	t := halfFloats
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * t[b[i]]
		s1 += a[i+1] * t[b[i+1]]
		s2 += a[i+2] * t[b[i+2]]
		s3 += a[i+3] * t[b[i+3]]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * t[b[i]]
	}
	return (s0 + s1) + (s2 + s3)
}
