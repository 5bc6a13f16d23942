"""Throughput of `dlgrader batch` on a generated class: submissions per minute at -j 1 and -j 2.

    python -m benchmarks.batch_throughput [-n 200] [--runs 3] [-j 1 -j 2] [-a NAME]... [--keep DIR]
    python -m benchmarks.batch_throughput --whole-course [-n 8] [--runs 2]

The class is tests/batch_cases.py's cycle of 24 kinds (correct in five forms, six one-line mutants, infinite
loops, os._exit in calls and at import, syntax errors, Python 2, a broken .zip, empty ones, the stub), graded
for the assignments the class defines (kNN and linear classifiers) unless -a is given, under a course file with call_timeout 3 s and budget 10 s (an
infinite loop costs its budget once per assignment it defines). Each run is a whole `dlgrader batch` process
into a fresh OUTDIR (start-up and the final gradebook included). Prints the median of the runs per -j, every
run, the machine and its load average, and the machine's capacity for two processes right before each round
(two busy loops against one: 2.0 on an idle 2-core machine; other work on a shared machine lowers it, and
the -j 2 speed-up cannot exceed it). CPU time is not reported: under L1/L2 the sandboxed workers run under
bubblewrap as another user, and their CPU time does not reach this process's rusage.

--whole-course: every submission holds every assignment, graded for all eleven: the cycle of COURSE_KINDS
(the reference, the stubs, the reference for the first half of the course and the stubs for the rest).
"""
import argparse
import os
import platform
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
COURSE_KINDS = ("reference", "stubs", "half", "reference")


def make_course_class(dest, n):
    """n students, each a folder of every assignment (see COURSE_KINDS)."""
    from grader import spec
    names = [a.name for a in spec.assignments()]
    skip = shutil.ignore_patterns("__pycache__")
    for i in range(n):
        kind, student = COURSE_KINDS[i % len(COURSE_KINDS)], os.path.join(dest, "s%03d" % i)
        os.makedirs(student)
        for k, name in enumerate(names):
            done = kind == "reference" or (kind == "half" and k < len(names) // 2)
            shutil.copytree(os.path.join(ROOT, "reference" if done else "assignments", name),
                            os.path.join(student, name), ignore=skip)


def make_complete_class(dest, n, names=("knn", "linear_classifiers")):
    """n students, each handing in the references of `names` (a complete, correct submission)."""
    skip = shutil.ignore_patterns("__pycache__")
    for i in range(n):
        for name in names:
            shutil.copytree(os.path.join(ROOT, "reference", name), os.path.join(dest, "s%03d" % i, name), ignore=skip)


def marginal(sizes=(10, 30), jobs=(1, 2), runs=1, names=("knn", "linear_classifiers")):
    """The cost of one more submission: classes of complete kNN + linear-classifier submissions of two sizes,
    each a whole `dlgrader batch` at each -j; (wall(n2) - wall(n1)) / (n2 - n1) is what a submission adds once
    the batch has started (the cases cache is warm in each grading process after its first submission). Also
    the largest peak RSS a grading process reported (results' `peak_rss_mb`)."""
    import json
    top = tempfile.mkdtemp(prefix="dlgrader-bench-marginal-")
    out = {"sizes": list(sizes), "assignments": list(names), "jobs": {}}
    try:
        course = os.path.join(top, "course.toml")
        with open(course, "w") as f:
            f.write(COURSE)
        classes = {}
        for n in sizes:
            classes[n] = os.path.join(top, "class-%d" % n)
            make_complete_class(classes[n], n, names)
        for j in jobs:
            walls, loads, rss = {n: [] for n in sizes}, [], []
            for _ in range(runs):
                for n in sizes:
                    keep = os.path.join(top, "out")
                    loads.append(round(os.getloadavg()[0], 2))
                    walls[n].append(round(run_once(classes[n], course, j, list(names), keep=keep), 3))
                    for name in os.listdir(os.path.join(keep, "results")):
                        with open(os.path.join(keep, "results", name)) as f:
                            rss.append(json.load(f).get("peak_rss_mb") or 0.0)
            med = {n: statistics.median(w) for n, w in walls.items()}
            n1, n2 = sizes
            out["jobs"][str(j)] = {"walls": {str(n): w for n, w in walls.items()}, "median": {str(n): m for n, m in med.items()},
                                   "marginal": (med[n2] - med[n1]) / (n2 - n1), "per_minute": 60.0 * n2 / med[n2],
                                   "loads": loads, "peak_rss_mb": max(rss) if rss else None,
                                   "first_rss_mb": min(rss) if rss else None}
        base = out["jobs"][str(jobs[0])]["per_minute"]
        for j in jobs:
            out["jobs"][str(j)]["speedup"] = round(out["jobs"][str(j)]["per_minute"] / base, 2)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return out


def marginal_table(m):
    n1, n2 = m["sizes"]
    lines = ["Complete submissions (%s references), classes of %d and %d, course limits call_timeout 3 s, budget 10 s; "
             "marginal = (wall(%d) − wall(%d)) / %d; `python -m benchmarks.batch_throughput --marginal`."
             % (" + ".join(m["assignments"]), n1, n2, n2, n1, n2 - n1), "",
             "| -j | wall (%d) | wall (%d) | marginal per submission | submissions/min (%d) | vs -j 1 | grading "
             "process peak RSS, after its first submission → its last | load (1 min) |" % (n1, n2, n2),
             "|---|---|---|---|---|---|---|---|"]
    for j, f in m["jobs"].items():
        lines.append("| %s | %.1f s | %.1f s | %.3f s | %.1f | %.2f× | %s | %.1f–%.1f |" % (
            j, f["median"][str(n1)], f["median"][str(n2)], f["marginal"], f["per_minute"], f["speedup"],
            "%.0f → %.0f MiB" % (f["first_rss_mb"], f["peak_rss_mb"]) if f.get("peak_rss_mb") else "—",
            min(f["loads"]), max(f["loads"])))
    return "\n".join(lines)


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
    t0 = time.perf_counter()
    from benchmarks.timing import bench_env
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=bench_env())
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit("batch failed:\n" + proc.stderr)
    if keep:
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(out, keep)
    shutil.rmtree(out, ignore_errors=True)
    return wall


