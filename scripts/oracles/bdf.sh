#!/usr/bin/env bash
# Oracle: echemd's BDF CSV export, read and validated by the independent `batterydf` package
# (PyPI, test oracle only, never vendored). Called as: ECHEMCTL=/path/to/echemctl bash scripts/oracles/bdf.sh
#
# TODO(lead): switch the default source to `echemctl simulate` once it writes BDF:
#   set ECHEM_BDF_VIA=echemctl (or change the default below to echemctl). That path runs
#     "$ECHEMCTL" simulate PROTO --chemistry NAME --mass 1mg --db DB --bdf OUT.csv
#   with PROTO/NAME from ECHEM_BDF_PROTOCOL / ECHEM_BDF_CHEMISTRY (pick a seed protocol with a
#   charge and a discharge step, e.g. protocols/seed-000/0-3-zns-long-cycling.yaml) and extra
#   flags from ECHEM_BDF_SIMULATE_ARGS (default: --loop-cap 2 --quiet), then drop the swift-test
#   path and the EchemStoreTests helper `BDFOracleExport.writeExportForOracle`.
# Until then the export comes from that helper: a synthetic charge/rest/discharge run with an EIS
# spectrum, stored through RunStore into a real SQLite file and exported by BDFExporter.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/oracles
via=${ECHEM_BDF_VIA:-swift-test}

python3 -c "import bdf" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check batterydf >/dev/null 2>&1 \
  || { echo "FAIL: batterydf (the BDF oracle) is not installed and could not be installed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/ECHEMD__oracle-cell__$(date -u +%Y%m%d)_001.csv"

case "$via" in
  echemctl)
    : "${ECHEMCTL:?set ECHEMCTL to the echemctl binary}"
    "$ECHEMCTL" simulate "${ECHEM_BDF_PROTOCOL:?set ECHEM_BDF_PROTOCOL to a protocol file}" \
      --chemistry "${ECHEM_BDF_CHEMISTRY:?set ECHEM_BDF_CHEMISTRY}" --mass 1mg \
      --db "$work/run.sqlite" --bdf "$out" ${ECHEM_BDF_SIMULATE_ARGS:---loop-cap 2 --quiet}
    python3 "$here/bdf_check.py" "$out"
    ;;
  swift-test)
    # Default scratch path: the build `make test` already made; override to reuse another.
    if ! ECHEM_BDF_OUT="$out" swift test --scratch-path "${ECHEM_SCRATCH_PATH:-.build}" \
        --filter 'BDFOracleExport' >"$work/swift-test.log" 2>&1; then
      tail -n 40 "$work/swift-test.log"
      echo "FAIL: the Swift export helper did not run"
      exit 1
    fi
    python3 "$here/bdf_check.py" "$out" --expect-eis
    ;;
  *)
    echo "FAIL: ECHEM_BDF_VIA must be swift-test or echemctl, not '$via'"; exit 1 ;;
esac
