#!/usr/bin/env python3
"""Oracle: every line echemd's socket sends, and every request we send, against docs/schemas/.

Usage (from the repository root; scripts/oracles/socket-schemas.sh is the wrapper):
    python3 scripts/oracles/socket_schemas.py [--echemd PATH] [--timeout S] [--keep] [-v]

It starts `echemd --state-dir TMP --socket TMP/echemd.sock --sim-speed max` (the simulated bench,
no configuration), connects plain standard-library clients and exercises the whole API:

  W  subscribes {"all": true} before anything runs and reads as fast as it can;
  D  subscribes {"all": true} four times and reads 16 KiB every 50 ms: a slow client, which the
     daemon must drop with a `dropped` notice once 4 MiB wait for it (it still reads fast enough to
     drain its socket within the daemon's 2 s close timeout, so the notice can be written);
  A  sends every request op (ping, status, channels, queue, submit of seed 000 row 0-3, a broken
     submit, pause at_step_end, resume, goto to an unknown label, export, stop, cancel of an
     unknown target, an unknown op, a subscribe without a filter);
  B  subscribes to the 0-3 run with from_seq 0 after it has started (backfill, then live);
  a forked child running as uid 65534 (when we are root) checks watch-only permissions.

Seed 002 row 2-7 (EIS) and seed 000 row 0-2 (CV) are dropped into TMP/queue/incoming/ (both run
on the potentiostat pstat-1). Near the end a second 0-3 job is started on cyc-2, so that SIGTERM
interrupts it (run_stop exit_status `interrupted`). The daemon must then exit 0.

Every received line must parse and validate against its schema (by `type`; replies against
reply.schema.json); requests must validate against request.schema.json (and the deliberately
invalid ones must not). On top: one reply per request, in order, with the id echoed; samples of
every run seen from its start are contiguous from seq 0 and complete at run_stop; the from_seq
subscription has no gap and no duplicate at the backfill/live seam; step_end, cycle_summary and
eis_spectrum arrive after the samples they cover; run_start precedes a run's other documents.

Prints NOTE lines for known daemon inconsistencies it tolerates, then one PASS line with the
counts per document type; on failure, FAIL lines naming each invalid message and the error.
"""
import argparse
import collections
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match
except ImportError:  # the .sh wrapper installs it
    print("FAIL socket-schemas: the python package jsonschema is missing (pip install jsonschema)")
    sys.exit(1)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMAS = os.path.join(REPO, "docs", "schemas")
DOC_TYPES = ["run_start", "step_start", "step_end", "samples", "eis_spectrum", "cycle_summary", "run_event",
             "run_stop", "channel_state", "job_state", "device", "backfill_done", "dropped"]
# What a healthy run of this script must see (device is defined but not emitted by this version).
MUST_SEE = ["run_start", "step_start", "step_end", "samples", "eis_spectrum", "cycle_summary", "run_event",
            "run_stop", "channel_state", "job_state", "backfill_done", "dropped"]
LONG_CYCLING = "protocols/seed-000/0-3-zns-long-cycling.yaml"
DROPPED_FILES = ["protocols/seed-002/2-7-symmetric-rest-eis-4h-48h.yaml",  # EIS on pstat-1
                 "protocols/seed-000/0-2-zns-cv.yaml"]                     # CV on pstat-1
BROKEN = "echemd: 1\nname: broken on purpose\nsteps:\n  - rest: banana\n"
COL = {name: i for i, name in enumerate(["seq", "test_time", "unix_time", "step_time", "voltage", "current",
                                         "temperature", "step_id", "step_count", "cycle"])}

VERBOSE = False


class Failure(Exception):
    pass


