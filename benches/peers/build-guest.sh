#!/usr/bin/env bash
# Builds the Extism guest of the peers benchmark (guest/greeter-extism.c) into
# guest/greeter-extism.wasm, with the same clang as Wasp's C guests (Debian 12's clang 14:
# `apt-get install clang lld`) and the same bulk memory flag. Freestanding: no libc.
set -euo pipefail
cd "$(dirname "$0")/guest"
"${WASP_CLANG:-clang}" --target=wasm32-unknown-unknown -nostdlib -O2 -mbulk-memory \
    -Wall -Wextra -Wpedantic -Werror -std=c11 \
    -Wl,--no-entry -Wl,--strip-debug \
    -o greeter-extism.wasm greeter-extism.c
echo "built $(pwd)/greeter-extism.wasm ($(wc -c < greeter-extism.wasm) bytes)"
