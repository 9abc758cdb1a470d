/*
 * The Greeter's benchmarked methods for Extism, written against Extism's kernel ABI (the
 * `extism:host/env` imports that extism-pdk wraps), so the peers benchmark runs the same work
 * through Extism as through Wasp and raw wasmtime.
 *
 * Extism passes bytes only: an export takes no parameters, reads its input from the kernel
 * (`input_load_u64`/`input_load_u8`), writes its output into kernel memory (`alloc`,
 * `store_u64`/`store_u8`) and publishes it with `output_set`. That is what extism-pdk's
 * `input()` and `output()` do; this guest does the same with no framework around it, which is
 * the cheapest an Extism plugin can be. `sum` takes two little-endian i32s (8 bytes) and
 * returns one (4 bytes), since Extism has no scalar parameters.
 *
 * Freestanding (no libc): one static buffer holds the largest input plus the greeting.
 * Built by build-guest.sh.
 */
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("extism:host/env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(input_length) uint64_t extism_input_length(void);
IMPORT(input_load_u8) uint32_t extism_input_load_u8(uint64_t offset);
IMPORT(input_load_u64) uint64_t extism_input_load_u64(uint64_t offset);
IMPORT(alloc) uint64_t extism_alloc(uint64_t length);
IMPORT(store_u8) void extism_store_u8(uint64_t offset, uint32_t value);
IMPORT(store_u64) void extism_store_u64(uint64_t offset, uint64_t value);
IMPORT(output_set) void extism_output_set(uint64_t offset, uint64_t length);
IMPORT(error_set) void extism_error_set(uint64_t offset);

/* The benchmark's largest input (1 MiB) and the greeting's prefix, with room to spare. */
#define CAPACITY ((1u << 20) + 64)
static uint8_t buffer[CAPACITY];

static const char GREETING[] = "Hello ";
#define GREETING_LEN (sizeof GREETING - 1)

/* Reads the whole input into `dst`, 8 bytes per kernel call, as extism-pdk does. */
static void load_input(uint8_t *dst, uint64_t len) {
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word = extism_input_load_u64(i);
        __builtin_memcpy(dst + i, &word, 8);
    }
    for (; i < len; i++) {
        dst[i] = (uint8_t)extism_input_load_u8(i);
    }
}

/* Copies `len` bytes into a new kernel block and makes it the call's output. */
static void set_output(const uint8_t *src, uint64_t len) {
    uint64_t offset = extism_alloc(len);
    uint64_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        __builtin_memcpy(&word, src + i, 8);
        extism_store_u64(offset + i, word);
    }
    for (; i < len; i++) {
        extism_store_u8(offset + i, src[i]);
    }
    extism_output_set(offset, len);
}

/* Reports an input too large for the buffer as the call's error (Extism's convention). */
static int32_t too_large(void) {
    static const char message[] = "input too large";
    uint64_t len = sizeof message - 1;
    uint64_t offset = extism_alloc(len);
    for (uint64_t i = 0; i < len; i++) {
        extism_store_u8(offset + i, (uint8_t)message[i]);
    }
    extism_error_set(offset);
    return 1;
}

EXPORT(sum) int32_t sum(void) {
    if (extism_input_length() != 8) {
        return too_large();
    }
    uint64_t both = extism_input_load_u64(0);
    uint32_t total = (uint32_t)both + (uint32_t)(both >> 32);
    set_output((const uint8_t *)&total, 4);
    return 0;
}

EXPORT(hello) int32_t hello(void) {
    uint64_t len = extism_input_length();
    if (len > CAPACITY - GREETING_LEN) {
        return too_large();
    }
    __builtin_memcpy(buffer, GREETING, GREETING_LEN);
    load_input(buffer + GREETING_LEN, len);
    set_output(buffer, GREETING_LEN + len);
    return 0;
}

EXPORT(reverse) int32_t reverse(void) {
    uint64_t len = extism_input_length();
    if (len > CAPACITY) {
        return too_large();
    }
    load_input(buffer, len);
    for (uint64_t i = 0, j = len; i + 1 < j; i++) {
        j--;
        uint8_t t = buffer[i];
        buffer[i] = buffer[j];
        buffer[j] = t;
    }
    set_output(buffer, len);
    return 0;
}
