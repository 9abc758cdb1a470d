/* The Greeter plugin in C. Build it with `cargo xtask plugins`; docs/guests/c.md explains. */

#include "wasp.h"

/* The contract this plugin implements: the text docs/ABI.md section 8 gives for Greeter. */
WASP_CONTRACT(
    "wasp-contract 1\n"
    "contract Greeter\n"
    "method hello(String) -> String\n"
    "method sum(i32, i32) -> i32\n"
    "method reverse(Vec<u8>) -> Vec<u8>\n"
    "method callback() -> String\n"
    "method fail() -> Result<(), String>\n"
    "host GreeterHost\n"
    "import call_me(String) -> String\n");

WASP_IMPORT(GreeterHost, call_me)
wasp_packed call_me(const char *name, size_t name_len);

WASP_EXPORT(hello)
wasp_packed hello(const char *name, size_t name_len) {
    wasp_buf out = WASP_BUF_INIT;
    wasp_buf_cstr(&out, "Hello ");
    wasp_buf_append(&out, name, name_len);
    wasp_free_args(name);
    return wasp_return_buf(&out);
}

WASP_EXPORT(sum)
int32_t sum(int32_t a, int32_t b) {
    /* Wraps like Rust's wrapping_add; signed overflow would be undefined in C. */
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

WASP_EXPORT(reverse)
wasp_packed reverse(uint8_t *data, size_t len) {
    for (size_t i = 0, j = len; i + 1 < j; i++, j--) {
        uint8_t byte = data[i];
        data[i] = data[j - 1];
        data[j - 1] = byte;
    }
    /* The argument block is ours, so it can be the result: no copy. */
    return wasp_return(data, len);
}

WASP_EXPORT(callback)
wasp_packed callback(void) {
    /* The host's answer is a block we own; hand it back as our result. */
    return wasp_return_packed(call_me("Nic", 3));
}

WASP_EXPORT(fail)
wasp_packed fail(void) {
    /* Result<(), String> in postcard: the Err tag, then the string with its length. */
    wasp_buf out = WASP_BUF_INIT;
    wasp_pc_err(&out);
    wasp_pc_cstr(&out, "Ooops");
    return wasp_return_buf(&out);
}
