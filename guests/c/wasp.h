/*
 * wasp.h: write Wasp plugins in C.
 *
 * One header, no library to link: include it from any number of C files of a plugin and build
 * with a WebAssembly clang and wasi-libc, as a WASI reactor:
 *
 *     clang --target=wasm32-wasi -O2 -mexec-model=reactor -Wl,--strip-debug \
 *           -I path/to/wasp/guests/c -o plugin.wasm plugin.c
 *
 * It implements docs/ABI.md (the wire ABI, byte by byte), which stays the reference; this
 * header only makes it short to follow. docs/guests/c.md shows a complete plugin.
 *
 * What the header gives you, in the order below:
 *
 *   WASP_EXPORT, WASP_IMPORT       export a method, import a host function
 *   wasp_packed, wasp_pack, ...    the i64 "pointer | length << 32" that carries buffer results
 *   wasp_alloc, wasp_free_args     the allocator export, and freeing a call's arguments
 *   wasp_cstr, wasp_str_eq         reading string arguments, which are not NUL-terminated
 *   wasp_return*                   returning strings, bytes and postcard values
 *   wasp_ptr, wasp_len, ...        taking ownership of what a host function returns
 *   WASP_PANIC, WASP_ASSERT        failing a call with a message and a source location
 *   wasp_buf                       a growable byte buffer to build results in
 *   wasp_pc_*                      a small postcard writer and reader, for "serde" values
 *   WASP_CONTRACT                  the contract descriptor, as a custom section
 *
 * Who frees what (docs/ABI.md section 3), with this header:
 *
 *   memory                            allocated by            freed by
 *   the argument block of a call      wasp_alloc (host asks)  you: wasp_free_args(first buffer
 *                                                             argument), or return it
 *   a buffer you return               you (malloc, wasp_buf)  the header, in your next return
 *   a buffer a host function returns  wasp_alloc (host asks)  you: free(wasp_ptr(r)), or return
 *                                                             it with wasp_return_packed(r)
 *   a buffer you pass to the host     you                     you, whenever you like
 *
 * Requirements: clang with the wasm32-wasi target (clang 14 or newer, or wasi-sdk), C99 or
 * later. The header uses clang's wasm attributes and top-level assembly, so other compilers
 * cannot build plugins with it.
 */
#ifndef WASP_H
#define WASP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__wasm32__)
#error "wasp.h builds WebAssembly plugins: compile with clang --target=wasm32-wasi"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Exports and imports                                                                       */
/* ---------------------------------------------------------------------------------------- */

/*
 * WASP_EXPORT(name): put before a function definition to export it as the contract method
 * `name`. The C types must give the wasm type of docs/ABI.md section 2, which the host checks
 * at load:
 *
 *   contract type             C parameter(s)                   C result
 *   i8, i16, i32              int32_t                          int32_t
 *   u8, u16, u32, char        uint32_t                         uint32_t
 *   bool                      bool                             bool
 *   i64, isize / u64, usize   int64_t / uint64_t               int64_t / uint64_t
 *   f32, f64                  float, double                    float, double
 *   string, bytes, serde      two: (const char *p, size_t n)   wasp_packed
 *   ()                        -                                void
 *
 *     WASP_EXPORT(sum) int32_t sum(int32_t a, int32_t b) { ... }
 */
#define WASP_EXPORT(name) __attribute__((export_name(#name)))

/*
 * WASP_IMPORT(module, name): put before a function declaration to import a host function.
 * `module` is the host trait's name, `name` the method's; types as for WASP_EXPORT.
 *
 *     WASP_IMPORT(GreeterHost, call_me) wasp_packed call_me(const char *name, size_t len);
 */
#define WASP_IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))

/* Lets every file of a plugin define the header's few variables and exports; the linker keeps
 * one copy. A plugin may also replace them with its own (non-weak) definitions. */
#define WASP_WEAK __attribute__((weak))

/* ---------------------------------------------------------------------------------------- */
/* Packed buffers                                                                            */
/* ---------------------------------------------------------------------------------------- */

