#!/usr/bin/env bash
# AssemblyScript guests: the compiler from npm (assemblyscript, with the binaryen that optimises
# its output) at exactly the versions of guests/assemblyscript/package-lock.json, installed into
# guests/assemblyscript/node_modules. The committed artifacts are built by these versions
# (docs/guests/assemblyscript.md); the xtask refuses to build with any others.
set -euo pipefail
cd "$(dirname "$0")/../guests/assemblyscript"

# asc 0.28 declares "engines": {"node": ">=20"}. Debian 12's own nodejs is 18, so there is no
# package to fall back on: the machine must bring Node.js.
min_major=20
for tool in node npm; do
    if ! command -v "$tool" >/dev/null; then
        echo "install-assemblyscript.sh: \`$tool\` is missing; install Node.js $min_major or newer with npm" >&2
        exit 1
    fi
done
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt "$min_major" ]; then
    echo "install-assemblyscript.sh: Node.js $(node --version) is too old; asc needs $min_major or newer" >&2
    exit 1
fi

# `npm ci` installs the lockfile as it is, failing instead of changing it, and starts from an
# empty node_modules, so running it again is harmless. No package here needs an install script.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "asc $(node node_modules/assemblyscript/bin/asc.js --version | sed 's/^Version //'), node $(node --version)"
