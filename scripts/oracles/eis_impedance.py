#!/usr/bin/env python3
"""impedance.py (PyPI, 1.7.1) as an independent oracle for EchemAnalysis's EIS fit and lin-KK.

Usage:
  eis_impedance.py oracle OUT.json SPECTRA.eis.csv...   fit and KK-check every exported spectrum
  eis_impedance.py compare OUT.json                     compare with OUT.json.swift.json

`oracle` reads `echemctl export` EIS tables (BDF-style columns), runs impedance.py's linKK
(complex fit, series capacitor; residuals must be < 1 %) and fits 'R0-p(R1,CPE1)-W1' with modulus
weighting from a grid of its own starting points (the lowest χ² wins), and writes the spectra with
those results to OUT.json. The Swift test EISOracleAgreementTests fits the same spectra and writes
OUT.json.swift.json. `compare` checks our parameters against impedance.py's within 5 % where
impedance.py determines them to better than 10 % (R_ct always), that our weighted χ² is no worse
than theirs, and that both lin-KK maxima agree; it prints one PASS line or FAIL lines.
"""
import contextlib
import csv
import io
import json
import sys
import warnings

import numpy as np

# impedance 1.7.1 builds lin-KK circuits with eval() of printed numbers; numpy 2 prints
# 'np.float64(…)', which that eval cannot read. The legacy print mode restores plain numbers.
with contextlib.suppress(Exception):
    np.set_printoptions(legacy="1.25")

from impedance.models.circuits import CustomCircuit  # noqa: E402
from impedance.validation import linKK  # noqa: E402

CIRCUIT = "R0-p(R1,CPE1)-W1"
NAMES = ["R_e", "R_ct", "Q", "alpha", "A_W"]
failures = []


def fail(what):
    failures.append(what)
    print(f"FAIL eis-impedance: {what}")


def read_spectra(path):
    """{spectrum index: (f, Z)} from an `echemctl export` .eis.csv."""
    spectra = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            key = int(row["Spectrum Index / 1"])
            f, z = spectra.setdefault(key, ([], []))
            f.append(float(row["Frequency / Hz"]))
            z.append(complex(float(row["Real Impedance / ohm"]), float(row["Imaginary Impedance / ohm"])))
    return {k: (np.array(f), np.array(z)) for k, (f, z) in spectra.items()}


def weighted_chi2(circuit, f, z):
    model = circuit.predict(f, use_initial=False)
    return float(np.sum(np.abs(model - z) ** 2 / np.abs(z) ** 2))


def fit_circuit(f, z):
    """Best of a grid of local fits (impedance.py's curve_fit, modulus weighting)."""
    span = max(z.real.max() - z.real.min(), 1e-9)
    tail = max(-z.imag[np.argmin(f)] * np.sqrt(2 * np.pi * f.min()), 1e-6)
    best = None
    for r1 in (0.05, 0.2, 0.5):
        for q in (1e-6, 1e-4, 1e-2):
            guess = [max(z.real.min(), 1e-9), r1 * span, q, 0.8, tail]
            circuit = CustomCircuit(CIRCUIT, initial_guess=guess)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    circuit.fit(f, z, weight_by_modulus=True)
            except Exception:  # a start that does not converge is just skipped
                continue
            chi2 = weighted_chi2(circuit, f, z)
            if best is None or chi2 < best[0]:
                best = (chi2, circuit)
    return best


def oracle(out_path, csv_paths):
    spectra = []
    for path in csv_paths:
        for index, (f, z) in sorted(read_spectra(path).items()):
            name = f"{path.rsplit('/', 1)[-1].removesuffix('.eis.csv')}#{index}"
            with contextlib.redirect_stdout(io.StringIO()):  # linKK prints progress every 10 M
                m, mu, _, res_re, res_im = linKK(f, z, c=0.85, max_M=50, fit_type="complex", add_cap=True)
            kk_max = float(max(np.abs(res_re).max(), np.abs(res_im).max()))
            if not kk_max < 0.01:
                fail(f"{name}: impedance.py lin-KK max residual {kk_max:.3%} (must be < 1 %)")
            found = fit_circuit(f, z)
            if found is None:
                fail(f"{name}: impedance.py could not fit {CIRCUIT} from any start")
                continue
            chi2, circuit = found
            spectra.append({
                "name": name,
                "frequencies": f.tolist(), "real": z.real.tolist(), "imaginary": z.imag.tolist(),
                "impedancepy": {
                    "parameters": [float(p) for p in circuit.parameters_],
                    "conf": [float(c) for c in circuit.conf_],
                    "chiSquare": chi2,
                    "linKK": {"M": int(m), "mu": float(mu), "maxAbsResidual": kk_max},
                },
            })
    if not spectra:
        fail("no spectra to compare")
    with open(out_path, "w") as fh:
        json.dump({"spectra": spectra}, fh)
    if failures:
        sys.exit(1)


def compare(out_path):
    with open(out_path) as fh:
        theirs = {s["name"]: s for s in json.load(fh)["spectra"]}
    with open(out_path + ".swift.json") as fh:
        ours = {s["name"]: s for s in json.load(fh)}
    summary = []
    for name, spectrum in theirs.items():
        if name not in ours:
            fail(f"{name}: no Swift result")
            continue
        ref = spectrum["impedancepy"]
        mine = ours[name]
        values = [p["value"] for p in mine["fit"]["parameters"]]
        compared = []
        for k, label in enumerate(NAMES):
            p, conf = ref["parameters"][k], ref["conf"][k]
            determined = label == "R_ct" or (p != 0 and abs(conf / p) < 0.1)
            if not determined:
                continue
            rel = abs(values[k] - p) / abs(p)
            compared.append(label)
            if not rel < 0.05:
                fail(f"{name}: {label} ours {values[k]:.6g}, impedance.py {p:.6g} ± {conf:.3g} ({rel:.1%} apart, must be < 5 %)")
        chi_ours, chi_theirs = mine["fit"]["chiSquare"], ref["chiSquare"]
        if not chi_ours <= chi_theirs * 1.01 + 1e-12:
            fail(f"{name}: our weighted χ² {chi_ours:.4g} is worse than impedance.py's {chi_theirs:.4g}")
        kk_ours = max(max(map(abs, mine["linKK"]["residualsReal"])), max(map(abs, mine["linKK"]["residualsImaginary"])))
        kk_theirs = ref["linKK"]["maxAbsResidual"]
        if not kk_ours < 0.01 or abs(kk_ours - kk_theirs) > 0.001:
            fail(f"{name}: lin-KK max residual ours {kk_ours:.3%} (M={mine['linKK']['elements']}), "
                 f"impedance.py {kk_theirs:.3%} (M={ref['linKK']['M']})")
        summary.append(f"{name} R_ct {values[1]:.4g}/{ref['parameters'][1]:.4g} Ω, "
                       f"KK {kk_ours:.2%}/{kk_theirs:.2%}, compared {','.join(compared)}")
    if failures:
        sys.exit(1)
    print("PASS eis-impedance: " + "; ".join(summary) + " (ours/impedance.py)")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "oracle":
        oracle(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 3 and sys.argv[1] == "compare":
        compare(sys.argv[2])
    else:
        sys.exit(__doc__)
