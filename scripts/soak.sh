#!/usr/bin/env bash
# Fresh-clone soak: clones HEAD of this repository N times (default 3) into temporary folders and runs
# `bash .ci/run` in each, one after the other, with CI=true, no stdin and one CPU-bound process beside it
# (`node -e 'for(;;){}'`), as the issue tracker's "fresh-clone truth" asks. Prints one line per run and a
# summary; exits non-zero if any run failed. Logs stay in $SOAK_DIR (default: a new temp folder).
#
#   bash scripts/soak.sh [RUNS]          SOAK_NO_HOG=1 to run without the CPU-bound process
set -uo pipefail
RUNS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${SOAK_DIR:-$(mktemp -d /tmp/soak.XXXXXX)}"
REV="$(git -C "$ROOT" rev-parse HEAD)"
echo "soak: $RUNS fresh clone(s) of $REV, logs in $DIR"

hog=""
if [ -z "${SOAK_NO_HOG:-}" ]; then
  node -e 'for(;;){}' & hog=$!
  trap 'kill "$hog" 2>/dev/null' EXIT
fi

passed=0; failed=0
for i in $(seq 1 "$RUNS"); do
  clone="$DIR/clone-$i"
  git clone -q "$ROOT" "$clone" && git -C "$clone" checkout -q "$REV"
  start=$(date +%s)
  (cd "$clone" && CI=true bash .ci/run </dev/null >"$DIR/run-$i.log" 2>&1)
  rc=$?
  secs=$(( $(date +%s) - start ))
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); verdict=pass; else failed=$((failed + 1)); verdict="FAIL (exit $rc)"; fi
  echo "soak: run $i: $verdict in ${secs}s; $(grep -E '^ℹ (pass|fail) ' "$DIR/run-$i.log" | tr '\n' ' ')"
  # Keep the log, drop the clone's heavy folders (editors, node_modules) before the next run.
  rm -rf "$clone/node_modules" "$clone/.cache"
done
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
