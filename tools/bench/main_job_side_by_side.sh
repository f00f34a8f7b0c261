#!/usr/bin/env bash
# The main job's wall time per notebook with two versions of the repository (CLI, library and notebooks),
# alternating notebook by notebook in one run: OLD (a commit; default the last one with the Roslyn-scripting
# executor) and the working tree. Each is built in Release first; the build is not timed. A notebook that
# only one version has is run in that one.
#   bash tools/bench/main_job_side_by_side.sh [OLD-COMMIT] [ROUNDS] [NOTEBOOK...]   (default: the environment check and every chapter)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old="${1:-1ca38b3}"
rounds="${2:-1}"
shift $(( $# < 2 ? $# : 2 ))
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(environment-check.dib $(cd "$root" && ls notebooks/*.ipynb))
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/old" "$old" >/dev/null 2>&1
for tree in "$work/old" "$root"; do
  dotnet build "$tree/lib/Curriculum.Cli/Curriculum.Cli.csproj" -c Release --nologo -v quiet >/dev/null
done
seconds() {  # seconds TREE NOTEBOOK: wall time of `curriculum run` on one notebook, or FAIL
  local tree="$1" nb="$2" start end
  start=$(date +%s.%N)
  if [ ! -e "$tree/$nb" ]; then echo "-"; return; fi
  if (cd "$tree" && dotnet lib/Curriculum.Cli/bin/Release/net10.0/Curriculum.Cli.dll run "$nb" --out "$work/out" >/dev/null 2>&1); then
    end=$(date +%s.%N); printf '%.1f' "$(echo "$end - $start" | bc)"
  else echo FAIL; fi
}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); cores: $(nproc); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| notebook | round | ${old} s | working tree s | difference s |"
echo "|---|---|---|---|---|"
total_old=0; total_new=0
for nb in "${notebooks[@]}"; do
  for r in $(seq 1 "$rounds"); do
    a=$(seconds "$work/old" "$nb"); b=$(seconds "$root" "$nb")
    d=$( [[ "$a" =~ ^[0-9] ]] && [[ "$b" =~ ^[0-9] ]] && echo "$b - $a" | bc || echo "-")
    echo "| $nb | $r | $a | $b | $d |"
    [[ "$a" =~ ^[0-9] ]] && total_old=$(echo "$total_old + $a" | bc)
    [[ "$b" =~ ^[0-9] ]] && total_new=$(echo "$total_new + $b" | bc)
  done
done
echo "| total | | $total_old | $total_new | $(echo "$total_new - $total_old" | bc) |"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
