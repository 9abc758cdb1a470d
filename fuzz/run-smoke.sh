#!/usr/bin/env bash
# Runs every fuzz target for a short time (FUZZ_SECONDS, 20 by default) from the committed
# seeds in fuzz/seeds/<target>; new inputs go to fuzz/corpus/<target> (not committed). Any
# crash, panic or input slower than 10 s fails the run and leaves the input in
# fuzz/artifacts/<target>. Needs cargo-fuzz; RUSTC_BOOTSTRAP lets it use nightly-only flags on
# the stable toolchain.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-20}"
export RUSTC_BOOTSTRAP=1
# Instrumented builds stay in fuzz/target, apart from the main build.
unset CARGO_TARGET_DIR
cargo fuzz build -s none
for target in $(cargo fuzz list); do
    mkdir -p "corpus/$target"
    echo "--> $target (${seconds}s)"
    log="corpus/$target.log"
    if ! cargo fuzz run -s none "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz target $target failed; the input is in fuzz/artifacts/$target" >&2
        exit 1
    fi
    grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" || true
done
