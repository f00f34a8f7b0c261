#!/usr/bin/env bash
# Encoding speed side by side: `curriculum bench tokenizer` and tools/reference/tiktoken_encode.js
# (npm tiktoken, WASM), alternating, on the same text, one thread each; checks the ids are identical.
#
#   tools/tokenizer_fixtures/bench_vs_tiktoken.sh TEXT_FILE [ROUNDS]
# Needs: npm ci --prefix tools/node; rank files are exported to artifacts/tiktoken-ranks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="$1"; rounds="${2:-3}"
export NODE_PATH="$root/tools/node/node_modules"
ranks="$root/artifacts/tiktoken-ranks"
[ -f "$ranks/o200k_base.tiktoken" ] || node "$root/tools/tokenizer_fixtures/tiktoken_ref.js" --export-ranks "$ranks"
anchor="$root/tools/reference/tiktoken_encode.js"
dotnet build "$root/lib/Curriculum.Cli/Curriculum.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
cli="$root/lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
for enc in cl100k_base o200k_base; do
  for i in $(seq "$rounds"); do
    dotnet "$cli" bench tokenizer --tiktoken "$ranks/$enc.tiktoken" --encoding "$enc" --file "$file" --json --ids-out "$tmp/ours.json" | tee -a "$tmp/$enc.ours"
    node "$anchor" "$enc" "$file" --ids-out "$tmp/ref.json" | tee -a "$tmp/$enc.ref"
    cmp -s "$tmp/ours.json" "$tmp/ref.json" || { echo "ids differ for $enc" >&2; exit 1; }
  done
  median() { grep -o '"mb_per_s":[0-9.]*' "$1" | cut -d: -f2 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  ours=$(median "$tmp/$enc.ours"); ref=$(median "$tmp/$enc.ref")
  echo "{\"encoding\":\"$enc\",\"ids_identical\":true,\"curriculum_mb_per_s\":$ours,\"tiktoken_mb_per_s\":$ref,\"ratio\":$(awk "BEGIN {printf \"%.2f\", $ours/$ref}")}"
done
