"""What each isolation layer costs: `dlgrader grade` of a correct submission at every layer that works here.

    python -m benchmarks.isolation_overhead [--runs 9]

Runs are interleaved (l0, l2, l0, l2, ...) so that a noisy machine disturbs every layer alike; prints the
median, min and max per layer and the median difference against L0.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from benchmarks.grade_latency import ROOT, machine


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("-a", "--assignment", default="linear_classifiers")
    args = p.parse_args()
    from grader import isolation
    levels = ["l0"]
    for level in ("l1", "l2"):
        try:
            isolation.probe(level)
            levels.append(level)
        except isolation.IsolationError as exc:
            print("%s: not available here (%s)" % (level, str(exc)[:120]))
    path = os.path.join(ROOT, "reference", args.assignment)
    times = {level: [] for level in levels}
    for _ in range(args.runs):
        for level in levels:
            cmd = [sys.executable, "-m", "grader.cli", "grade", path, "-a", args.assignment, "--isolation", level,
                   "--format", "json", "-o", os.devnull, "--allow-default-secret"]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
            times[level].append(time.perf_counter() - t0)
    base = statistics.median(times["l0"])
    for level in levels:
        m = statistics.median(times[level])
        print("%s: median %.3f s (min %.3f, max %.3f), %+.0f ms vs L0, %d runs, %s" % (
            level, m, min(times[level]), max(times[level]), 1e3 * (m - base), args.runs, machine()))


if __name__ == "__main__":
    main()