SPIN = "import time\nn = 0\nend = time.perf_counter() + %f\nwhile time.perf_counter() < end:\n    n += 1\nprint(n)\n"


def capacity(seconds=3.0):
    """How many cores this machine gives two busy processes right now, relative to one: 2.0 when idle, less
    when other work shares it. The -j 2 speed-up cannot exceed it."""
    def spin(k):
        procs = [subprocess.Popen([sys.executable, "-c", SPIN % seconds], stdout=subprocess.PIPE, text=True)
                 for _ in range(k)]
        return sum(int(p.communicate()[0]) for p in procs)
    one = spin(1)
    return round(spin(2) / one, 2)


def measure(n, runs, jobs, names, keep=None, whole_course=False, spin=3.0):
    """{j: {"walls", "cpus", ...}} for a class of n, `runs` interleaved rounds over the -j settings."""
    top = tempfile.mkdtemp(prefix="dlgrader-bench-")
    try:
        (make_course_class if whole_course else make_class)(os.path.join(top, "in"), n)
        course = os.path.join(top, "course.toml")
        with open(course, "w") as f:
            f.write(COURSE)
        out = {j: {"walls": [], "loads": []} for j in jobs}
        out["capacity"] = []
        for _ in range(runs):          # interleaved, so slow phases of the machine hit both settings
            out["capacity"].append(capacity(spin))
            for j in jobs:
                before = round(os.getloadavg()[0], 2)
                wall = run_once(os.path.join(top, "in"), course, j, names, keep)
                out[j]["walls"].append(round(wall, 3))
                out[j]["loads"].append([before, round(os.getloadavg()[0], 2)])
    finally:
        shutil.rmtree(top, ignore_errors=True)
    base = None
    for j in jobs:
        fig = out[j]
        fig["median"] = statistics.median(fig["walls"])
        fig["min"], fig["max"] = min(fig["walls"]), max(fig["walls"])
        fig["per_minute"] = round(60.0 * n / fig["median"], 1)
        base = base or fig["per_minute"]
        fig["speedup"] = round(fig["per_minute"] / base, 2)
    return out


