package wasp.guest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Postcard 1.x (docs/ABI.md section 4), the encoding of every contract value that is not a
 * scalar, a string or bytes: {@code Option}, {@code Result}, {@code Vec<T>}, tuples, structs
 * and enums. Postcard writes fields in declaration order, with no names and no framing, so a
 * Java class encodes a Rust struct by writing its fields in the struct's order:
 *
 * <pre>
 *   Rust                        Writer / Reader
 *   u8, i8                      u8
 *   u16, u32, u64, usize        varint (unsigned LEB128)
 *   i16, i32, i64, isize        signed (zigzag, then varint)
 *   bool, f32, f64, char        bool, f32, f64, character
 *   String, Vec&lt;u8&gt;           string, bytes (length, then the bytes)
 *   Vec&lt;T&gt;, maps               length, then each item (a map's: key, value)
 *   Option&lt;T&gt;                  none(); or some(), then the value
 *   Result&lt;T, E&gt;               ok(), then the value; or err(), then the error
 *   enum                        variant(index), then the variant's fields
 *   struct, tuple               the fields in order; (), unit structs: nothing
 * </pre>
 *
 * So {@code Err::<(), String>("Ooops")} is {@code 01 05 'O' 'o' 'o' 'p' 's'}:
 * {@code new Postcard.Writer().err().string("Ooops")}.
 */
public final class Postcard {
    private Postcard() {
    }

    /** Writes one item of type {@code T}: how to encode the items of a Vec or an Option. */
    public interface Encoder<T> {
        void write(Writer writer, T value);
    }

    /** Reads one item of type {@code T}. */
    public interface Decoder<T> {
        T read(Reader reader);
    }

    /** Appends postcard items to a growable byte array; every method returns the writer. */
    public static final class Writer {
        private byte[] buf = new byte[16];
        private int len;

        private void reserve(int extra) {
            if (buf.length - len < extra) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        /** Raw bytes, without a length. */
        public Writer raw(byte[] bytes) {
            reserve(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
            return this;
        }

        /** A {@code u8}, or an {@code i8} as its two's complement byte. */
        public Writer u8(int value) {
            reserve(1);
            buf[len++] = (byte) value;
            return this;
        }

        public Writer bool(boolean value) {
            return u8(value ? 1 : 0);
        }

        /** An unsigned integer wider than 8 bits; {@code value} is read as unsigned 64 bits. */
        public Writer varint(long value) {
            while (Long.compareUnsigned(value, 0x80) >= 0) {
                u8((int) (value & 0x7f) | 0x80);
                value >>>= 7;
            }
            return u8((int) value);
        }

        /** A signed integer wider than 8 bits: zigzag, then varint. */
        public Writer signed(long value) {
            return varint((value << 1) ^ (value >> 63));
        }

        public Writer f32(float value) {
            int bits = Float.floatToRawIntBits(value);
            return u8(bits).u8(bits >>> 8).u8(bits >>> 16).u8(bits >>> 24);
        }

        public Writer f64(double value) {
            long bits = Double.doubleToRawLongBits(value);
            for (int i = 0; i < 8; i++) {
                u8((int) (bits >>> (8 * i)));
            }
            return this;
        }

        /** A {@code Vec<u8>}: the length, then the bytes. */
        public Writer bytes(byte[] value) {
            varint(value.length);
            return raw(value);
        }

        /** A {@code String}: the length of its UTF-8 bytes, then the bytes. */
        public Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        /** A {@code char}: one Unicode scalar value, as a string of its UTF-8 bytes. */
        public Writer character(int codePoint) {
            return string(new String(Character.toChars(codePoint)));
        }

        /** An enum's variant index; write the variant's fields after it. */
        public Writer variant(int index) {
            return varint((index & 0xffffffffL));
        }

        /** {@code Option::None}. */
        public Writer none() {
            return variant(0);
        }

        /** {@code Option::Some}; write the value after it. */
        public Writer some() {
            return variant(1);
        }

        /** {@code Result::Ok}; write the value after it (nothing for {@code Ok(())}). */
        public Writer ok() {
            return variant(0);
        }

        /** {@code Result::Err}; write the error after it. */
        public Writer err() {
            return variant(1);
        }

        /** An {@code Option<T>}: None for null, else Some and the value. */
        public <T> Writer option(T value, Encoder<? super T> item) {
            if (value == null) {
                return none();
            }
            some();
            item.write(this, value);
            return this;
        }

        /** A {@code Vec<T>} (or a set): the count, then each item. */
        public <T> Writer seq(List<? extends T> items, Encoder<? super T> item) {
            varint(items.size());
            for (T value : items) {
                item.write(this, value);
            }
            return this;
        }

        /** The bytes written so far. */
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    /**
     * Reads postcard items from a serde argument or a host function's serde result. The host
     * only sends values of the contract's types, so input that does not decode means the
     * plugin reads the wrong type: a bug, reported as an {@link IllegalArgumentException}
     * (which {@link Wasp#panic} turns into a Panic error).
     */
    public static final class Reader {
        private final byte[] input;
        private int pos;

        public Reader(byte[] input) {
            this.input = input;
        }

        private IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("postcard: " + what + " at byte " + pos);
        }

        /** The next {@code n} raw bytes. */
        public byte[] raw(int n) {
            if (n < 0 || input.length - pos < n) {
                throw bad("unexpected end of input");
            }
            byte[] bytes = Arrays.copyOfRange(input, pos, pos + n);
            pos += n;
            return bytes;
        }

        /** A {@code u8} (0 to 255); cast to {@code byte} for an {@code i8}. */
        public int u8() {
            if (pos >= input.length) {
                throw bad("unexpected end of input");
            }
            return input[pos++] & 0xff;
        }

        public boolean bool() {
            int b = u8();
            if (b > 1) {
                throw bad("a bool that is neither 0 nor 1");
            }
            return b == 1;
        }

        /** An unsigned varint of up to 64 bits, returned as the long with the same bits. */
        public long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                if (shift == 63 && b > 1) {
                    break;
                }
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw bad("a varint longer than 64 bits");
        }

        /** A varint that is a length or count: it must fit in an int, and in what is left. */
        public int length() {
            long n = varint();
            if (n < 0 || n > input.length - pos) {
                throw bad("a length of " + Long.toUnsignedString(n) + " with " + (input.length - pos) + " bytes left");
            }
            return (int) n;
        }

        /** A zigzag varint: {@code i16} to {@code i64}. */
        public long signed() {
            long z = varint();
            return (z >>> 1) ^ -(z & 1);
        }

        public float f32() {
            int bits = u8() | u8() << 8 | u8() << 16 | u8() << 24;
            return Float.intBitsToFloat(bits);
        }

        public double f64() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (long) u8() << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        /** A {@code Vec<u8>}. */
        public byte[] bytes() {
            return raw(length());
        }

        /** A {@code String}. */
        public String string() {
            int n = length();
            String s = new String(input, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** A {@code char}, as its code point. */
        public int character() {
            String s = string();
            if (s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
                throw bad("a char that is not one code point");
            }
            return s.codePointAt(0);
        }

        /** An enum's variant index (Option: None 0, Some 1; Result: Ok 0, Err 1). */
        public int variant() {
            long index = varint();
            if (index < 0 || index > Integer.MAX_VALUE) {
                throw bad("a variant index beyond 2^31");
            }
            return (int) index;
        }

        /** An {@code Option<T>}: null for None. */
        public <T> T option(Decoder<? extends T> item) {
            switch (variant()) {
                case 0:
                    return null;
                case 1:
                    return item.read(this);
                default:
                    throw bad("an Option tag that is neither 0 nor 1");
            }
        }

        /** A {@code Vec<T>}. */
        public <T> List<T> seq(Decoder<? extends T> item) {
            long count = varint();
            // Every item takes at least one byte, so a count beyond what is left is a lie;
            // checking first keeps a bad count from reserving a huge list. (Items of `()`
            // take none: a Vec<()> longer than what is left cannot be read this way.)
            if (count < 0 || count > input.length - pos) {
                throw bad("a count of " + Long.toUnsignedString(count) + " with " + (input.length - pos) + " bytes left");
            }
            List<T> items = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                items.add(item.read(this));
            }
            return items;
        }

        /** Checks that the whole input was read: a value is exactly its encoding. */
        public void finish() {
            if (pos != input.length) {
                throw bad((input.length - pos) + " bytes left over after the value");
            }
        }
    }
}
