#!/usr/bin/env bash
# Oracle: echem-sim's simulated Neware BTS Client, driven unmodified by aurora-neware (PyPI, a
# BTS API client that has run against real BTS 8.0; test oracle only, never vendored):
# getdevinfo, start a step file, status, inquire, download. Prints one PASS line; non-zero on failure.
#
# Called from the repository root (or anywhere) as:
#   [ECHEM_SIM=/path/to/echem-sim] bash scripts/oracles/neware-aurora.sh
# Without ECHEM_SIM the binary is taken beside $ECHEMCTL (scripts/oracle-tests.sh sets it), else
# .build/debug/echem-sim.
set -euo pipefail
cd "$(dirname "$0")/../.."

sim=${ECHEM_SIM:-}
if [ -z "$sim" ]; then
  if [ -n "${ECHEMCTL:-}" ]; then sim="$(dirname "$ECHEMCTL")/echem-sim"; else sim=.build/debug/echem-sim; fi
fi
[ -x "$sim" ] || { echo "FAIL neware-aurora: $sim is not built (swift build --product echem-sim)"; exit 1; }

python3 -c "import aurora_neware" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check aurora-neware >/dev/null 2>&1 \
  || { echo "FAIL neware-aurora: aurora-neware is not installed and could not be installed"; exit 1; }

python3 scripts/oracles/neware_aurora.py "$sim"
