"""Pass/fail bookkeeping shared by the oracle scripts: count the checks, stop at the first failure."""
import sys


class Checks:
    def __init__(self, label):
        self.label = label
        self.count = 0

    def fail(self, what):
        print(f"FAIL {self.label}: {what}")
        sys.exit(1)

    def check(self, ok, what):
        if not ok:
            self.fail(what)
        self.count += 1
