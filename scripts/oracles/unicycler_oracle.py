#!/usr/bin/env python3
"""Oracle: aurora-unicycler (a third-party package, used only as a test oracle) writes protocol
JSON files; `echemctl validate` must accept them and `echemctl explain` must show the currents,
voltages, cut-offs and loop structure that were written. Exits non-zero on any mismatch.

Usage: unicycler_oracle.py ECHEMCTL WORKDIR
"""
import json
import math
import re
import subprocess
import sys
from pathlib import Path

from aurora_unicycler import (ConstantCurrent, ConstantVoltage, CyclingProtocol, ImpedanceSpectroscopy, Loop,
                              OpenCircuitVoltage, RecordParams, SafetyParams, SampleParams, Tag, VoltageScan)

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print(f"MISMATCH: {msg}", file=sys.stderr)


def close(a, b, rel=1e-9, abs_tol=1e-15):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def protocols():
    """A few protocols built with the package's own API."""
    record = RecordParams(time_s=10, voltage_V=0.01)
    return {
        # formation then long-term cycling, C-rates as numbers and fraction strings ("D/2" discharges)
        "formation_longterm": CyclingProtocol(
            sample=SampleParams(name="oracle-cell", capacity_mAh=2.0), record=record,
            safety=SafetyParams(max_voltage_V=4.5, min_voltage_V=2.5, max_current_mA=5, delay_s=1),
            method=[
                OpenCircuitVoltage(until_time_s=600),
                Tag(tag="formation"),
                ConstantCurrent(rate_C="C/10", until_voltage_V=4.2, until_time_s=12 * 3600),
                ConstantCurrent(rate_C=-0.1, until_voltage_V=3.0),
                Loop(loop_to="formation", cycle_count=3),
                Tag(tag="longterm"),
                ConstantCurrent(rate_C=0.5, until_voltage_V=4.2),
                ConstantVoltage(voltage_V=4.2, until_rate_C=0.05, until_time_s=3600),
                ConstantCurrent(rate_C="D/2", until_voltage_V=3.0),
                Loop(loop_to="longterm", cycle_count=50),
            ]),
        # absolute currents, nested loops sharing a tag, and a loop to a 1-based index
        "nested_absolute": CyclingProtocol(
            sample=SampleParams(name="oracle-cell-2", capacity_mAh=1.5), record=RecordParams(time_s=5),
            method=[
                ConstantCurrent(current_mA=0.5, until_time_s=60),
                ConstantCurrent(current_mA=-0.5, until_time_s=60),
                Loop(loop_to=1, cycle_count=4),
                Tag(tag="outer"),
                ConstantCurrent(current_mA=1.2, until_voltage_V=4.1),
                ConstantCurrent(current_mA=-1.2, until_voltage_V=2.9, until_time_s=7200),
                Loop(loop_to="outer", cycle_count=3),
                OpenCircuitVoltage(until_time_s=1800),
                Loop(loop_to="outer", cycle_count=2),
                ConstantVoltage(voltage_V=3.6, until_current_mA=0.05),
            ]),
        # impedance (potentiostatic and galvanostatic) and a linear voltage scan
        "eis_and_scan": CyclingProtocol(
            sample=SampleParams(name="oracle-cell-3", capacity_mAh=3.0), record=record,
            method=[
                OpenCircuitVoltage(until_time_s=3600),
                ImpedanceSpectroscopy(amplitude_V=0.005, start_frequency_Hz=1e5, end_frequency_Hz=0.01,
                                      points_per_decade=8),
                ImpedanceSpectroscopy(amplitude_mA=0.1, start_frequency_Hz=1e4, end_frequency_Hz=0.1),
                VoltageScan(start_voltage_V=3.0, end_voltage_V=4.2, scan_rate_mV_per_s=0.5),
                ConstantCurrent(rate_C=1, until_voltage_V=4.2),
            ]),
    }


def crossing():
    """Loops whose jumps cross: the package's exporters refuse it, so must echemctl."""
    return CyclingProtocol(
        sample=SampleParams(name="x", capacity_mAh=1.0), record=RecordParams(time_s=10),
        method=[Tag(tag="a"), OpenCircuitVoltage(until_time_s=60), Tag(tag="b"), OpenCircuitVoltage(until_time_s=60),
                Loop(loop_to="a", cycle_count=2), OpenCircuitVoltage(until_time_s=60), Loop(loop_to="b", cycle_count=2)])


# ---------------------------------------------------------------- what was written

