"""Assertion helper shared by the third-party client scripts: every check prints one line, the
first failure exits 1, and `summary()` reports how many passed."""
import sys

_passed = 0


def check(condition, what, detail=""):
    global _passed
    if not condition:
        print(f"FAIL: {what} {detail}", flush=True)
        sys.exit(1)
    _passed += 1
    print(f"ok: {what}", flush=True)


def summary():
    print(f"OK {_passed} checks", flush=True)
