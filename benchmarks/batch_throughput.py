"""Throughput of `dlgrader batch` on a generated class: submissions per minute at -j 1 and -j 2.

    python -m benchmarks.batch_throughput [-n 200] [--runs 3] [-j 1 -j 2] [-a NAME]... [--keep DIR]

The class is tests/batch_cases.py's cycle of 24 kinds (correct in five forms, six one-line mutants, infinite
loops, os._exit in calls and at import, syntax errors, Python 2, a broken .zip, empty ones, the stub), graded
with every assignment unless -a is given, under a course file with call_timeout 3 s and budget 10 s (an
infinite loop costs its budget once per assignment it defines). Each run is a whole `dlgrader batch` process
into a fresh OUTDIR (start-up and the final gradebook included). Prints the median of the runs per -j, every
run, the machine and its load average (other work on the machine slows both settings, unevenly), and the CPU
seconds the batch's processes used (grading processes and their sandboxed workers): CPU per submission does
not depend on what else runs, and CPU/wall says how many cores the batch actually got.
"""
import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from batch_cases import make_class  # noqa: E402

COURSE = 'secret = "benchmark"\n[limits]\ncall_timeout = 3.0\nbudget = 10.0\n'


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return "%s, %d cores, Python %s" % (model, os.cpu_count(), platform.python_version())


def run_once(inp, course, jobs, names, keep=None):
    out = tempfile.mkdtemp(prefix="dlgrader-bench-out-")
    cmd = [sys.executable, "-m", "grader.cli", "batch", inp, "-o", out, "-j", str(jobs), "--course", course]
    for n in names:
        cmd += ["-a", n]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=ROOT))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit("batch failed:\n" + proc.stderr)
    if keep:
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(out, keep)
    shutil.rmtree(out, ignore_errors=True)
    return wall, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=200, help="submissions in the class")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("-j", "--jobs", type=int, action="append", help="repeatable; default 1 and 2")
    p.add_argument("-a", "--assignment", action="append", default=[])
    p.add_argument("--keep", help="copy the last run's OUTDIR here")
    args = p.parse_args()
    jobs = args.jobs or [1, 2]
    top = tempfile.mkdtemp(prefix="dlgrader-bench-")
    try:
        make_class(os.path.join(top, "in"), args.n)
        course = os.path.join(top, "course.toml")
        with open(course, "w") as f:
            f.write(COURSE)
        walls = {j: [] for j in jobs}
        cpus = {j: [] for j in jobs}
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):          # interleaved, so slow phases of the machine hit both settings
            for j in jobs:
                wall, cpu = run_once(os.path.join(top, "in"), course, j, args.assignment, args.keep)
                walls[j].append(wall)
                cpus[j].append(cpu)
                loads.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(top, ignore_errors=True)
    names = "+".join(args.assignment) or "all assignments"
    print("batch of %d submissions (%s) on %s; 1-min load average during the runs: %.1f-%.1f"
          % (args.n, names, machine(), min(loads), max(loads)))
    base = None
    for j in jobs:
        med = statistics.median(walls[j])
        rate = 60.0 * args.n / med
        base = base or rate
        cpu = statistics.median(cpus[j])
        print("  -j %d: median %.1f s = %.1f submissions/min (%.2fx -j %d); CPU %.1f s (%.2f s/submission, "
              "%.2f cores busy); runs: %s" % (j, med, rate, rate / base, jobs[0], cpu, cpu / args.n, cpu / med,
                                              ", ".join("%.1f s" % w for w in walls[j])))


if __name__ == "__main__":
    main()