def written_steps(p):
    """Expected echemd steps, in method order (tags and loops are structure, not steps)."""
    cap_A = p.sample.capacity_mAh / 1000
    out = []
    for s in p.method:
        kind = s.step
        if kind == "open_circuit_voltage":
            out.append({"kind": "rest", "ends": {("step_time", ">="): s.until_time_s}})
        elif kind == "constant_current":
            amps = s.rate_C * cap_A if s.rate_C else s.current_mA / 1000
            ends = {}
            if s.until_time_s:
                ends[("step_time", ">=")] = s.until_time_s
            if s.until_voltage_V:
                ends[("voltage", ">=" if amps > 0 else "<=")] = s.until_voltage_V
            out.append({"kind": "current", "amperes": amps, "ends": ends})
        elif kind == "constant_voltage":
            ends = {}
            if s.until_time_s:
                ends[("step_time", ">=")] = s.until_time_s
            if s.until_rate_C:
                ends[("abs_current", "<=")] = abs(s.until_rate_C) * cap_A
            elif s.until_current_mA:
                ends[("abs_current", "<=")] = abs(s.until_current_mA) / 1000
            out.append({"kind": "voltage", "volts": s.voltage_V, "ends": ends})
        elif kind == "impedance_spectroscopy":
            galv = s.amplitude_mA is not None
            out.append({"kind": "eis", "mode": "galvanostatic" if galv else "potentiostatic",
                        "amplitude": s.amplitude_mA / 1000 if galv else s.amplitude_V,
                        "startHz": s.start_frequency_Hz, "endHz": s.end_frequency_Hz,
                        "pointsPerDecade": s.points_per_decade, "ends": {}})
        elif kind == "voltage_scan":
            out.append({"kind": "sweep", "startVolts": s.start_voltage_V, "vertices": [s.end_voltage_V],
                        "scanRate": s.scan_rate_mV_per_s / 1000, "ends": {}})
    return out


def written_loop_counts(p):
    return sorted(s.cycle_count for s in p.method if s.step == "loop")


# ---------------------------------------------------------------- what echemctl explained

def explained_steps(program):
    out = []
    for ins in program["instructions"]:
        if "step" not in ins:
            continue
        s = ins["step"]["_0"]
        (kind, v), = s["control"].items()
        e = {"kind": kind, "id": s["id"],
             "ends": {(c["condition"]["quantity"], c["condition"]["comparison"]): c["condition"]["threshold"]
                      for c in s["ends"]}}
        if kind == "current":
            e["amperes"] = v["amperes"]
        elif kind == "voltage":
            e["volts"] = v["volts"]
        elif kind == "eis":
            spec = v["_0"]
            e.update(mode=spec["mode"], amplitude=spec["amplitude"], startHz=spec["startHz"], endHz=spec["endHz"],
                     pointsPerDecade=spec["pointsPerDecade"])
        elif kind == "sweep":
            sw = v["_0"]
            e.update(startVolts=sw["startVolts"], vertices=sw["vertices"], scanRate=sw["scanRateVoltsPerSecond"],
                     linear=sw.get("returnsToStart") is False)
        out.append(e)
    return out


def explained_loop_counts(program):
    return sorted(ins["loopBegin"]["_0"]["kind"]["counted"]["count"] for ins in program["instructions"]
                  if "loopBegin" in ins)


def exploded_ids(program):
    """Step ids in execution order, loops unrolled (goto-free programs)."""
    ins = program["instructions"]

    def run(lo, hi):
        seq, i = [], lo
        while i < hi:
            x = ins[i]
            if "step" in x:
                seq.append(x["step"]["_0"]["id"])
                i += 1
            elif "loopBegin" in x:
                b = x["loopBegin"]["_0"]
                body = run(i + 1, b["endIndex"])
                seq += body * b["kind"]["counted"]["count"]
                i = b["endIndex"] + 1
            else:
                i += 1
        return seq
    return run(0, len(ins))


def pybamm_amperes(line, cap_A):
    """The package's own PyBaMM export of one step: (kind, signed amperes or volts)."""
    m = re.match(r"(Charge|Discharge) at ([0-9.e-]+)(C| mA)", line)
    if m:
        sign = 1 if m.group(1) == "Charge" else -1
        value = float(m.group(2))
        return "current", sign * (value * cap_A if m.group(3) == "C" else value / 1000)
    m = re.match(r"Hold at ([0-9.e-]+) V", line)
    if m:
        return "voltage", float(m.group(1))
    if line.startswith("Rest"):
        return "rest", None
    return "?", None


SI = {"p": 1e-12, "n": 1e-9, "µ": 1e-6, "m": 1e-3, "": 1.0, "k": 1e3}


def text_currents(text):
    """`#3 [label] CC I = -110.8 µA (discharge)` lines of the human-readable explain."""
    out = {}
    for m in re.finditer(r"#(\d+)(?: \[[^\]]*\])? CC I = ([+-]?[0-9.]+(?:e-?\d+)?) ([pnµmk]?)A", text):
        out[int(m.group(1))] = float(m.group(2)) * SI[m.group(3)]
    return out


# ---------------------------------------------------------------- the checks

