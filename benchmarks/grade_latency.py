"""Wall time of `dlgrader grade` for one submission, end to end (process start included).

    python -m benchmarks.grade_latency [--runs 7] [-a NAME]... [PATH]

Prints the median, min and max of the runs and the machine it ran on.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine():
    return "%s, %d cores, Python %s" % (platform.processor() or platform.machine(), os.cpu_count(),
                                        platform.python_version())


def time_grade(path, assignments, runs):
    cmd = [sys.executable, "-m", "grader.cli", "grade", path, "--format", "json", "-o", os.devnull,
           "--allow-default-secret"]   # the reference, timed without a course file
    for a in assignments:
        cmd += ["-a", a]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path", nargs="?", default=os.path.join(ROOT, "reference"))
    p.add_argument("-a", "--assignment", action="append", default=None)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    names = args.assignment or ["knn", "linear_classifiers"]
    times = time_grade(args.path, names, args.runs)
    print("grade %s (%s): median %.2f s, min %.2f s, max %.2f s over %d runs on %s"
          % (os.path.relpath(args.path, ROOT), "+".join(names), statistics.median(times), min(times), max(times),
             len(times), machine()))


if __name__ == "__main__":
    main()
