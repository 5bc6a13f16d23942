"""Shared by every measurement: repeat a timed thing, keep the raw figures and the load around them.

A figure is a dict: median, min, max and every run's seconds, with `os.getloadavg()` before and after.
On a shared machine a figure taken under load is an upper bound.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

from benchmarks.grade_latency import ROOT, machine


def load():
    return [round(v, 2) for v in os.getloadavg()]


def figure(times, before, after, **extra):
    out = {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times),
           "times": [round(t, 6) for t in times], "load_before": before, "load_after": after}
    out.update(extra)
    return out


WARM = True   # python -m benchmarks --quick turns the untimed warm-up runs off


def measure(fn, runs, warm=None, **extra):
    """Call `fn()` `runs` times (once more before, untimed, when `warm`); fn returns its own seconds or None."""
    if WARM if warm is None else warm:
        fn()
    before, times = load(), []
    for _ in range(runs):
        t0 = time.perf_counter()
        own = fn()
        times.append(own if isinstance(own, float) else time.perf_counter() - t0)
    return figure(times, before, load(), **extra)


PYCACHE = os.path.join(os.path.expanduser("~"), ".cache", "dlgrader-bench", "pycache")


def bench_env(env=None):
    """The environment of a timed process: this checkout's `grader` first on PYTHONPATH, and compiled bytecode
    kept (in PYCACHE, outside the checkout) even where PYTHONDONTWRITEBYTECODE is set, as an installed wheel has
    it: otherwise every run would compile the grader's sources again (≈ 0.07 s of a `grade`)."""
    full = dict(os.environ, **(env or {}))
    full["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    full.pop("PYTHONDONTWRITEBYTECODE", None)
    full.setdefault("PYTHONPYCACHEPREFIX", PYCACHE)
    return full


def command(cmd, runs, env=None, ok_codes=None, **extra):
    """Wall time of a whole process (interpreter start included), run from the repository root (bench_env)."""
    full_env = bench_env(env)
    ok_codes = ok_codes or (0,)

    def once():
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, env=full_env)
        if done.returncode not in ok_codes:
            raise RuntimeError("%s exited with %d: %s" % (" ".join(cmd), done.returncode, done.stderr[-500:]))
    shown = " ".join(os.path.relpath(c, ROOT) if c == sys.executable else c for c in cmd)
    return measure(once, runs, command=shown.replace(os.path.relpath(sys.executable, ROOT), "python"), **extra)


def versions():
    out = {"python": platform.python_version()}
    for name in ("numpy", "torch", "hypothesis", "sympy"):
        try:
            out[name] = __import__(name).__version__
        except ImportError:
            out[name] = None
    try:
        out["dlgrader_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                                capture_output=True, text=True).stdout.strip()
    except OSError:
        out["dlgrader_commit"] = None
    return out


def environment():
    return {"machine": machine(), "platform": platform.platform(), "cores": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "python": sys.executable, "versions": versions()}


def run_alone(run):
    """`python -m benchmarks.<section> [--runs 5] [--quick]`: one section's `run(runs, quick)`, printed as JSON."""
    import argparse
    import json
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    print(json.dumps(run(args.runs, args.quick), indent=1))