/* A string, byte or serde result: the pointer in the low 32 bits, the length in the high 32
 * bits (docs/ABI.md section 2). What exported methods and host functions return. */
typedef uint64_t wasp_packed;

/* Packs a pointer and a length. */
static inline wasp_packed wasp_pack(const void *ptr, size_t len) {
    return (uint64_t)(uintptr_t)ptr | ((uint64_t)len << 32);
}

/* The pointer of a packed buffer. */
static inline void *wasp_ptr(wasp_packed packed) {
    return (void *)(uintptr_t)(uint32_t)packed;
}

/* The length of a packed buffer. */
static inline size_t wasp_len(wasp_packed packed) {
    return (size_t)(packed >> 32);
}

/* ---------------------------------------------------------------------------------------- */
/* Panics                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/* The host's `wasp.panic` import (docs/ABI.md section 6). It never returns: the call ends
 * and the host's caller gets Error::Panic with the message and location. Use WASP_PANIC. */
WASP_IMPORT(wasp, panic)
__attribute__((noreturn)) void wasp_panic_import(const char *msg, size_t msg_len,
                                                 const char *file, size_t file_len,
                                                 uint32_t line, uint32_t column);

/* Fails the current call with `msg` (a NUL-terminated UTF-8 string) at `file:line`. */
__attribute__((noreturn)) static inline void wasp_panic_at(const char *msg, const char *file,
                                                           uint32_t line) {
    /* Column 0 means "unknown": clang's __builtin_COLUMN() inside a macro names the end of
     * the expansion, which would point at the wrong place. */
    wasp_panic_import(msg, strlen(msg), file, strlen(file), line, 0);
}

/*
 * WASP_PANIC(msg): fails the current call with `msg` and this file and line. Use it for bugs
 * and impossible states; the instance is poisoned afterwards (docs/ABI.md section 6). An
 * expected failure is a value instead: return a Result's Err (see wasp_pc_err).
 * Build with -ffile-prefix-map=<checkout>=<name> to keep your machine's paths out of the
 * plugin.
 */
#define WASP_PANIC(msg) wasp_panic_at((msg), __FILE__, (uint32_t)__LINE__)

/* WASP_ASSERT(cond): WASP_PANIC("assertion failed: cond") unless `cond` holds. */
#define WASP_ASSERT(cond) ((cond) ? (void)0 : WASP_PANIC("assertion failed: " #cond))

/* ---------------------------------------------------------------------------------------- */
/* Allocation and arguments                                                                  */
/* ---------------------------------------------------------------------------------------- */

/*
 * The `wasp_alloc` export (docs/ABI.md section 3): the host calls it for the arguments of a
 * call and for the result of a host function, and the block it gets is the plugin's. It is
 * malloc, so `free` releases such a block. Running out of memory is a panic: a null pointer
 * would only reach the host as an unexplained out-of-bounds error.
 */
WASP_WEAK WASP_EXPORT(wasp_alloc) void *wasp_alloc(size_t len) {
    void *block = malloc(len ? len : 1);
    if (!block) {
        WASP_PANIC("wasp_alloc: out of memory");
    }
    return block;
}

/*
 * Frees the argument block of the current call. The host writes all string, byte and serde
 * arguments of one call back to back into a single block from wasp_alloc, so the first buffer
 * parameter points at the whole block and freeing it frees every buffer argument (never free
 * the others: they point inside it). Call it once per call, with the first buffer parameter,
 * when you no longer need any of them. Calls without buffer arguments need nothing; when all
 * of a call's buffers are empty the pointer is NULL, which is harmless to free. Instead of
 * freeing the block, you may return it, or a part of it from its start, as the result:
 * wasp_return(first, len).
 *
 *     WASP_EXPORT(greet) wasp_packed greet(const char *a, size_t a_len,
 *                                          const char *b, size_t b_len) {
 *         ... use a and b ...
 *         wasp_free_args(a);
 *         return result;
 *     }
 */
