#!/usr/bin/env python3
"""Drives echem-sim's simulated Neware BTS Client with aurora-neware, unmodified.

Usage: neware_aurora.py ECHEM_SIM

aurora-neware (PyPI, test oracle only, never vendored) is a BTS API client that has run against
real BTS 8.0 hardware. Agreement here means the simulator's framing, command names, attribute
names and quirks are what that client expects. Starts
`ECHEM_SIM neware --port 0 --speed max --devices 2 --subdevices 2 ...`, reads the port from its
ready line, writes a small step file of its own (rest, CC discharge to 3.0 V, CC charge to
4.0 V, two cycles), and with aurora_neware.NewareAPI: connect + getdevinfo, getchlstatus (whose
reply names the wrong sub-device, as a real BTS 8 does), start, inquire until finished,
inquiredf, download (paged by aurora), the test id, the step layer, a batch start, light,
clearflag and stop. The detail rows are checked in Python: seqids 1..N, signs, and each step's
capacity against its own coulomb count from the rows. Exits non-zero at the first disagreement.
"""
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version

from aurora_neware import NewareAPI
from oracle_checks import Checks


STEP_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<root>
  <config type="Step File" version="17" date="20260101000000" Guid="oracle">
    <Head_Info><Start_Step Value="1" Hide_Ctrl_Step="0"/><Remark Value="aurora oracle"/></Head_Info>
    <Whole_Prt>
      <Protect><Main><Volt><Upper Value="45000"/><Lower Value="25000"/></Volt></Main></Protect>
      <Record><Main><Time Value="10000"/></Main></Record>
    </Whole_Prt>
    <Step_Info Num="5">
      <Step1 Step_ID="1" Step_Type="4"><Limit><Main><Time Value="60000"/></Main></Limit></Step1>
      <Step2 Step_ID="2" Step_Type="2"><Limit><Main><Curr Value="1"/><Stop_Volt Value="30000"/></Main></Limit></Step2>
      <Step3 Step_ID="3" Step_Type="1"><Limit><Main><Curr Value="1"/><Stop_Volt Value="40000"/></Main></Limit></Step3>
      <Step4 Step_ID="4" Step_Type="5"><Limit><Other><Start_Step Value="2"/><Cycle_Count Value="2"/></Other></Limit></Step4>
      <Step5 Step_ID="5" Step_Type="6"/>
    </Step_Info>
  </config>
