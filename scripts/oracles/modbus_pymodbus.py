#!/usr/bin/env python3
"""Cross-checks echem-sim's Modbus simulator with pymodbus and the profile's own numbers.

Usage: modbus_pymodbus.py ECHEM_SIM PROFILE.toml

Starts `ECHEM_SIM modbus --profile PROFILE --tcp 127.0.0.1:0 --speed max ...`, parses the port
from its ready line, and with pymodbus's ModbusTcpClient:
  - reads the nominal (float32, ABCD) and identity (ASCII) registers;
  - computes every scaling in Python from the TOML ("P % of nominal_x" over raw_full_scale);
  - writes remote on, set voltage and current (FC06 raw counts), output on (FC05 coils);
  - checks the set registers read back, the status bits, and that actual_current equals the
    set-point within one raw count while actual_voltage rises;
  - checks a set-point above raw_max is refused with exception 3, and output off reads 0 A.
pymodbus and tomllib are independent of the Swift code: agreement means both read the profile
the same way. Exits non-zero at the first disagreement, naming it.
"""
import re
import select
import signal
import struct
import subprocess
import sys
import tomllib

from pymodbus.client import ModbusTcpClient
from oracle_checks import Checks

NOMINAL = {"nominal_voltage": 60.0, "nominal_current": 40.0, "nominal_power": 2400.0}


_checks = Checks("modbus oracle")
fail = _checks.fail
check = _checks.check


def load_profile(path):
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    regs = {r["name"]: r for r in doc["registers"]}
    return doc, regs


def scale_of(reg):
    """SI per raw count, from the profile text alone."""
    if "scale" in reg:
        return float(reg["scale"])
    if "raw_full_scale" not in reg:
        return 1.0
    m = re.fullmatch(r"\s*([0-9.]+)\s*%\s*of\s*(\w+)\s*", reg["value_full_scale"])
    if not m:
        fail(f"{reg['name']}: cannot read value_full_scale {reg['value_full_scale']!r}")
    return float(m.group(1)) / 100 * NOMINAL[m.group(2)] / reg["raw_full_scale"]


def ready_port(proc):
    ready, _, _ = select.select([proc.stdout], [], [], 15)
    if not ready:
        fail("no ready line within 15 s")
    line = proc.stdout.readline().strip()
    m = re.fullmatch(r"ready tcp 127\.0\.0\.1:(\d+) unit 1", line)
    if not m:
        fail(f"unexpected ready line {line!r}")
    return int(m.group(1))


def regs_of(client, address, count):
    rr = client.read_holding_registers(address, count=count)
    if rr.isError():
        fail(f"read {address}x{count}: {rr}")
    return rr.registers


def main():
    sim, profile_path = sys.argv[1], sys.argv[2]
    doc, regs = load_profile(profile_path)
    proc = subprocess.Popen(
        [sim, "modbus", "--profile", profile_path, "--tcp", "127.0.0.1:0", "--speed", "max",
         "--sample-period", "10s", "--cell-chemistry", "ideal_linear", "--capacity", "10Ah",
         "--nominal-voltage", "60V", "--nominal-current", "40A", "--nominal-power", "2400W"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        run(proc, doc, regs)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("the simulator did not stop on SIGTERM")
    check(status == 0, f"the simulator exited with {status} on SIGTERM: {proc.stderr.read()}")
    print(f"PASS modbus oracle: pymodbus agrees with {profile_path} on {_checks.count} checks")


def run(proc, doc, regs):
    client = ModbusTcpClient("127.0.0.1", port=ready_port(proc))
    check(client.connect(), "connect")

    # Nominal values: float32, high word first (word_order = "big").
    for name, expected in NOMINAL.items():
        r = regs[name]
        check(r["type"] == "f32" and r.get("word_order", "big") == "big", f"{name} is a big-endian f32 in the profile")
        words = regs_of(client, r["address"], 2)
        value = struct.unpack(">f", struct.pack(">HH", *words))[0]
        check(abs(value - expected) <= 1e-6 * expected, f"{name} = {value}, expected {expected}")

    manufacturer = regs["manufacturer"]
    text = bytes(b for w in regs_of(client, manufacturer["address"], manufacturer["length"]) for b in (w >> 8, w & 0xFF))
    check(text.rstrip(b"\0").decode() == doc["device"]["manufacturer"], f"manufacturer reads {text!r}")

    sv, sc, ssc = regs["set_voltage"], regs["set_current"], regs["set_sink_current"]
    av, ac, ap = regs["actual_voltage"], regs["actual_current"], regs["actual_power"]
    kv, ki, kp = scale_of(av), scale_of(ac), scale_of(ap)
    check(abs(0xCCCC * kv - 60) < 1e-9 and abs(0xCCCC * ki - 40) < 1e-9, "0xCCCC is 100 % of nominal")

    # At rest the ideal_linear cell sits at 3.5 V (50 % on a 3.0-4.0 V line).
    v0 = regs_of(client, av["address"], 1)[0] * kv
    check(abs(v0 - 3.5) <= kv, f"open-circuit voltage {v0} V")
    check(regs_of(client, ac["address"], 1)[0] == 0, "no current with the output off")

    # Program a 5 A charge to 4.1 V, in raw counts computed here.
    volts_raw = round(4.1 / scale_of(sv))
    amps_raw = round(5.0 / scale_of(sc))
    check(not client.write_coil(regs["remote"]["address"], True).isError(), "remote on (FC05)")
    check(not client.write_register(sv["address"], volts_raw).isError(), "set_voltage (FC06)")
    check(not client.write_register(sc["address"], amps_raw).isError(), "set_current (FC06)")
    check(not client.write_register(ssc["address"], 0).isError(), "set_sink_current (FC06)")
    check(not client.write_coil(regs["output"]["address"], True).isError(), "output on (FC05)")
    check(regs_of(client, sv["address"], 1) == [volts_raw], "set_voltage reads back")
    check(regs_of(client, sc["address"], 1) == [amps_raw], f"set_current 0x{amps_raw:04X} reads back")

    status = regs["status"]
    words = regs_of(client, status["address"], 2)
    state = words[0] << 16 | words[1]
    for bit in ("output", "remote"):
        check(state >> status["bits"][bit] & 1 == 1, f"status bit {bit} set (0x{state:08X})")

    previous = v0
    for k in range(10):
        v_raw, i_raw, p_raw = regs_of(client, av["address"], 3)   # 507-509: one lockstep sample
        check(abs(i_raw - amps_raw) <= 1, f"actual_current {i_raw} counts against set_current {amps_raw}")
        volts, amps = v_raw * kv, i_raw * ki
        check(volts > previous, f"sample {k}: voltage rises under charge ({volts} V after {previous} V)")
        check(abs(p_raw * kp - volts * amps) <= kp + volts * ki + amps * kv, f"actual_power {p_raw * kp} W = V x I")
        previous = volts

    # Above raw_max (0xD0E5 = 102 %) the device refuses: Modbus exception 3, illegal data value.
    rr = client.write_register(sv["address"], sv["raw_max"] + 1)
    check(rr.isError() and getattr(rr, "exception_code", None) == 3, f"set_voltage {sv['raw_max'] + 1} refused: {rr}")
    check(regs_of(client, sv["address"], 1) == [volts_raw], "a refused write leaves the set-point alone")

    check(not client.write_coil(regs["output"]["address"], False).isError(), "output off (FC05)")
    check(regs_of(client, ac["address"], 1) == [0], "0 A once the output is off")
    client.close()


if __name__ == "__main__":
    main()
