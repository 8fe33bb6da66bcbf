#!/usr/bin/env bash
# Oracle: echemd's BDF CSV export, read and validated by the independent `batterydf` package
# (PyPI, test oracle only, never vendored). Called as: ECHEMCTL=/path/to/echemctl bash scripts/oracles/bdf.sh
#
# Where the export comes from (ECHEM_BDF_VIA, default auto):
#   echemctl    the product path: "$ECHEMCTL" simulate PROTO --chemistry NAME --mass 1mg --db DB --bdf OUT.csv
#               (PROTO, NAME from ECHEM_BDF_PROTOCOL / ECHEM_BDF_CHEMISTRY; extra flags from
#               ECHEM_BDF_SIMULATE_ARGS, default "--loop-cap 2 --quiet").
#   swift-test  fallback: the EchemStoreTests helper `BDFOracleExport.writeExportForOracle` stores a
#               synthetic charge/rest/discharge run with an EIS spectrum through RunStore and
#               exports it with BDFExporter.
#   auto        echemctl when "$ECHEMCTL simulate --help" offers --bdf, else swift-test.
# TODO(lead): once `echemctl simulate --bdf` is committed and green in CI, make `echemctl` the only
#   path: delete the swift-test branch and Tests/EchemStoreTests/BDFOracleExport.swift.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/oracles
via=${ECHEM_BDF_VIA:-auto}
protocol=${ECHEM_BDF_PROTOCOL:-protocols/seed-000/0-6-zns-eis-before-after-20-cycles.yaml}
chemistry=${ECHEM_BDF_CHEMISTRY:-zns_anode}

python3 -c "import bdf" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check batterydf >/dev/null 2>&1 \
  || { echo "FAIL: batterydf (the BDF oracle) is not installed and could not be installed"; exit 1; }

if [ "$via" = auto ]; then
  via=swift-test
  if [ -x "${ECHEMCTL:-}" ] && [ -f "$protocol" ] \
     && "$ECHEMCTL" simulate --help 2>/dev/null | grep -q -- '--bdf'; then
    via=echemctl
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/ECHEMD__oracle-cell__$(date -u +%Y%m%d)_001.csv"
echo "bdf oracle: export via $via"

case "$via" in
  echemctl)
    : "${ECHEMCTL:?set ECHEMCTL to the echemctl binary}"
    # shellcheck disable=SC2086  # the extra flags are meant to split
    if ! "$ECHEMCTL" simulate "$protocol" --chemistry "$chemistry" --mass 1mg \
        --db "$work/run.sqlite" --bdf "$out" ${ECHEM_BDF_SIMULATE_ARGS:---loop-cap 2 --quiet} \
        >"$work/simulate.log" 2>&1; then
      tail -n 40 "$work/simulate.log"
      echo "FAIL: echemctl simulate did not complete"
      exit 1
    fi
    python3 "$here/bdf_check.py" "$out"   # checks the EIS table too when the run has spectra
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
    echo "FAIL: ECHEM_BDF_VIA must be auto, echemctl or swift-test, not '$via'"; exit 1 ;;
esac
