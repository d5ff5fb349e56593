"""Shared by the tests/distributed checks: the files a run_segments run and its merge leave in
WORK (see common.sh), reading them, and reporting each check."""
import json
import sys
from pathlib import Path

problems = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def case(report):
    assert len(report["cases"]) == 1, f"expected one case, got {len(report['cases'])}"
    return report["cases"][0]


def arguments():
    """WORK_DIR and N from the command line."""
    return Path(sys.argv[1]), int(sys.argv[2])


def reports(work, n, name="report.json"):
    """Each segment's file NAME (segment-1 .. segment-N), and the merged one."""
    segs = [load(work / f"segment-{i}" / name) for i in range(1, n + 1)]
    return segs, load(work / "merged" / name)


def stats(work):
    """The gateway's /stats before and after the segments ran."""
    return load(work / "stats-before.json"), load(work / "stats-after.json")


def finish():
    if problems:
        print(f"{len(problems)} check(s) failed", file=sys.stderr)
        sys.exit(1)
