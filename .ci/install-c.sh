#!/usr/bin/env bash
# C guests: Debian's clang 14 with lld, wasi-libc and the wasm32 compiler-rt builtins.
# The committed C artifacts are built by exactly these packages (docs/guests/c.md), so CI
# installs them from Debian rather than using any other clang that may be on PATH.
set -euo pipefail

packages=(clang lld wasi-libc libclang-rt-dev-wasm32)

missing=()
for p in "${packages[@]}"; do
    # A removed package keeps a dpkg record, so ask for its state rather than its presence.
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-c.sh: missing ${missing[*]}; as root: apt-get install ${packages[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
    # Another installer may hold the dpkg lock on a shared machine; wait instead of failing.
    apt_get=(apt-get -o DPkg::Lock::Timeout=300)
    # .ci/run has refreshed the package lists already; a bare machine may have none.
    if ! apt-cache show "${missing[0]}" >/dev/null 2>&1; then
        "${apt_get[@]}" update -qq
    fi
    "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Reads all of clang's output, so pipefail cannot trip on a closed pipe.
clang --version | sed -n 1p