static inline void wasp_free_args(const void *first_buffer_argument) {
    free((void *)first_buffer_argument);
}

/* A NUL-terminated copy of a string argument, for C functions that need one; free it. String
 * arguments are valid UTF-8 and have no terminator; they may contain NUL characters, which
 * end the copy early for C's string functions. */
static inline char *wasp_cstr(const char *str, size_t len) {
    char *copy = (char *)malloc(len + 1);
    if (!copy) {
        WASP_PANIC("wasp_cstr: out of memory");
    }
    if (len) {
        memcpy(copy, str, len);
    }
    copy[len] = '\0';
    return copy;
}

/* Whether the string argument (str, len) equals the NUL-terminated `literal`. */
static inline bool wasp_str_eq(const char *str, size_t len, const char *literal) {
    return strlen(literal) == len && (len == 0 || memcmp(str, literal, len) == 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Byte buffers                                                                              */
/* ---------------------------------------------------------------------------------------- */

/* A growable byte buffer on malloc: build a result in one and return it with
 * wasp_return_buf, or free it with wasp_buf_free. Start from WASP_BUF_INIT. */
typedef struct {
    uint8_t *data;
    size_t len;
    size_t cap;
} wasp_buf;

#define WASP_BUF_INIT {NULL, 0, 0}

/* Makes room for `extra` more bytes. */
static inline void wasp_buf_reserve(wasp_buf *buf, size_t extra) {
    if (buf->cap - buf->len >= extra) {
        return;
    }
    if (extra > SIZE_MAX / 2 - buf->len) {
        WASP_PANIC("wasp_buf: too large");
    }
    size_t cap = buf->cap ? buf->cap * 2 : 16;
    if (cap < buf->len + extra) {
        cap = buf->len + extra;
    }
    uint8_t *data = (uint8_t *)realloc(buf->data, cap);
    if (!data) {
        WASP_PANIC("wasp_buf: out of memory");
    }
    buf->data = data;
    buf->cap = cap;
}

/* Appends `len` bytes. */
static inline void wasp_buf_append(wasp_buf *buf, const void *data, size_t len) {
    if (len == 0) {
        return;
    }
    wasp_buf_reserve(buf, len);
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
}

/* Appends one byte. */
static inline void wasp_buf_push(wasp_buf *buf, uint8_t byte) {
    wasp_buf_reserve(buf, 1);
    buf->data[buf->len++] = byte;
}

/* Appends the bytes of a NUL-terminated string, without the terminator and without a length:
 * for building a plain string result. For a postcard string use wasp_pc_str. */
static inline void wasp_buf_cstr(wasp_buf *buf, const char *str) {
    wasp_buf_append(buf, str, strlen(str));
}

/* Frees the buffer's memory and empties it. */
static inline void wasp_buf_free(wasp_buf *buf) {
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Results                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/* The malloc'd buffer of the last result returned with wasp_return*. The host reads a result
 * before its next call into the plugin (docs/ABI.md section 3), so it must outlive the call
 * that returns it, and the next return frees it: at most one result is alive at a time. */
WASP_WEAK void *wasp_last_result = NULL;

/*
 * Returns `len` bytes at `owned`, a block from malloc (or wasp_alloc) that the header now owns:
 * it stays valid until the host has read it and is freed by the next wasp_return*. Strings
 * must be UTF-8, serde values postcard-encoded; the host checks both. The argument block of
 * the call may be returned this way, starting at its first buffer argument:
 *
 *     WASP_EXPORT(reverse) wasp_packed reverse(uint8_t *data, size_t len) {
 *         ... reverse data in place ...
 *         return wasp_return(data, len);
 *     }
 */
static inline wasp_packed wasp_return(void *owned, size_t len) {
    if (wasp_last_result != owned) {
        free(wasp_last_result);
    }
    wasp_last_result = owned;
    return wasp_pack(owned, len);
}

/* Returns the contents of `buf` (see wasp_return) and leaves `buf` empty. */
static inline wasp_packed wasp_return_buf(wasp_buf *buf) {
    wasp_packed packed = wasp_return(buf->data, buf->len);
    buf->data = NULL;
    buf->len = buf->cap = 0;
    return packed;
}

/* Returns a copy of `len` bytes at `data`, which stays yours. */
static inline wasp_packed wasp_return_copy(const void *data, size_t len) {
    void *copy = malloc(len ? len : 1);
    if (!copy) {
        WASP_PANIC("wasp_return_copy: out of memory");
    }
    if (len) {
        memcpy(copy, data, len);
    }
    return wasp_return(copy, len);
}

/* Returns a copy of the NUL-terminated string `str`, without its terminator. */
static inline wasp_packed wasp_return_cstr(const char *str) {
    return wasp_return_copy(str, strlen(str));
}

/* Returns `len` bytes at `data` without copying or ever freeing them: for static data, such
 * as a string literal. */
static inline wasp_packed wasp_return_static(const void *data, size_t len) {
    wasp_return(NULL, 0);
    return wasp_pack(data, len);
}

/* Returns what a host function returned (see wasp_ptr), handing its block on unchanged. */
static inline wasp_packed wasp_return_packed(wasp_packed host_result) {
    return wasp_return(wasp_ptr(host_result), wasp_len(host_result));
}

/* ---------------------------------------------------------------------------------------- */
/* Host function results                                                                     */
/* ---------------------------------------------------------------------------------------- */

/*
 * A host function's string, byte or serde result is a wasp_packed. The host wrote it into a
 * block it got from wasp_alloc, and the block is yours: read it through wasp_ptr/wasp_len,
 * then free it with wasp_free_packed, or return it with wasp_return_packed. An empty result
 * is (NULL, 0). The block is not NUL-terminated; wasp_cstr makes a copy that is.
 *
 *     wasp_packed answer = call_me("Nic", 3);
 *     char *text = wasp_cstr(wasp_ptr(answer), wasp_len(answer));
 *     wasp_free_packed(answer);
 */
static inline void wasp_free_packed(wasp_packed host_result) {
    free(wasp_ptr(host_result));
}

/* ---------------------------------------------------------------------------------------- */
/* Postcard                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/*
 * Serde values (Option, Result, Vec<T>, tuples, structs, enums) travel as postcard 1.x
 * (docs/ABI.md section 4). Postcard writes fields in declaration order, with no names and no
 * padding:
 *
 *   u8, i8, bool           one byte                 (wasp_pc_u8, wasp_pc_bool)
 *   u16, u32, u64, usize   unsigned LEB128 varint   (wasp_pc_varint)
 *   i16, i32, i64, isize   zigzag, then varint      (wasp_pc_signed)
 *   f32, f64               little-endian bits       (wasp_pc_f32, wasp_pc_f64)
 *   String, Vec<u8>, char  varint length, bytes     (wasp_pc_str, wasp_pc_bytes)
 *   Vec<T>, maps           varint count, items      (wasp_pc_varint, then each item)
 *   Option                 0 = None; 1 = Some, value (wasp_pc_none, wasp_pc_some)
 *   Result                 0 = Ok, 1 = Err, value   (wasp_pc_ok, wasp_pc_err)
 *   enum                   varint variant index, then its fields (wasp_pc_variant)
 *   (), unit structs       nothing
 *
 * So Err::<(), String>("Ooops") is 01 05 'O' 'o' 'o' 'p' 's':
 *
 *     wasp_buf out = WASP_BUF_INIT;
 *     wasp_pc_err(&out);
 *     wasp_pc_cstr(&out, "Ooops");
 *     return wasp_return_buf(&out);
 */

/* An unsigned varint: u16, u32, u64, usize, lengths, counts and variant indices. */
static inline void wasp_pc_varint(wasp_buf *buf, uint64_t value) {
    while (value >= 0x80) {
        wasp_buf_push(buf, (uint8_t)(value | 0x80));
        value >>= 7;
    }
    wasp_buf_push(buf, (uint8_t)value);
}

/* A zigzag varint: i16, i32, i64, isize. */
static inline void wasp_pc_signed(wasp_buf *buf, int64_t value) {
    wasp_pc_varint(buf, ((uint64_t)value << 1) ^ (uint64_t)(value >> 63));
}

/* A u8 or an i8 (as its two's complement byte). */
static inline void wasp_pc_u8(wasp_buf *buf, uint8_t value) {
    wasp_buf_push(buf, value);
}

static inline void wasp_pc_bool(wasp_buf *buf, bool value) {
    wasp_buf_push(buf, value ? 1 : 0);
}

static inline void wasp_pc_f32(wasp_buf *buf, float value) {
    /* wasm is little-endian, as postcard's floats are. */
    wasp_buf_append(buf, &value, sizeof value);
}

static inline void wasp_pc_f64(wasp_buf *buf, double value) {
    wasp_buf_append(buf, &value, sizeof value);
}

/* A byte sequence with its length: Vec<u8> or &[u8]. */
static inline void wasp_pc_bytes(wasp_buf *buf, const void *data, size_t len) {
    wasp_pc_varint(buf, len);
    wasp_buf_append(buf, data, len);
}

/* A string with its length: String, &str, or a char (as its UTF-8 bytes). UTF-8 only. */
static inline void wasp_pc_str(wasp_buf *buf, const char *str, size_t len) {
    wasp_pc_bytes(buf, str, len);
}

/* A NUL-terminated string, as wasp_pc_str. */
static inline void wasp_pc_cstr(wasp_buf *buf, const char *str) {
    wasp_pc_str(buf, str, strlen(str));
}

/* The variant index of an enum; write the variant's fields after it. */
static inline void wasp_pc_variant(wasp_buf *buf, uint32_t index) {
    wasp_pc_varint(buf, index);
}

/* Option::None. */
static inline void wasp_pc_none(wasp_buf *buf) {
    wasp_pc_variant(buf, 0);
}

/* Option::Some; write the value after it. */
static inline void wasp_pc_some(wasp_buf *buf) {
    wasp_pc_variant(buf, 1);
}

/* Result::Ok; write the value after it (nothing for Ok(())). */
static inline void wasp_pc_ok(wasp_buf *buf) {
    wasp_pc_variant(buf, 0);
}

/* Result::Err; write the error after it. */
static inline void wasp_pc_err(wasp_buf *buf) {
    wasp_pc_variant(buf, 1);
}

/*
 * Reading postcard: serde arguments of a method and serde results of host functions. The host
 * only sends values that encode the contract's type, so input that does not decode means the
 * plugin reads the wrong type: a bug, which panics instead of returning an error to check.
 *
 *     wasp_pc_reader in = wasp_pc_reader_new(ptr, len);    // an Option<String> argument
 *     if (wasp_pc_read_tag(&in) == 1) {
 *         size_t n;
 *         const char *s = wasp_pc_read_str(&in, &n);       // points into the argument
 *         ...
 *     }
 *     wasp_pc_read_end(&in);
 */
typedef struct {
    const uint8_t *next;
    size_t left;
} wasp_pc_reader;

static inline wasp_pc_reader wasp_pc_reader_new(const void *data, size_t len) {
    wasp_pc_reader reader = {(const uint8_t *)data, len};
    return reader;
}

/* The next `len` raw bytes; they stay in the input. */
static inline const uint8_t *wasp_pc_read_raw(wasp_pc_reader *in, size_t len) {
    if (in->left < len) {
        WASP_PANIC("postcard: unexpected end of input");
    }
    const uint8_t *bytes = in->next;
    in->next += len;
    in->left -= len;
    return bytes;
}

static inline uint64_t wasp_pc_read_varint(wasp_pc_reader *in) {
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        uint8_t byte = *wasp_pc_read_raw(in, 1);
        if (shift == 63 && byte > 1) {
            break;
        }
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            return value;
        }
    }
    WASP_PANIC("postcard: varint does not fit in 64 bits");
}

static inline int64_t wasp_pc_read_signed(wasp_pc_reader *in) {
    uint64_t zigzag = wasp_pc_read_varint(in);
    return (int64_t)(zigzag >> 1) ^ -(int64_t)(zigzag & 1);
}

static inline uint8_t wasp_pc_read_u8(wasp_pc_reader *in) {
    return *wasp_pc_read_raw(in, 1);
}

static inline bool wasp_pc_read_bool(wasp_pc_reader *in) {
    uint8_t byte = *wasp_pc_read_raw(in, 1);
    if (byte > 1) {
        WASP_PANIC("postcard: bool is neither 0 nor 1");
    }
    return byte == 1;
}

static inline float wasp_pc_read_f32(wasp_pc_reader *in) {
    float value;
    memcpy(&value, wasp_pc_read_raw(in, sizeof value), sizeof value);
    return value;
}

static inline double wasp_pc_read_f64(wasp_pc_reader *in) {
    double value;
    memcpy(&value, wasp_pc_read_raw(in, sizeof value), sizeof value);
    return value;
}

/* A length-prefixed byte sequence; returns a pointer into the input and sets *len. */
static inline const uint8_t *wasp_pc_read_bytes(wasp_pc_reader *in, size_t *len) {
    uint64_t n = wasp_pc_read_varint(in);
    if (n > in->left) {
        WASP_PANIC("postcard: length runs past the end of input");
    }
    *len = (size_t)n;
    return wasp_pc_read_raw(in, (size_t)n);
}

/* A length-prefixed string, as wasp_pc_read_bytes; not NUL-terminated (see wasp_cstr). */
static inline const char *wasp_pc_read_str(wasp_pc_reader *in, size_t *len) {
    return (const char *)wasp_pc_read_bytes(in, len);
}

/* An Option, Result or enum tag: 0 = None / Ok / first variant, 1 = Some / Err, ... */
static inline uint32_t wasp_pc_read_tag(wasp_pc_reader *in) {
    uint64_t tag = wasp_pc_read_varint(in);
    if (tag > UINT32_MAX) {
        WASP_PANIC("postcard: variant index does not fit in 32 bits");
    }
    return (uint32_t)tag;
}

/* Checks that the whole input was read: a value is exactly its encoding. */
static inline void wasp_pc_read_end(const wasp_pc_reader *in) {
    if (in->left != 0) {
        WASP_PANIC("postcard: bytes left over after the value");
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The contract descriptor                                                                   */
/* ---------------------------------------------------------------------------------------- */

/*
 * WASP_CONTRACT(text); at file scope, once per plugin: puts the contract descriptor `text`
 * (docs/ABI.md section 8) into the custom section `wasp-contract`, where the host reads it at
 * load. `text` is one or more adjacent string literals, or a macro that expands to them, of
 * plain ASCII with \n line ends and no other escapes:
 *
 *     WASP_CONTRACT(
 *         "wasp-contract 1\n"
 *         "contract Greeter\n"
 *         "method hello(String) -> String\n");
 *
 * A Rust host prints the exact text of its contract with
 * <dyn C as wasp::Contract>::descriptor().render().
 *
 * Why assembly: clang 14 makes a variable with a section attribute, whatever the section's
 * name, a data segment (which the linker then drops as unreferenced), never a custom section;
 * its assembler, though, makes a section named ".custom_section.<name>" the custom section
 * <name>, and the linker keeps those. The literals reach the assembler's .ascii directive as
 * written, and it reads \n the way C does.
 */
#define WASP_CONTRACT(text) WASP_CONTRACT_(text)
#define WASP_CONTRACT_(text)                                                                   \
    __asm__(".section \".custom_section.wasp-contract\",\"\",@\n"                             \
            ".ascii " #text "\n"                                                               \
            ".text\n")

#ifdef __cplusplus
}
#endif

#endif /* WASP_H */
