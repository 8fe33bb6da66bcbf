#!/usr/bin/env bash
# Oracle: echem-sim's Modbus device simulator, read and written by an independent client
# (pymodbus, PyPI, test oracle only, never vendored), checked against the profile's scaling as
# computed in Python from the TOML (tomllib). Prints one PASS line; non-zero on failure.
#
# Called from the repository root (or anywhere) as:
#   [ECHEM_SIM=/path/to/echem-sim] bash scripts/oracles/modbus-pymodbus.sh
# Without ECHEM_SIM the binary is taken beside $ECHEMCTL (scripts/oracle-tests.sh sets it), else
# .build/debug/echem-sim.
set -euo pipefail
cd "$(dirname "$0")/../.."

sim=${ECHEM_SIM:-}
if [ -z "$sim" ]; then
  if [ -n "${ECHEMCTL:-}" ]; then sim="$(dirname "$ECHEMCTL")/echem-sim"; else sim=.build/debug/echem-sim; fi
fi
[ -x "$sim" ] || { echo "FAIL: modbus oracle: $sim is not built (swift build --product echem-sim)"; exit 1; }

python3 -c "import pymodbus" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check pymodbus >/dev/null 2>&1 \
  || { echo "FAIL: modbus oracle: pymodbus is not installed and could not be installed"; exit 1; }

python3 scripts/oracles/modbus_pymodbus.py "$sim" drivers/ea-psb-10000.toml
