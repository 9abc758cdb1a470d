#!/usr/bin/env bash
# Zig guests: Zig 0.17.1 from PyPI's ziglang (the Zig distribution, packaged as a wheel), in the
# virtual environment at the repository root (.venv/, git-ignored, shared with Go), where
# `cargo xtask plugins` looks for it first (`.venv/bin/python3 -m ziglang`). The committed Zig
# artifacts are built by exactly this release (docs/guests/zig.md); PyPI is how it reaches
# machines that only see package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

version=0.17.1
venv=.venv

installed() {
    [ -x "$venv/bin/python3" ] &&
        [ "$("$venv/bin/python3" -c 'import importlib.metadata as m; print(m.version("ziglang"))' 2>/dev/null)" = "$version" ]
}

if ! installed; then
    if [ ! -x "$venv/bin/python3" ]; then
        # Debian's python3 leaves ensurepip out of the interpreter package: venv needs
        # python3-venv, which only root can add.
        if ! python3 -m venv "$venv" 2>/dev/null; then
            rm -rf "$venv"
            if [ "$(id -u)" -ne 0 ]; then
                echo "install-zig.sh: python3 -m venv failed; run as root, or: sudo apt-get install python3-venv" >&2
                exit 1
            fi
            export DEBIAN_FRONTEND=noninteractive
            apt_get=(apt-get -o DPkg::Lock::Timeout=300)
            if ! apt-cache show python3-venv >/dev/null 2>&1; then
                "${apt_get[@]}" update -qq
            fi
            "${apt_get[@]}" install -y -qq --no-install-recommends python3-venv >/dev/null
            python3 -m venv "$venv"
        fi
    fi
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "ziglang==$version"
fi

# Prove that it runs.
echo "zig $("$venv/bin/python3" -m ziglang version)"