def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def check(name, p, path, echemctl):
    r = run([echemctl, "explain", str(path), "--json"])
    if r.returncode != 0:
        fail(f"{name}: explain --json exited {r.returncode}: {r.stderr.strip()}")
        return
    program = json.loads(r.stdout)["program"]

    want, got = written_steps(p), explained_steps(program)
    if len(want) != len(got):
        fail(f"{name}: {len(want)} steps written, {len(got)} explained")
        return
    for i, (w, g) in enumerate(zip(want, got), 1):
        where = f"{name} step {i}"
        if w["kind"] != g["kind"]:
            fail(f"{where}: kind {g['kind']}, written {w['kind']}")
            continue
        for key in ("amperes", "volts", "amplitude", "startHz", "endHz", "startVolts", "scanRate"):
            if key in w and not close(w[key], g.get(key)):
                fail(f"{where}: {key} {g.get(key)}, written {w[key]}")
        for key in ("mode", "pointsPerDecade", "vertices"):
            if key in w and w[key] != g.get(key):
                fail(f"{where}: {key} {g.get(key)}, written {w[key]}")
        if w["kind"] == "sweep" and not g.get("linear"):
            fail(f"{where}: a voltage_scan must be a linear sweep")
        if set(w["ends"]) != set(g["ends"]):
            fail(f"{where}: cut-offs {sorted(g['ends'])}, written {sorted(w['ends'])}")
        for k, v in w["ends"].items():
            if k in g["ends"] and not close(v, g["ends"][k]):
                fail(f"{where}: cut-off {k} = {g['ends'][k]}, written {v}")

    if written_loop_counts(p) != explained_loop_counts(program):
        fail(f"{name}: loop counts {explained_loop_counts(program)}, written {written_loop_counts(p)}")

    # the package's own loop semantics, through its PyBaMM export (CC/CV/rest protocols only)
    try:
        lines = p.to_pybamm_experiment()
    except NotImplementedError:
        lines = None
    if lines is not None:
        by_id = {s["id"]: s for s in got}
        ids = exploded_ids(program)
        cap_A = p.sample.capacity_mAh / 1000
        if len(ids) != len(lines):
            fail(f"{name}: {len(ids)} steps when unrolled, the package's export has {len(lines)}")
        for n, (sid, line) in enumerate(zip(ids, lines), 1):
            kind, value = pybamm_amperes(line, cap_A)
            s = by_id[sid]
            if kind != s["kind"]:
                fail(f"{name} unrolled step {n}: {s['kind']}, package says '{line}'")
            elif kind == "current" and not close(value, s["amperes"]):
                fail(f"{name} unrolled step {n}: {s['amperes']} A, package says '{line}'")
            elif kind == "voltage" and not close(value, s["volts"]):
                fail(f"{name} unrolled step {n}: {s['volts']} V, package says '{line}'")

    # the human-readable explain shows the same currents (4 significant digits)
    t = run([echemctl, "explain", str(path)])
    if t.returncode != 0:
        fail(f"{name}: explain exited {t.returncode}")
        return
    shown = text_currents(t.stdout)
    for s in got:
        if s["kind"] == "current":
            if s["id"] not in shown:
                fail(f"{name}: explain text has no current for step #{s['id']}")
            elif not close(shown[s["id"]], s["amperes"], rel=6e-4):
                fail(f"{name}: explain text shows {shown[s['id']]} A for step #{s['id']}, JSON {s['amperes']}")
    if "estimated duration:" not in t.stdout:
        fail(f"{name}: explain text has no estimated duration")


def main():
    echemctl, work = sys.argv[1], Path(sys.argv[2])
    good = work / "valid"
    good.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, p in protocols().items():
        path = good / f"{name}.json"
        p.to_json(path)
        written[name] = (p, path)

    r = run([echemctl, "validate", str(good)])
    oks = [l for l in r.stdout.splitlines() if l.startswith("ok ")]
    if r.returncode != 0 or len(oks) != len(written):
        fail(f"validate {good}: exit {r.returncode}, {len(oks)} ok of {len(written)}: {r.stderr.strip()}")

    for name, (p, path) in written.items():
        check(name, p, path, echemctl)

    # crossing loops: the package's exporters refuse them, echemctl must too (with a located error)
    bad = work / "crossing.json"
    crossing().to_json(bad)
    try:
        crossing().to_pybamm_experiment()
        fail("the package accepted crossing loops; the oracle assumption is stale")
    except ValueError:
        pass
    r = run([echemctl, "validate", str(bad)])
    if r.returncode != 1 or not re.search(r"crossing\.json:\d+:\d+: error: .*structured loop", r.stderr):
        fail(f"crossing loops: validate exited {r.returncode}: {r.stderr.strip()}")

    print(f"unicycler oracle: {len(written) + 1} protocols, {len(FAILURES)} mismatches")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
