#!/usr/bin/env bash
# Checks echemd's outputs with third-party tools used as oracles (never vendored):
# every protocol validates, and each script in scripts/oracles/ passes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build --show-bin-path)
pass=0; fail=0
if "$bin/echemctl" validate protocols >/dev/null; then pass=$((pass+1)); else echo "FAIL: echemctl validate protocols"; fail=$((fail+1)); fi
for s in scripts/oracles/*.sh; do
  [ -e "$s" ] || continue
  if ECHEMCTL="$bin/echemctl" bash "$s"; then pass=$((pass+1)); else echo "FAIL: $s"; fail=$((fail+1)); fi
done
echo "oracles: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
