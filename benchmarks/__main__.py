"""Every measurement in one run: writes benchmarks/results.json and the tables of benchmarks/README.md.

    python -m benchmarks [--runs 5] [--quick] [--only SECTION]... [--out PATH] [--no-readme]

Sections, in order: startup, latency, conv_speed, gradcheck, batch (benchmarks/batch_throughput.py, when
present: its `run(runs, quick)` is called), capacity (benchmarks/capacity.py: a sharded run measured here, and
10,000 whole-course submissions on a cluster simulated from it), peers (benchmarks/peers.py: Otter-Grader and nbgrader beside
dlgrader on linear_classifiers, in venvs cached under ~/.cache/dlgrader-bench). `--quick` (1 run, smallest
items, README untouched unless --readme, peers skipped) is for the test of the harness; its figures mean nothing.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

from benchmarks import capacity, gradcheck_cost, latency, peers, startup, timing
from benchmarks.readme import render
from benchmarks.timing import ROOT, environment, load, measure

HERE = os.path.join(ROOT, "benchmarks")
SECTIONS = ("startup", "latency", "conv_speed", "gradcheck", "batch", "capacity", "peers")


def conv_speed(runs, quick):
    """In its own process: the thread variables must be set before NumPy is imported."""
    cmd = [sys.executable, "-m", "benchmarks.conv_speed", "--runs", str(runs)] + (["--quick"] if quick else [])
    env = dict(os.environ, PYTHONPATH=ROOT)
    return json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, env=env).stdout)


def gradcheck(runs, quick):
    methods = dict(gradcheck_cost.ALL_METHODS)
    if quick:
        methods.pop("torch_gradcheck")   # 3520 forward and 4096 backward calls: seconds, not for a smoke test
    out = {"case": gradcheck_cost.CASE, "layer": "fast", "tolerance_cs231n": gradcheck_cost.TOL, "methods": {},
           "mutant": {}}
    top = tempfile.mkdtemp(prefix="bench-gradcheck-")
    try:
        path = gradcheck_cost.submission_copy(top)
        for name, method in methods.items():
            last = {}

            def once():
                last["r"] = method(path, "fast")
                return last["r"][2]
            fig = measure(once, runs)
            fig.update(passed=last["r"][0], forward_calls=last["r"][1], error=last["r"][3])
            out["methods"][name] = fig
        if not quick:   # the fast layer's mutant; the naive layer's are in the hand-written table
            mutant = "fast_dw_not_summed"
            bad = gradcheck_cost.submission_copy(os.path.join(top, "mutant"), mutant)
            out["mutant"][mutant] = {name: ("passes" if method(bad, "fast")[0] else "caught")
                                     for name, method in methods.items()}
    finally:
        import shutil
        shutil.rmtree(top, ignore_errors=True)
    return out


def batch(runs, quick):
    try:
        module = importlib.import_module("benchmarks.batch_throughput")
    except ImportError:
        return {"not_done": "benchmarks/batch_throughput.py is not in this checkout"}
    if not hasattr(module, "run"):
        return {"not_done": "benchmarks/batch_throughput.py has no run(runs, quick)"}
    return module.run(runs=runs, quick=quick)


RUNNERS = {"startup": lambda r, q: startup.run(r, q), "latency": lambda r, q: latency.run(r, q),
           "conv_speed": conv_speed, "gradcheck": gradcheck, "batch": batch,
           "capacity": lambda r, q: capacity.run(r, q),
           "peers": lambda r, q: peers.run(r, q)}


def provenance(results):
    """Which run a section's figures come from (a run with --only keeps the other sections' figures)."""
    env = results.get("environment", {})
    return {"date": env.get("date"), "commit": env.get("versions", {}).get("dlgrader_commit"),
            "runs": results.get("runs")}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="1 run, smallest items: checks the harness only")
    p.add_argument("--only", action="append", choices=SECTIONS)
    p.add_argument("--out", default=os.path.join(HERE, "results.json"))
    p.add_argument("--readme", default=None, help="README to regenerate (default: benchmarks/README.md, "
                                                  "not with --quick)")
    p.add_argument("--no-readme", action="store_true")
    args = p.parse_args(argv)
    runs = 1 if args.quick else args.runs
    timing.WARM = not args.quick
    results = {"environment": environment(), "quick": args.quick, "runs": runs, "load_start": load(),
               "peers": {"not_done": "Otter-Grader and nbgrader were not installed or measured in this run"}}
    kept = []
    if args.only and os.path.exists(args.out) and not args.quick:   # keep the other sections' figures
        old = json.load(open(args.out))
        kept = [k for k in SECTIONS if k in old and k not in args.only]
        results.update({k: old[k] for k in kept})
        results["provenance"] = {k: (old.get("provenance") or {}).get(k) or provenance(old) for k in kept}
    results.setdefault("provenance", {})
    for name in args.only or SECTIONS:
        print("%s ..." % name, file=sys.stderr, flush=True)
        results[name] = RUNNERS[name](runs, args.quick)
        results["provenance"][name] = provenance(results)
    results["load_end"] = load()
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    readme = args.readme or (None if args.quick else os.path.join(HERE, "README.md"))
    if readme and not args.no_readme:
        text = open(readme).read()
        with open(readme, "w") as f:
            f.write(render(text, results, keep=kept))
    print("wrote %s%s" % (args.out, " and " + readme if readme and not args.no_readme else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
