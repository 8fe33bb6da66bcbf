#!/usr/bin/env bash
# Oracle: EIS spectra from `echemctl simulate` runs, exported with `echemctl export`, checked by an
# independent implementation (impedance.py 1.7.1, PyPI, test oracle only, never vendored):
#   - impedance.py's lin-KK (Schönleber, complex fit, series C) must give residuals < 1 %;
#   - impedance.py's CustomCircuit('R0-p(R1,CPE1)-W1') fit (modulus weighting) must agree with
#     EchemAnalysis's EISFit within 5 % on every well-determined parameter, and our lin-KK residual
#     with theirs. Our side runs as the swift-testing test EISOracleAgreementTests, enabled by
#     ECHEM_EIS_ORACLE (it reads the spectra and writes its fits beside them).
# Prints one PASS line last, or FAIL lines; non-zero on failure.
#
# Called from the repository root (or anywhere) as:
#   [ECHEMCTL=/path/to/echemctl] [ECHEM_PACKAGE=/path/to/package] bash scripts/oracles/eis-impedance.sh
# ECHEMCTL defaults to .build/debug/echemctl; ECHEM_PACKAGE (where `swift test` builds and runs
# EchemAnalysisTests) defaults to the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."

ctl=${ECHEMCTL:-.build/debug/echemctl}
[ -x "$ctl" ] || { echo "FAIL eis-impedance: $ctl is not built (swift build --product echemctl)"; exit 1; }
package=${ECHEM_PACKAGE:-$PWD}

python3 -c "import impedance" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check 'impedance==1.7.1' >/dev/null 2>&1 \
  || { echo "FAIL eis-impedance: impedance (PyPI) is not installed and could not be installed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A rested cell, then one spectrum at OCV with the defaults of wire-and-physics §7b.
cat > "$work/eis.yaml" <<'YAML'
echemd: 1
name: EIS oracle (rest, then 100 kHz to 10 mHz at OCV)
cell:
  name: oracle cell
  chemistry: mos6
  area: 0.785 cm2
  masses:
    active: 2.5 mg/cm2
  mass_basis: active
record: {every: 10 s}
steps:
  - rest: 10 min
  - eis:
      mode: potentiostatic
      from: 100 kHz
      to: 10 mHz
      points_per_decade: 10
      amplitude: 10 mV
      dc: ocv
      settle_cycles: 1
      integration_cycles: 3
YAML

# mos6: seed 003's cell (arc and diffusion tail); li_li_symmetric: arcs ending on a resistance.
csvs=()
for chemistry in mos6 li_li_symmetric; do
  if ! "$ctl" simulate "$work/eis.yaml" --chemistry "$chemistry" --db "$work/$chemistry.sqlite" \
       --bdf "$work/$chemistry.csv" --quiet >"$work/$chemistry.log" 2>&1; then
    echo "FAIL eis-impedance: echemctl simulate ($chemistry) failed:"; cat "$work/$chemistry.log"; exit 1
  fi
  [ -s "$work/$chemistry.eis.csv" ] || { echo "FAIL eis-impedance: no spectra exported for $chemistry"; exit 1; }
  csvs+=("$work/$chemistry.eis.csv")
done

python3 scripts/oracles/eis_impedance.py oracle "$work/oracle.json" "${csvs[@]}"

if ! ECHEM_EIS_ORACLE="$work/oracle.json" swift test --package-path "$package" \
     --filter EISOracleAgreementTests >"$work/swift-test.log" 2>&1; then
  echo "FAIL eis-impedance: the Swift side (EISOracleAgreementTests) failed:"
  grep -E 'error|✘|issue' "$work/swift-test.log" | head -20
  exit 1
fi
python3 scripts/oracles/eis_impedance.py compare "$work/oracle.json"
