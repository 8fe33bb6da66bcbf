#!/usr/bin/env python3
"""Checks an echemd BDF CSV export with the independent `batterydf` package (import `bdf`).

Usage: bdf_check.py OUT.csv [--expect-eis]

batterydf is a test oracle only: it is installed from PyPI, never vendored or copied.
Exits non-zero on the first failed check, naming it.
"""
import json
import math
import os
import sys
import uuid

import bdf
from bdf.normalize import OPTIONAL, REQUIRED

# Labels echemd writes that batterydf 0.1.0 does not list but the BDF ontology 1.3.0 defines.
ONTOLOGY_ONLY = {
    "Step Time / s",
    "Cycle Charging Capacity / Ah",
    "Cycle Discharging Capacity / Ah",
    "Cycle Charging Energy / Wh",
    "Cycle Discharging Energy / Wh",
}
EIS_ONTOLOGY = {"Frequency / Hz", "Real Impedance / ohm", "Imaginary Impedance / ohm",
                "Absolute Impedance / ohm", "Phase / deg"}

passed = 0


def check(ok, what):
    global passed
    if not ok:
        print(f"FAIL: {what}")
        sys.exit(1)
    passed += 1
    print(f"ok: {what}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    expect_eis = "--expect-eis" in sys.argv
    if len(args) != 1:
        print(__doc__)
        sys.exit(2)
    path = args[0]
    check(os.path.isfile(path), f"export exists: {path}")

    preferred = set(REQUIRED) | set(OPTIONAL)
    check("Step Index / 1" in OPTIONAL, "batterydf's preferred label for the program step is 'Step Index / 1'")

    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
    check(header[:3] == list(REQUIRED), f"the first three columns are the required ones {list(REQUIRED)}")
    unknown = [c for c in header if c not in preferred and c not in ONTOLOGY_ONLY]
    check(not unknown, f"every column is a BDF preferred label (unknown: {unknown})")
    check(len(set(header)) == len(header), "no column repeats")

    report = bdf.validate(path)
    check(report.get("ok") is True, f"bdf.validate passes ({report.get('missing')})")
    check(report["time_stats"]["monotonic"], "bdf.validate finds Test Time monotonic")
    df = bdf.read(path)  # raises BDFValidationError on a missing required column
    check(list(df.columns) == header, "bdf.read keeps every column under its label")
    n = len(df)
    check(n > 100, f"a realistic export has rows ({n})")

    for col in header:
        check(str(df[col].dtype) in ("float64", "int64"), f"'{col}' parses as numbers ({df[col].dtype})")
    for col in REQUIRED:
        check(not df[col].isna().any(), f"'{col}' has no empty cells")

    t = df["Test Time / s"].to_numpy()
    check(all(b >= a for a, b in zip(t, t[1:])), "Test Time / s never decreases")
    if "Unix Time / s" in df:
        u = df["Unix Time / s"].to_numpy()
        check(all(b >= a for a, b in zip(u, u[1:])), "Unix Time / s never decreases")
        check(u[0] > 1.5e9, "Unix Time / s is a UTC epoch in seconds")
    if "Step Count / 1" in df:
        s = df["Step Count / 1"].to_numpy()
        check(all(b >= a for a, b in zip(s, s[1:])), "Step Count / 1 never resets")

    check_sign_convention(df)
    check_metadata(path, n)
    eis = eis_path(path)
    if expect_eis or os.path.exists(eis):
        check_eis(eis)
    print(f"bdf oracle: all {passed} checks passed")


def steps(df):
    """(step count, rows) for each step, in order."""
    if "Step Count / 1" not in df:
        return []
    return list(df.groupby("Step Count / 1", sort=True))


def check_sign_convention(df):
    """Positive current charges: on a charge step only the charging counters grow, V rises,
    and the charge moved equals the integral of I dt (coulomb counting)."""
    need = {"Charging Capacity / Ah", "Discharging Capacity / Ah", "Step Count / 1"}
    check(need <= set(df.columns), "capacity and step columns present for the sign check")
    charge_steps = discharge_steps = 0
    for count, rows in steps(df):
        i = rows["Current / A"].to_numpy()
        if len(rows) < 3 or not (i > 0).all() and not (i < 0).all():
            continue
        t = rows["Test Time / s"].to_numpy()
        qc = rows["Charging Capacity / Ah"].to_numpy()
        qd = rows["Discharging Capacity / Ah"].to_numpy()
        v = rows["Voltage / V"].to_numpy()
        moved = sum((t[k + 1] - t[k]) * (i[k] + i[k + 1]) / 2 for k in range(len(t) - 1)) / 3600
        # Coulomb counting is exact from the stored rows only at constant current (CC steps);
        # under CV the instrument integrates between the rows it records.
        cc = (i.max() - i.min()) <= 1e-9 * abs(i).max()
        if (i > 0).all():
            charge_steps += 1
            check(qc[-1] > qc[0] and qd[-1] == qd[0], f"step {count}: I > 0 grows only Charging Capacity")
            check(v[-1] > v[0], f"step {count}: voltage rises while charging")
            check(not cc or math.isclose(qc[-1] - qc[0], moved, rel_tol=1e-6, abs_tol=1e-15),
                  f"step {count}: charge moved {qc[-1] - qc[0]:.9g} Ah = integral I dt {moved:.9g} Ah")
        else:
            discharge_steps += 1
            check(qd[-1] > qd[0] and qc[-1] == qc[0], f"step {count}: I < 0 grows only Discharging Capacity")
            check(v[-1] < v[0], f"step {count}: voltage falls while discharging")
            check(not cc or math.isclose(qd[-1] - qd[0], -moved, rel_tol=1e-6, abs_tol=1e-15),
                  f"step {count}: charge moved {qd[-1] - qd[0]:.9g} Ah = -integral I dt {-moved:.9g} Ah")
    check(charge_steps > 0 and discharge_steps > 0,
          f"the run has charge ({charge_steps}) and discharge ({discharge_steps}) steps to check")


def check_metadata(path, rows):
    meta_path = path + ".metadata.json"
    check(os.path.isfile(meta_path), f"metadata sidecar exists: {os.path.basename(meta_path)}")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    uuid.UUID(meta["run_id"])
    for key in ("run_id", "bench", "channel", "protocol_name"):
        check(isinstance(meta.get(key), str) and meta[key], f"metadata names the {key}")
    check(meta.get("sample_count") == rows, f"metadata sample_count {meta.get('sample_count')} = {rows} rows")
    check("cell" not in meta or isinstance(meta["cell"].get("name"), str), "metadata cell, when given, is named")


def eis_path(path):
    for suffix in (".bdf.csv", ".csv"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".eis" + suffix
    return path + ".eis.csv"


def check_eis(path):
    check(os.path.isfile(path), f"EIS table exists: {os.path.basename(path)}")
    import pandas as pd
    df = pd.read_csv(path)
    check(EIS_ONTOLOGY <= set(df.columns), f"EIS table has {sorted(EIS_ONTOLOGY)}")
    check(len(df) > 0 and (df["Frequency / Hz"] > 0).all(), "EIS frequencies are positive")
    z = (df["Real Impedance / ohm"] ** 2 + df["Imaginary Impedance / ohm"] ** 2) ** 0.5
    check(((z - df["Absolute Impedance / ohm"]).abs() <= 1e-12 * z).all(), "|Z| = sqrt(Z'^2 + Z''^2)")
    phase = df["Imaginary Impedance / ohm"].combine(df["Real Impedance / ohm"], math.atan2) * 180 / math.pi
    check(((phase - df["Phase / deg"]).abs() < 1e-9).all(), "phase = atan2(Z'', Z') in degrees")


if __name__ == "__main__":
    main()
