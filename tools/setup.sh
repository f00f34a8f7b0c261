#!/usr/bin/env bash
# Installs what the tests and the reference checks need on a Debian machine with the .NET 10 SDK:
# the Debian packages listed in tools/apt-packages.txt and the npm packages of tools/node.
# Used by .ci/run and by the devcontainer's post-create step. Run from anywhere: bash tools/setup.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
mapfile -t packages < <(grep -v '^\s*#' "$root/tools/apt-packages.txt" | grep -v '^\s*$')
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# Node.js runs tiktoken and Hugging Face tokenizers as references; a Node.js from elsewhere (which
# brings its own npm, and conflicts with Debian's) is used as it is.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
npm ci --prefix "$root/tools/node" --no-audit --no-fund --loglevel=error
