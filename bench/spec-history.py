#!/usr/bin/env python3
"""Diff consecutive published versions of real OpenAPI specs from a git history.

Usage:
  bench/spec-history.py GIT_DIR PATH [PATH...] [--bin target/release/schemagate] [--versions N]
                        [--limit-seconds S] [--json OUT]

GIT_DIR is a clone (a bare one is fine) of a repository that publishes specs, for example
github.com/stripe/openapi (PATH openapi/spec3.yaml) or github.com/twilio/twilio-oai (PATH
spec/json/twilio_api_v2010.json, or a glob such as 'spec/json/*.json'). For every PATH it takes
N versions spread evenly over the file's history (every version when N is 0), writes each pair
of consecutive picks to a temporary folder, and runs `schemagate diff NEW --against OLD
--format json` under GNU time. It prints one line per pair (dates, sizes, exit code, wall
seconds, max RSS, findings) and a summary; it exits 1 if any pair failed to load (exit code 2),
crashed, or took longer than --limit-seconds. Nothing is written into the repository.
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
import time


def git(git_dir, *args, binary=False):
    out = subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True, check=True)
    return out.stdout if binary else out.stdout.decode()


def expand(git_dir, patterns):
    names = git(git_dir, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    out = []
    for p in patterns:
        hits = [n for n in names if fnmatch.fnmatch(n, p)] if any(c in p for c in "*?[") else [p]
        out.extend(hits)
    return out


def versions(git_dir, path, count):
    """(commit, date) of the versions of `path` whose content is present, oldest first."""
    log = git(git_dir, "log", "--format=%H %cs", "--", path).splitlines()
    present = []
    for line in reversed(log):
        commit, date = line.split()
        ok = subprocess.run(["git", "--git-dir", git_dir, "cat-file", "-e", f"{commit}:{path}"],
                            capture_output=True).returncode == 0
        if ok:
            present.append((commit, date))
    if count and len(present) > count:
        step = (len(present) - 1) / (count - 1)
        present = [present[round(i * step)] for i in range(count)]
    return present


def run_pair(binary, old, new):
    t = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "diff", new, "--against", old, "--format", "json"],
                          capture_output=True, text=True)
    wall = time.monotonic() - t
    rss_kb = int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else 0
    findings = None
    if proc.returncode in (0, 1):
        try:
            findings = len(json.loads(proc.stdout)["findings"])
        except (ValueError, KeyError):
            findings = None
    error = "" if proc.returncode in (0, 1) else proc.stderr.strip().splitlines()[:3]
    return proc.returncode, wall, rss_kb, findings, error


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("git_dir")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--bin", default="target/release/schemagate")
    ap.add_argument("--versions", type=int, default=12)
    ap.add_argument("--limit-seconds", type=float, default=5.0)
    ap.add_argument("--json")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    results, bad = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in expand(a.git_dir, a.paths):
            picks = versions(a.git_dir, path, a.versions)
            ext = os.path.splitext(path)[1]
            files = []
            for i, (commit, date) in enumerate(picks):
                f = os.path.join(tmp, f"{os.path.basename(path)}.{i}{ext}")
                with open(f, "wb") as out:
                    out.write(git(a.git_dir, "show", f"{commit}:{path}", binary=True))
                files.append((f, commit, date))
            if len(files) == 1:
                files.append(files[0])
            for (old, _, d_old), (new, c_new, d_new) in zip(files, files[1:]):
                code, wall, rss, findings, error = run_pair(binary, old, new)
                failed = code not in (0, 1) or wall > a.limit_seconds
                bad += failed
                row = {"path": path, "old": d_old, "new": d_new, "commit": c_new[:10],
                       "bytes": os.path.getsize(new), "exit": code, "seconds": round(wall, 3),
                       "max_rss_mb": round(rss / 1024, 1), "findings": findings, "error": error}
                results.append(row)
                print(f"{'FAIL' if failed else 'ok  '} {path} {d_old} -> {d_new} ({row['bytes'] / 1e6:.1f} MB): "
                      f"exit {code}, {wall:.2f} s, {row['max_rss_mb']} MB, {findings} findings {error or ''}")
            for f, _, _ in files:
                if os.path.exists(f):
                    os.remove(f)
    worst = max(results, key=lambda r: r["seconds"]) if results else None
    print(f"{len(results)} pairs, {bad} failed; slowest {worst['seconds'] if worst else 0} s "
          f"({worst['path'] if worst else '-'} {worst['new'] if worst else ''}), "
          f"max RSS {max((r['max_rss_mb'] for r in results), default=0)} MB")
    if a.json:
        with open(a.json, "w") as out:
            json.dump(results, out, indent=1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
