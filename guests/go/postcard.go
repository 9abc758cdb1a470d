package guest

import (
	"encoding/binary"
	"errors"
	"math"
	"unicode/utf8"
)

// Serde values (every type that is not a scalar, string or bytes, such as Option, Result,
// Vec<T>, tuples and structs) travel in postcard's version 1 wire format (docs/ABI.md
// section 4). The Append functions encode one item each, appending to b; a value is the
// concatenation of its items in declaration order. For example Err("Ooops") as a
// Result<(), String> is
//
//	guest.AppendString(guest.AppendVariant(nil, 1), "Ooops")

// AppendU8 encodes a u8 (or an i8, converted) as its one byte.
func AppendU8(b []byte, v uint8) []byte {
	return append(b, v)
}

// AppendBool encodes a bool as 0 or 1.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendUvarint encodes u16, u32, u64, usize and u128 values below 2^64: a LEB128 varint.
func AppendUvarint(b []byte, v uint64) []byte {
	return binary.AppendUvarint(b, v)
}

// AppendVarint encodes i16, i32, i64 and isize: zigzag, then a LEB128 varint (Go's
// encoding/binary uses the same zigzag mapping as postcard).
func AppendVarint(b []byte, v int64) []byte {
	return binary.AppendVarint(b, v)
}

// AppendF32 encodes an f32 as its little-endian IEEE bits.
func AppendF32(b []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}

// AppendF64 encodes an f64 as its little-endian IEEE bits.
func AppendF64(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// AppendString encodes a String or &str (and a char, as the string of its UTF-8 bytes): the
// length as a varint, then the bytes.
func AppendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// AppendBytes encodes a Vec<u8> or &[u8] inside a serde value: the length, then the bytes.
func AppendBytes(b []byte, v []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(v))), v...)
}

// AppendLen starts a sequence (Vec<T>, a map) of n elements; the elements follow.
func AppendLen(b []byte, n int) []byte {
	return binary.AppendUvarint(b, uint64(n))
}

// AppendVariant starts an enum value: the variant's index, then its fields follow. Option's
// None is 0 and Some is 1; Result's Ok is 0 and Err is 1.
func AppendVariant(b []byte, index uint32) []byte {
	return binary.AppendUvarint(b, uint64(index))
}

// ResultErr is the encoding of Err(message) for any Result<T, String>.
func ResultErr(message string) []byte {
	return AppendString(AppendVariant(nil, 1), message)
}

// ErrDecode is returned by a [Decoder] whose input does not hold what was asked for.
var ErrDecode = errors.New("guest: invalid postcard value")

// Decoder reads a serde argument item by item, in the order in which AppendX would write
// it. The first error sticks: every later read returns a zero value, and [Decoder.Finish]
// reports it, so a value can be read without checking each item.
type Decoder struct {
	data []byte
	err  error
}

// NewDecoder reads the serde argument data (from [Bytes], or a host function's result).
func NewDecoder(data []byte) *Decoder {
	return &Decoder{data: data}
}

func (d *Decoder) fail() {
	if d.err == nil {
		d.err = ErrDecode
	}
	d.data = nil
}

func (d *Decoder) take(n uint64) []byte {
	if d.err != nil || n > uint64(len(d.data)) {
		d.fail()
		return nil
	}
	v := d.data[:n:n]
	d.data = d.data[n:]
	return v
}

// U8 reads a u8 (or an i8, converted).
func (d *Decoder) U8() uint8 {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

// Bool reads a bool; bytes other than 0 and 1 are an error.
func (d *Decoder) Bool() bool {
	switch d.U8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

// Uvarint reads an unsigned integer wider than 8 bits; check the range of narrower types.
func (d *Decoder) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.data = d.data[n:]
	return v
}

// Varint reads a signed integer wider than 8 bits.
func (d *Decoder) Varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.data = d.data[n:]
	return v
}

// F32 reads an f32.
func (d *Decoder) F32() float32 {
	if b := d.take(4); b != nil {
		return math.Float32frombits(binary.LittleEndian.Uint32(b))
	}
	return 0
}

// F64 reads an f64.
func (d *Decoder) F64() float64 {
	if b := d.take(8); b != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return 0
}

// String reads a String; invalid UTF-8 is an error.
func (d *Decoder) String() string {
	b := d.take(d.Uvarint())
	if !utf8.Valid(b) {
		d.fail()
		return ""
	}
	return string(b)
}

// Bytes reads a Vec<u8>. The slice aliases the input.
func (d *Decoder) Bytes() []byte {
	return d.take(d.Uvarint())
}

// Len reads the element count of a sequence; the elements follow.
func (d *Decoder) Len() int {
	n := d.Uvarint()
	// Every element takes at least one byte, except zero-sized ones, which contracts do not
	// put in sequences; a larger count is a lie that would make the caller allocate.
	if n > uint64(len(d.data)) {
		d.fail()
		return 0
	}
	return int(n)
}

// Variant reads an enum's variant index; its fields follow.
func (d *Decoder) Variant() uint32 {
	v := d.Uvarint()
	if v > math.MaxUint32 {
		d.fail()
		return 0
	}
	return uint32(v)
}

// Finish reports the first error, or an error if bytes are left over: a serde argument must
// hold exactly one value.
func (d *Decoder) Finish() error {
	if d.err == nil && len(d.data) != 0 {
		d.fail()
	}
	return d.err
}
