#!/usr/bin/env bash
# Runs `ebjdat eval` on image ranges in parallel processes (TF.js wasm uses one core per process),
# one results file per range; rerunning continues every range where it stopped. Used for the
# official-reference comparison (packages/attacks/README.md "Results against the official
# AutoAttack"), merged by src/attacks/reference-merge.ts.
#
# usage: parallel-eval.sh <workers> <tasks file> <out dir> [more `ebjdat eval` options]
#   tasks file: one "<attack> <first image> <end image>" per line, e.g. "autoattack 0 13"
#   env EBJDAT: the CLI command (default: ebjdat)
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '6,9p' "$0"; exit 2; fi
workers=$1; tasks=$2; out=$3; shift 3
[ -f "$tasks" ] || { echo "parallel-eval: tasks file '$tasks' not found" >&2; exit 2; }
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "parallel-eval: workers must be a positive integer, got '$workers'" >&2; exit 2; }
mkdir -p "$out"
export EBJDAT_CMD="${EBJDAT:-ebjdat}" OUTDIR="$out" EXTRA="$*"
grep -v '^\s*\(#\|$\)' "$tasks" | xargs -P "$workers" -L 1 bash -c '
  a=$0; s=$1; e=$2; f="$OUTDIR/$a-$s-$e"
  $EBJDAT_CMD eval --range "$s:$e" --attack "$a" --json "$f.json" $EXTRA > "$f.log" 2>&1 \
    && echo "done $a $s:$e" || echo "FAILED $a $s:$e (see $f.log)"'