</root>
"""


_checks = Checks("neware-aurora")
fail = _checks.fail
check = _checks.check


def ready_port(proc):
    ready, _, _ = select.select([proc.stdout], [], [], 15)
    if not ready:
        fail("no ready line within 15 s")
    line = proc.stdout.readline().strip()
    m = re.fullmatch(r"ready tcp 127\.0\.0\.1:(\d+)", line)
    if not m:
        fail(f"unexpected ready line {line!r}")
    return int(m.group(1))


def main():
    sim = sys.argv[1]
    proc = subprocess.Popen(
        [sim, "neware", "--port", "0", "--speed", "max", "--devices", "2", "--subdevices", "2",
         "--chemistry", "ideal_linear", "--capacity", "1mAh", "--units", "A"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "oracle-steps.xml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(STEP_FILE)
            run(ready_port(proc), path)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("the simulator did not stop on SIGTERM")
    check(status == 0, f"the simulator exited with {status} on SIGTERM: {proc.stderr.read()}")
    print(f"PASS neware-aurora: aurora-neware {version('aurora-neware')} drove echem-sim neware "
          f"(getdevinfo, start, status, inquire, download) on {_checks.count} checks")


def run(port, step_file):
    with NewareAPI(ip="127.0.0.1", port=port) as nw:   # connect + getdevinfo
        cmap = nw.channel_map
        check(len(cmap) == 32, f"getdevinfo: 2 devices x 2 sub-devices x 8 channels, got {len(cmap)}")
        check("2-2-8" in cmap and cmap["2-2-8"]["devtype"] == 27, "getdevinfo: pipeline 2-2-8, devtype 27")

        pipe = "1-2-3"
        status = nw.getchlstatus(pipe)[pipe]
        check(status["status"] == "finish", f"an unused channel reports 'finish': {status}")
        check(status["subdevid"] == 2, "aurora's merge keeps the asked sub-device over the reply's stray subdevid")

        started = nw.start(pipe, "oracle-sample", step_file)
        check([r["start"] for r in started] == ["ok"], f"start: {started}")

        deadline = time.monotonic() + 60
        state = nw.inquire(pipe)[pipe]
        while state["workstatus"] != "finish" and time.monotonic() < deadline:
            check(state["workstatus"] in ("working", "finish"), f"inquire workstatus {state['workstatus']}")
            time.sleep(0.05)
            state = nw.inquire(pipe)[pipe]
        check(state["workstatus"] == "finish", f"the test finishes with --speed max: {state}")
        check(state["barcode"] == "oracle-sample", f"inquire barcode {state.get('barcode')!r}")
        check(state["step_type"] is None, "a finished channel's step_type is '--' (aurora maps it to None)")

        df = nw.inquiredf(pipe)[pipe]
        n = df["count"]
        check(n > 100 and df["chl"] == "true", f"inquiredf: count {n}, upload complete {df['chl']}")

        data = nw.download(pipe, 0)   # aurora pages it 1000 rows at a time
        seqids = data["seqid"]
        check(seqids == list(range(1, n + 1)), f"download: seqid 1..{n} without gaps or repeats")
        check(all(b > a for a, b in zip(data["testtime"], data["testtime"][1:])), "testtime (ms) increases")
        check(min(data["cycleid"]) == 0, "download cycle ids start at 0")
        rows = list(zip(data["stepid"], data["steptype"], data["testtime"], data["curr"], data["cap"]))
        check({t for _, t, _, _, _ in rows} == {"rest", "dc", "cc"}, "step types rest, dc, cc")
        check(all(abs(c + 0.001) < 1e-12 for _, t, _, c, _ in rows if t == "dc"), "discharge current is -1 mA, in A")
        check(all(abs(c - 0.001) < 1e-12 for _, t, _, c, _ in rows if t == "cc"), "charge current is +1 mA, in A")

        # Each step's capacity against its own coulomb count from the rows (|I| x dt, ms -> h).
        steps = nw.get_steps(pipe)
        check(len(steps) == 5 and [s["cycleid"] for s in steps] == [1, 1, 1, 2, 2],
              f"step layer: rest + 2 x (discharge, charge), cycle ids from 1: {[s['cycleid'] for s in steps]}")
        previous_end = 0
        for s in steps:
            part = rows[s["startseqid"] - 1:s["endseqid"]]
            t, q = previous_end, 0.0
            for _, _, ms, curr, _ in part:
                q += abs(curr) * (ms - t) / 3.6e6
                t = ms
            previous_end = t
            cap = part[-1][4]
            check(abs(q - cap) <= 1e-12 + 1e-9 * cap, f"step {s['stepindex']}: coulomb count {q} Ah vs cap {cap} Ah")
            check(abs(s["cap"] - cap) <= 1e-15, f"step layer cap of step {s['stepindex']}")

        test_id = nw.get_testid([pipe])[pipe]["test_id"]
        check(test_id == df["testid"], f"download count=0 finds test id {test_id}, inquiredf says {df['testid']}")

        batch = nw.start(["1-1-1", "2-1-1"], ["a", "b"], [step_file, step_file])
        check([r["start"] for r in batch] == ["ok", "ok"], f"batch start: {batch}")
        ids = nw.inquiredf(["1-1-1", "2-1-1"])
        check(ids["1-1-1"]["testid"] == ids["2-1-1"]["testid"] == test_id + 1, "one test id for the whole batch")

        check([r["light"] for r in nw.light("1-1-2")] == ["ok"], "light")
        check([r["clearflag"] for r in nw.clearflag("1-1-2")] == ["false"], "clearflag with no flag set answers false")
        check([r["stop"] for r in nw.stop(pipe)] == ["false"], "stop on a finished channel answers false")


if __name__ == "__main__":
    main()