def table(n, names, figures, whole_course=False):
    jobs = [j for j in figures if j != "capacity"]
    loads = [x for j in jobs for pair in figures[j]["loads"] for x in pair]
    what = ("every assignment of the course in each submission, cycling through %s; "
            "`python -m benchmarks.batch_throughput --whole-course`" % ", ".join(COURSE_KINDS) if whole_course else
            "%s, course limits call_timeout 3 s, budget 10 s; `python -m benchmarks.batch_throughput`"
            % ("+".join(names) or "the assignments the class defines: knn, linear_classifiers"))
    lines = ["Class of %d generated submissions (%s). Machine capacity for two processes (two busy loops "
             "against one, measured before each round): %s; 1-minute load average %.1f–%.1f."
             % (n, what, ", ".join("%.2f×" % c for c in figures["capacity"]), min(loads), max(loads)), "",
             "| -j | submissions/min | vs -j 1 | median | min | max | runs |", "|---|---|---|---|---|---|---|"]
    for j in jobs:
        f = figures[j]
        lines.append("| %d | %.1f | %.2f× | %.1f s | %.1f s | %.1f s | %d |" % (
            j, f["per_minute"], f["speedup"], f["median"], f["min"], f["max"], len(f["walls"])))
    return "\n".join(lines)


def run(runs=3, quick=False):
    """For `python -m benchmarks`: the class of 200 (kNN and linear classifiers), at most 3 rounds (each round
    is about 6 minutes on 2 cores), then 8 whole-course submissions, at most 2 rounds (about 4 minutes each);
    quick: 6 submissions, kNN only, one round (checks the harness, means nothing)."""
    n, names, runs = (6, ["knn"], 1) if quick else (200, [], max(1, min(runs, 3)))
    figures = measure(n, runs, [1, 2], names, spin=0.2 if quick else 3.0)   # quick: the loop's figure means nothing
    out = {"n": n, "assignments": names or "detected", "limits": {"call_timeout": 3.0, "budget": 10.0},
           "machine": machine(), "capacity": figures["capacity"],
           "jobs": {str(j): f for j, f in figures.items() if j != "capacity"}, "table": table(n, names, figures)}
    if not quick:
        out["marginal"] = marginal(runs=1)
        out["table"] += "\n\n" + marginal_table(out["marginal"])
        course = measure(8, min(runs, 2), [1, 2], [], whole_course=True)
        out["whole_course"] = {"n": 8, "capacity": course["capacity"],
                               "jobs": {str(j): f for j, f in course.items() if j != "capacity"}}
        out["table"] += "\n\n" + table(8, [], course, whole_course=True)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=200, help="submissions in the class")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("-j", "--jobs", type=int, action="append", help="repeatable; default 1 and 2")
    p.add_argument("-a", "--assignment", action="append", default=[])
    p.add_argument("--keep", help="copy the last run's OUTDIR here")
    p.add_argument("--whole-course", action="store_true", help="each submission holds every assignment")
    p.add_argument("--marginal", action="store_true", help="the cost of one more complete kNN + linear submission")
    args = p.parse_args()
    if args.marginal:
        m = marginal(runs=args.runs)
        print(marginal_table(m))
        return
    jobs = args.jobs or [1, 2]
    figures = measure(args.n, args.runs, jobs, args.assignment, args.keep, args.whole_course)
    what = "every assignment" if args.whole_course else "+".join(args.assignment) or "knn+linear_classifiers, detected"
    print("batch of %d submissions (%s) on %s" % (args.n, what, machine()))
    for j in jobs:
        f = figures[j]
        print("  -j %d: median %.1f s = %.1f submissions/min (%.2fx -j %d); runs: %s; load before/after: %s"
              % (j, f["median"], f["per_minute"], f["speedup"], jobs[0], ", ".join("%.1f s" % w for w in f["walls"]),
                 f["loads"]))
    print("  capacity for two processes before each round: %s" % figures["capacity"])
    print()
    print(table(args.n, args.assignment, figures, args.whole_course))


if __name__ == "__main__":
    main()