def log(msg):
    if VERBOSE:
        print(f"  [{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def short(raw, n=300):
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text if len(text) <= n else text[:n] + f"… ({len(text)} chars)"


class Client:
    """One connection. A thread appends every received line; the main thread parses and waits."""

    def __init__(self, name, path, slow=False):
        self.name = name
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.raw = []            # received lines (bytes, without the newline)
        self.docs = []           # parsed, same index as raw (None when it did not parse)
        self.lock = threading.Lock()
        self.eof = False
        self.unterminated = None  # bytes after the last newline at EOF
        self.slow = slow
        self.fast = threading.Event()
        self.sent = []           # (request line as sent, expect it to be valid against request.schema.json)
        self.replies_seen = 0
        self.thread = threading.Thread(target=self._read, name=f"reader-{name}", daemon=True)
        self.thread.start()

    def _read(self):
        buf = b""
        while True:
            size = 16384 if self.slow and not self.fast.is_set() else 1 << 16
            try:
                data = self.sock.recv(size)
            except OSError:
                data = b""
            if not data:
                break
            buf += data
            if b"\n" in data:
                *lines, buf = buf.split(b"\n")
                with self.lock:
                    self.raw.extend(lines)
            if self.slow and not self.fast.is_set():
                time.sleep(0.05)
        with self.lock:
            self.unterminated = buf or None
            self.eof = True

    def parse_new(self):
        with self.lock:
            new = self.raw[len(self.docs):]
        for line in new:
            try:
                doc = json.loads(line)
            except ValueError:
                doc = None
            self.docs.append(doc)

    def send(self, obj, expect_valid=True, raw=None):
        line = raw if raw is not None else json.dumps(obj, separators=(",", ":"))
        self.sent.append((line, expect_valid))
        self.sock.sendall(line.encode() + b"\n")

    def replies(self):
        self.parse_new()
        return [d for d in self.docs if isinstance(d, dict) and d.get("type") == "reply"]

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class Oracle:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="echemd-socket-oracle.")
        self.sock_path = os.path.join(self.tmp, "echemd.sock")
        self.clients = []
        self.notes = []
        self.failures = []
        self.daemon = None
        self.daemon_log = os.path.join(self.tmp, "echemd.log")
        self.validators = {}
        for name in DOC_TYPES + ["reply", "request"]:
            with open(os.path.join(SCHEMAS, f"{name}.schema.json")) as f:
                schema = json.load(f)
            Draft202012Validator.check_schema(schema)
            self.validators[name] = Draft202012Validator(schema, format_checker=FormatChecker())
        self.expected_id_issues = []   # requests whose reply may lack the id (known daemon issue)

    # ------------------------------------------------------------------ plumbing

    def check(self, ok, what):
        if not ok:
            raise Failure(what)
        log(f"ok: {what}")

    def wait(self, pred, timeout, what):
        end = time.time() + timeout
        while True:
            for c in self.clients:
                c.parse_new()
            if pred():
                return
            if self.daemon.poll() is not None:
                raise Failure(f"echemd exited (status {self.daemon.returncode}) while waiting for {what}")
            if time.time() > end:
                raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.05)

    def client(self, name, slow=False):
        c = Client(name, self.sock_path, slow=slow)
        self.clients.append(c)
        return c

    def request(self, c, obj, expect_ok=None, expect_valid=True, timeout=30, raw=None):
        """Sends one request and returns its reply: the next reply on the connection (replies come
        in request order per connection)."""
        index = len(c.sent)
        c.send(obj, expect_valid=expect_valid, raw=raw)
        self.wait(lambda: len(c.replies()) > index, timeout, f"{c.name}'s reply to {short(json.dumps(obj), 120)}")
        reply = c.replies()[index]
        if "id" in obj and reply.get("id") != obj["id"]:
            if index in self.expected_id_issues_for(c):
                pass
            else:
                raise Failure(f"{c.name}: reply to {short(json.dumps(obj), 120)} echoes id {reply.get('id')!r}, "
                              f"expected {obj['id']!r}: {short(json.dumps(reply))}")
        if expect_ok is not None and reply.get("ok") is not expect_ok:
            raise Failure(f"{c.name}: {obj.get('op')} expected ok={expect_ok}, got {short(json.dumps(reply), 600)}")
        log(f"{c.name} {short(json.dumps(obj), 90)} -> {short(json.dumps(reply), 200)}")
        return reply

    def expected_id_issues_for(self, c):
        return {i for (cl, i) in self.expected_id_issues if cl is c}

    def docs_of(self, c, type_=None, run=None):
        c.parse_new()
        out = []
        for d in c.docs:
            if not isinstance(d, dict) or d.get("type") == "reply":
                continue
            if type_ is not None and d.get("type") != type_:
                continue
            if run is not None and d.get("run") != run:
                continue
            out.append(d)
        return out

    # ------------------------------------------------------------------ daemon

    def start_daemon(self):
        exe = os.path.abspath(self.args.echemd)
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            raise Failure(f"no echemd binary at {exe} (build it, or pass --echemd / set ECHEMD)")
        env = dict(os.environ)
        for k in ("ECHEMD_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET",
                  "WATCHDOG_USEC", "WATCHDOG_PID", "RUNTIME_DIRECTORY", "STATE_DIRECTORY"):
            env.pop(k, None)
        cmd = [exe, "--state-dir", self.tmp, "--socket", self.sock_path, "--sim-speed", "max"]
        log("starting " + " ".join(cmd))
        with open(self.daemon_log, "wb") as out:
            self.daemon = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.tmp)
        end = time.time() + 60
        while True:
            if self.daemon.poll() is not None:
                raise Failure(f"echemd exited with status {self.daemon.returncode} before its socket appeared")
            if os.path.exists(self.sock_path):
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    probe.connect(self.sock_path)
                    probe.close()
                    break
                except OSError:
                    probe.close()
            if time.time() > end:
                raise Failure("echemd's socket did not accept connections within 60 s")
            time.sleep(0.05)
        # `ready` is logged after recovery and the queue folder watcher start: wait for it too.
        end = time.time() + 60
        while b"ready:" not in open(self.daemon_log, "rb").read():
            if time.time() > end or self.daemon.poll() is not None:
                raise Failure("echemd did not log `ready:`")
            time.sleep(0.05)

    def stop_daemon(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            try:
                self.daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
                raise Failure("echemd did not exit within 60 s of SIGTERM (killed)")
        return self.daemon.returncode

    # ------------------------------------------------------------------ watch-only peer

    def probe_as_nobody(self):
        """Fork (no exec: the interpreter may live in a folder uid 65534 cannot read), drop to
        uid/gid 65534, and send status + submit + ping. Returns the raw reply lines."""
        if os.geteuid() != 0:
            self.notes.append("watch-only permission check skipped (not running as root)")
            return None
        os.chmod(self.tmp, 0o711)
        os.chmod(self.sock_path, 0o666)
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: no threads exist yet in this process
            code = 1
            try:
                os.close(rfd)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(20)
                s.connect(self.sock_path)
                reqs = [{"v": 1, "id": "n1", "op": "status"},
                        {"v": 1, "id": "n2", "op": "submit", "protocol": BROKEN},
                        {"v": 1, "id": "n3", "op": "ping"}]
                s.sendall(b"".join(json.dumps(r).encode() + b"\n" for r in reqs))
                buf = b""
                while buf.count(b"\n") < len(reqs):
                    data = s.recv(65536)
                    if not data:
                        break
                    buf += data
                os.write(wfd, json.dumps({"requests": reqs, "lines": buf.decode("utf-8", "replace").splitlines()}).encode())
                code = 0
            except BaseException as e:  # report, never fall through into the parent's code
                try:
                    os.write(wfd, json.dumps({"error": repr(e)}).encode())
                except OSError:
                    pass
            finally:
                os._exit(code)
        os.close(wfd)
        chunks = []
        while True:
            data = os.read(rfd, 1 << 16)
            if not data:
                break
            chunks.append(data)
        os.close(rfd)
        os.waitpid(pid, 0)
        os.chmod(self.sock_path, 0o660)
        os.chmod(self.tmp, 0o700)
        result = json.loads(b"".join(chunks) or b"{}")
        if "error" in result or "lines" not in result:
            raise Failure(f"uid 65534 probe failed: {result.get('error', 'no output')}")
        return result

    # ------------------------------------------------------------------ scenario

    def scenario(self):
        self.start_daemon()
        nobody = self.probe_as_nobody()  # before any reader thread exists (fork)

        W = self.client("W")
        D = self.client("D", slow=True)
        A = self.client("A")
        self.request(W, {"v": 1, "id": "w1", "op": "subscribe", "all": True}, expect_ok=True)
        for k in range(4):
            self.request(D, {"v": 1, "id": f"d{k}", "op": "subscribe", "all": True}, expect_ok=True)
        time.sleep(0.2)  # the subscription is registered just after its reply is queued

        # Watch requests.
        self.request(A, {"v": 1, "id": 1, "op": "ping"}, expect_ok=True)
        status = self.request(A, {"v": 1, "id": "status-1", "op": "status"}, expect_ok=True)
        self.check(status["peer"]["may_control"] is True, "status: this (root) client may control")
        chans = self.request(A, {"v": 1, "id": 2, "op": "channels"}, expect_ok=True)
        self.check([c["id"] for c in chans["channels"]] == [f"cyc-{n}" for n in range(1, 9)] + ["pstat-1"],
                   "channels: the simulated bench cyc-1..cyc-8, pstat-1")
        self.request(A, {"v": 1, "id": 3, "op": "queue"}, expect_ok=True)
        self.request(A, {"v": 1, "id": 4, "op": "queue", "all": True}, expect_ok=True)

        # Submit the long cycling protocol; it starts on cyc-1 at once.
        text = open(os.path.join(REPO, LONG_CYCLING)).read()
        sub = self.request(A, {"v": 1, "id": 5, "op": "submit", "protocol": text,
                               "filename": os.path.basename(LONG_CYCLING)}, expect_ok=True)
        job = sub["job"]["id"]
        if sub["job"]["run"] is None:
            self.wait(lambda: any(d["job"] == job and "run" in d for d in self.docs_of(W, "job_state")), 30,
                      "the submitted job to start")
            run = next(d["run"] for d in self.docs_of(W, "job_state") if d["job"] == job and "run" in d)
        else:
            run = sub["job"]["run"]
        channel = sub["job"]["channel"]
        log(f"job {job} run {run} on {channel}")

        bad = self.request(A, {"v": 1, "id": 6, "op": "submit", "protocol": BROKEN, "filename": "broken.yaml"},
                           expect_ok=False)
        self.check(bad["error"]["code"] == "invalid_protocol" and bad["error"].get("diagnostics"),
                   "broken submit: invalid_protocol with diagnostics")

        # From_seq subscription after the run has committed samples: backfill, then live.
        self.wait(lambda: len(self.docs_of(W, "samples", run)) >= 1, 30, "the first samples of the run")
        B = self.client("B")
        subB = self.request(B, {"v": 1, "id": "b1", "op": "subscribe", "run": run[:8], "from_seq": 0}, expect_ok=True)
        self.check(subB["run"] == run and subB["backfill_from"] == 0, "subscribe run+from_seq: reply names the run")

        # Pause at the end of the step in progress, then resume.
        self.request(A, {"v": 1, "id": 7, "op": "pause", "target": job[:8], "mode": "at_step_end"}, expect_ok=True)
        self.wait(lambda: any(d["job"] == job and d["state"] == "paused" for d in self.docs_of(W, "job_state")), 60,
                  "job_state paused")
        self.wait(lambda: any(d.get("job") == job and d["state"] == "paused" for d in self.docs_of(W, "channel_state")),
                  30, "channel_state paused")
        self.request(A, {"v": 1, "id": 8, "op": "resume", "target": channel}, expect_ok=True)
        self.wait(lambda: any(d["job"] == job and d["state"] == "running" and d["reason"] == "resumed"
                              for d in self.docs_of(W, "job_state")), 30, "job_state running (resumed)")

        g = self.request(A, {"v": 1, "id": 9, "op": "goto", "target": channel, "label": "no_such_label"},
                         expect_ok=False)
        self.check(g["error"]["code"] in ("conflict", "not_found", "bad_request"), "goto to an unknown label fails")
        if g["error"]["code"] == "conflict":
            self.notes.append("goto to an unknown label answers error code `conflict` (not `not_found`/`bad_request`)")

        exp = self.request(A, {"v": 1, "id": 10, "op": "export", "run": run[:8], "format": "bdf"}, expect_ok=True)
        self.check(os.path.isfile(exp["path"]) and os.path.isfile(exp["metadata_path"]), "export wrote its files")

        time.sleep(1.0)  # let the run produce data (and overflow the slow client)
        self.request(A, {"v": 1, "id": 11, "op": "stop", "target": job, "reason": "oracle stop"}, expect_ok=True)
        self.wait(lambda: any(d["run"] == run for d in self.docs_of(W, "run_stop")), 60, "run_stop on W")
        self.wait(lambda: any(d["run"] == run for d in self.docs_of(B, "run_stop")), 60, "run_stop on B")
        stop_doc = next(d for d in self.docs_of(W, "run_stop") if d["run"] == run)
        self.check(stop_doc["exit_status"] == "stopped" and stop_doc["reason"] == "oracle stop",
                   "run_stop: exit_status stopped with the given reason")
        self.request(B, {"v": 1, "id": "b2", "op": "unsubscribe", "subscription": subB["subscription"]}, expect_ok=True)

        nf = self.request(A, {"v": 1, "id": 12, "op": "cancel", "target": "deadbeef"}, expect_ok=False)
        self.check(nf["error"]["code"] == "not_found", "cancel of an unknown target: not_found")

        # Error replies for lines that are not usable requests. Known: they do not echo the id.
        for obj, raw in [({"v": 1, "id": 13, "op": "frobnicate"}, None),
                         ({"v": 1, "id": 14, "op": "status", "junk": True}, '{"v":1,"id":14,"op":"status"'),
                         ({"v": 2, "id": 15, "op": "ping"}, None)]:
            self.expected_id_issues.append((A, len(A.sent)))
            r = self.request(A, obj, expect_ok=False, expect_valid=False, raw=raw)
            self.check(r["error"]["code"] == "bad_request", f"{short(raw or json.dumps(obj), 60)}: bad_request")
            if r.get("id") != obj["id"]:
                self.notes.append(f"error reply to {raw or json.dumps(obj, separators=(',', ':'))} does not echo "
                                  f"its id (op {json.dumps(r.get('op'))}): {r['error']['message'][:70]}")
        nofilter = self.request(A, {"v": 1, "id": 16, "op": "subscribe"}, expect_ok=False, expect_valid=False)
        self.check(nofilter["error"]["code"] == "bad_request", "subscribe without a filter: bad_request")
        self.request(A, {"v": 1, "id": 17, "op": "subscribe", "channel": "pstat-1"}, expect_ok=True)

        # Queue-folder jobs for the potentiostat: EIS, then CV.
        stage = os.path.join(self.tmp, "stage")
        os.makedirs(stage, exist_ok=True)
        for rel in DROPPED_FILES:
            dst = os.path.join(stage, os.path.basename(rel))
            shutil.copyfile(os.path.join(REPO, rel), dst)
            os.rename(dst, os.path.join(self.tmp, "queue", "incoming", os.path.basename(rel)))
        names = [os.path.basename(r) for r in DROPPED_FILES]

        def spool_done():
            finals = {d["name"]: d["state"] for d in self.docs_of(W, "job_state") if d["state"] in ("done", "failed", "cancelled")}
            return all(n in finals for n in names)

        def all_seen():
            seen = {d.get("type") for c in (W, B, D) for d in c.docs if isinstance(d, dict)}
            return all(t in seen for t in MUST_SEE)

        self.wait(spool_done, self.args.timeout, "the queue-folder jobs (EIS, CV) to finish")
        finals = {d["name"]: d for d in self.docs_of(W, "job_state") if d["name"] in names and d["state"] in ("done", "failed", "cancelled")}
        for n in names:
            self.check(finals[n]["state"] == "done", f"queue-folder job {n} done ({finals[n]['reason']})")
        try:
            self.wait(all_seen, 20, "every document type")
        except Failure:
            pass  # reported below as missing types

        # A run to interrupt: SIGTERM must end it with exit_status interrupted.
        sub2 = self.request(A, {"v": 1, "id": 18, "op": "submit", "protocol": text, "filename": "interrupt-me.yaml",
                                "target": {"channel": "cyc-2", "priority": 1, "recovery": "resume"}}, expect_ok=True)
        run2 = sub2["job"]["run"]
        self.check(run2 is not None and sub2["job"]["channel"] == "cyc-2", "second job started on cyc-2")
        self.wait(lambda: len(self.docs_of(W, "samples", run2)) >= 1, 30, "samples of the second run")

        # Slow client: read the rest quickly; it must have been dropped with a notice.
        D.fast.set()
        self.wait(lambda: D.eof, 30, "the slow client D to be disconnected (dropped)")

        # Shutdown.
        rc = self.stop_daemon()
        self.wait_eof([W, A, B], 30)
        self.check(rc == 0, f"echemd exited 0 after SIGTERM (status {rc})")
        inter = [d for d in self.docs_of(W, "run_stop") if d["run"] == run2]
        self.check(len(inter) == 1 and inter[0]["exit_status"] == "interrupted",
                   "SIGTERM: run_stop exit_status interrupted for the running job")

        self.run_checks(W, A, B, D, run, nobody)

    def wait_eof(self, clients, timeout):
        end = time.time() + timeout
        while not all(c.eof for c in clients):
            if time.time() > end:
                raise Failure("clients still connected 30 s after echemd exited: "
                              + ", ".join(c.name for c in clients if not c.eof))
            time.sleep(0.05)
        for c in clients:
            c.parse_new()

    # ------------------------------------------------------------------ checks

    def validate(self, kind, obj, cache_key=None, cache=None):
        if cache is not None and cache_key in cache:
            return cache[cache_key]
        errors = list(self.validators[kind].iter_errors(obj))
        result = None
        if errors:
            e = best_match(errors)
            path = "/".join(str(p) for p in e.absolute_path) or "(root)"
            result = f"{path}: {e.message[:300]}"
        if cache is not None:
            cache[cache_key] = result
        return result

    def run_checks(self, W, A, B, D, run, nobody):
        counts = collections.Counter()
        per_client = {}
        cache = {}
        for c in self.clients:
            c.parse_new()
            cc = collections.Counter()
            for idx, (raw, doc) in enumerate(zip(c.raw, c.docs)):
                if doc is None:
                    nxt = c.docs[idx + 1] if idx + 1 < len(c.docs) else None
                    if c is D and isinstance(nxt, dict) and nxt.get("type") == "dropped":
                        cc["(truncated line before dropped)"] += 1
                        continue
                    self.failures.append(f"{c.name} line {idx + 1}: not JSON: {short(raw)}")
                    continue
                if not isinstance(doc, dict):
                    self.failures.append(f"{c.name} line {idx + 1}: not a JSON object: {short(raw)}")
                    continue
                t = doc.get("type")
                kind = t if t in DOC_TYPES else ("reply" if t == "reply" else None)
                if kind is None:
                    self.failures.append(f"{c.name} line {idx + 1}: no schema for type {t!r}: {short(raw)}")
                    continue
                err = self.validate(kind, doc, hashlib.sha1(raw).digest(), cache)
                if err:
                    self.failures.append(f"{c.name} line {idx + 1} ({t}) invalid against {kind}.schema.json: {err}\n      {short(raw)}")
                cc[t] += 1
            if c.unterminated:
                self.failures.append(f"{c.name}: unterminated last line at EOF: {short(c.unterminated)}")
            per_client[c.name] = cc
            if c is W:
                counts = cc

            # Requests we sent, against request.schema.json.
            for line, expect_valid in c.sent:
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None  # deliberately not JSON: no schema applies
                err = self.validate("request", obj) if obj is not None else "not JSON"
                if expect_valid and err:
                    self.failures.append(f"{c.name}: request {short(line, 150)} invalid against request.schema.json: {err}")
                if not expect_valid and not err:
                    self.failures.append(f"{c.name}: request {short(line, 150)} should be invalid against request.schema.json")
            # One reply per request, in order.
            nrep = len(c.replies())
            if nrep != len(c.sent):
                self.failures.append(f"{c.name}: sent {len(c.sent)} requests, got {nrep} replies")

        # Watch-only peer.
        if nobody is not None:
            lines = nobody["lines"]
            if len(lines) != 3:
                self.failures.append(f"uid 65534: expected 3 replies, got {len(lines)}: {lines}")
            else:
                rs = [json.loads(x) for x in lines]
                for x, r in zip(lines, rs):
                    err = self.validate("reply", r)
                    if err:
                        self.failures.append(f"uid 65534 reply invalid: {err}: {short(x)}")
                ok = (rs[0]["ok"] and rs[0]["peer"] == {"uid": 65534, "may_control": False}
                      and not rs[1]["ok"] and rs[1]["error"]["code"] == "forbidden" and rs[2]["ok"]
                      and [r.get("id") for r in rs] == ["n1", "n2", "n3"])
                if not ok:
                    self.failures.append(f"uid 65534: expected status may_control false, submit forbidden, ping ok: {lines}")
                counts_nobody = collections.Counter(r["type"] for r in rs)
                per_client["nobody"] = counts_nobody

        # Every document type seen.
        seen = set()
        for cc in per_client.values():
            seen.update(cc)
        missing = [t for t in MUST_SEE if t not in seen]
        if missing:
            self.failures.append("document types never seen: " + ", ".join(missing))

        self.check_runs(W, "W", from_start=True)
        self.check_seam(B, run)
        self.check_dropped(D)
        self.per_client = per_client
        self.counts = counts

    def check_runs(self, c, name, from_start):
        """Per run seen from its start on an `all` subscriber: order and completeness."""
        state = {}
        for d in c.docs:
            if not isinstance(d, dict) or d.get("type") in (None, "reply"):
                continue
            t, r = d["type"], d.get("run")
            if r is None:
                continue
            s = state.setdefault(r, {"started": False, "next": 0, "max_t": float("-inf"), "stopped": False,
                                     "bad": None})
            if t == "run_start":
                s["started"] = True
                continue
            if t in ("samples", "step_start", "step_end", "cycle_summary", "eis_spectrum", "run_event") and not s["started"]:
                s["bad"] = s["bad"] or f"{t} before run_start"
            if not s["started"]:
                continue  # a run that began before we subscribed (none in this scenario)
            if t == "samples":
                for row in d["rows"]:
                    if row[0] != s["next"]:
                        s["bad"] = s["bad"] or f"samples seq {row[0]} where {s['next']} was expected"
                    s["next"] = row[0] + 1
                    s["max_t"] = max(s["max_t"], row[COL["test_time"]])
                if s["stopped"]:
                    s["bad"] = s["bad"] or "samples after run_stop"
            elif t == "step_end" and d["end_test_time"] is not None and d["end_test_time"] > s["max_t"] + 1e-9:
                s["bad"] = s["bad"] or f"step_end {d['step_count']} (end {d['end_test_time']} s) before its samples (max {s['max_t']} s)"
            elif t == "cycle_summary" and d["end_test_time"] > s["max_t"] + 1e-9:
                s["bad"] = s["bad"] or f"cycle_summary {d['cycle']} before its samples"
            elif t == "eis_spectrum" and d["test_time"] > s["max_t"] + 1e-9:
                s["bad"] = s["bad"] or f"eis_spectrum {d['index']} before the samples that follow it were committed"
            elif t == "run_stop":
                s["stopped"] = True
                if d["samples"] is not None and d["samples"] != s["next"]:
                    s["bad"] = s["bad"] or f"run_stop says {d['samples']} samples, {s['next']} were streamed"
        for r, s in state.items():
            if s["bad"]:
                self.failures.append(f"{name}: run {r[:8]}: {s['bad']}")
        self.runs_checked = sum(1 for s in state.values() if s["started"])

    def check_seam(self, c, run):
        """The from_seq subscription: backfill pages, backfill_done, then live pages; no gap, no dup."""
        phase, expect, bf_done, seen_live = "backfill", 0, None, False
        for d in c.docs:
            if not isinstance(d, dict):
                continue
            t = d.get("type")
            if t == "backfill_done":
                if bf_done is not None:
                    self.failures.append("B: two backfill_done documents")
                bf_done = d
                phase = "live"
                if d["run"] != run or d["next_seq"] != expect or d["samples"] != expect:
                    self.failures.append(f"B: backfill_done {d} after {expect} backfilled samples")
            elif t == "samples" and d["run"] == run:
                if d["backfill"] != (phase == "backfill"):
                    self.failures.append(f"B: a page with backfill={d['backfill']} in the {phase} phase")
                seen_live = seen_live or not d["backfill"]
                for row in d["rows"]:
                    if row[0] != expect:
                        self.failures.append(f"B: seq {row[0]} where {expect} was expected ({phase}): gap or duplicate at the seam")
                        return
                    expect += 1
            elif t == "run_stop" and d["run"] == run:
                if d["samples"] != expect:
                    self.failures.append(f"B: run_stop says {d['samples']} samples, the subscription delivered {expect}")
        if bf_done is None:
            self.failures.append("B: no backfill_done")
        self.seam = (bf_done["samples"] if bf_done else None, expect, seen_live)

    def check_dropped(self, c):
        docs = [d for d in c.docs if isinstance(d, dict)]
        drops = [i for i, d in enumerate(docs) if d.get("type") == "dropped"]
        if not drops:
            self.failures.append("D (slow client): no `dropped` notice before the connection closed")
        elif drops[-1] != len(docs) - 1:
            self.failures.append("D (slow client): `dropped` is not the last line")
        elif "slow client" not in docs[drops[-1]]["reason"]:
            self.failures.append(f"D: dropped for an unexpected reason: {docs[drops[-1]]['reason']}")

    # ------------------------------------------------------------------ main

    def run(self):
        try:
            self.scenario()
        except Failure as e:
            self.failures.insert(0, str(e))
        finally:
            if self.daemon and self.daemon.poll() is None:
                self.daemon.send_signal(signal.SIGTERM)
                try:
                    self.daemon.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.daemon.kill()
                    self.daemon.wait()
            for c in self.clients:
                c.close()
        for n in self.notes:
            print(f"NOTE socket-schemas: {n}")
        if self.failures:
            # The daemon's log first and the failures last: CI shows the tail of the output.
            try:
                tail = open(self.daemon_log, "rb").read().decode("utf-8", "replace").splitlines()[-25:]
                print("echemd log (last lines):\n  " + "\n  ".join(tail))
            except OSError:
                pass
            print(f"(state kept in {self.tmp})")
            for f in self.failures[:60]:
                print(f"FAIL socket-schemas: {f}")
            if len(self.failures) > 60:
                print(f"FAIL socket-schemas: … and {len(self.failures) - 60} more")
            return 1
        if VERBOSE:
            for name, cc in self.per_client.items():
                print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in sorted(cc.items())))
        total = sum(n for cc in self.per_client.values() for k, n in cc.items() if not k.startswith("("))
        nreq = sum(len(c.sent) for c in self.clients) + (3 if "nobody" in self.per_client else 0)
        seen = collections.Counter()
        for cc in self.per_client.values():
            seen.update(cc)
        types = ", ".join(f"{t}={seen.get(t, 0)}" for t in ["reply"] + DOC_TYPES)
        bf, total_seq, _ = self.seam
        print(f"PASS socket-schemas: {total} lines valid against docs/schemas ({types}); {nreq} requests valid; "
              f"{self.runs_checked} runs complete and in order; from_seq seam: {bf} backfilled + "
              f"{total_seq - bf} live, no gap/duplicate; slow client dropped; echemd exited 0 on SIGTERM")
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"(state kept in {self.tmp})")
        return 0


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_exe = os.environ.get("ECHEMD") or os.path.join(REPO, ".build", "debug", "echemd")
    ap.add_argument("--echemd", default=default_exe, help="the echemd binary (default $ECHEMD, else .build/debug/echemd)")
    ap.add_argument("--timeout", type=float, default=120, help="longest wait for the queue-folder jobs, s (default 120)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary state directory")
    ap.add_argument("-v", "--verbose", action="store_true", help="log each step and the per-client counts")
    args = ap.parse_args()
    VERBOSE = args.verbose
    sys.exit(Oracle(args).run())


if __name__ == "__main__":
    main()
