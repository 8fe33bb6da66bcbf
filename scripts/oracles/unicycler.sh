#!/usr/bin/env bash
# Oracle: protocols written by aurora-unicycler (pip package, a test oracle only, never vendored)
# must validate, and `echemctl explain` must show the currents, cut-offs and loops written.
# Run by scripts/oracle-tests.sh with ECHEMCTL set to the built binary.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${ECHEMCTL:?set ECHEMCTL to the echemctl binary}"
python="${PYTHON:-python3}"

# the package, from PyPI if it is not installed yet (into a private venv, not the system)
if ! "$python" -c "import aurora_unicycler" 2>/dev/null; then
  venv="${TMPDIR:-/tmp}/echemd-oracle-venv"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet aurora-unicycler
  python="$venv/bin/python"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$here/unicycler_oracle.py" "$ECHEMCTL" "$work"
