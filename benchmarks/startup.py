"""Start-up: what a student waits for before any check runs, against bare-import baselines.

    python -m benchmarks.startup [--runs 5]

- processes (wall time of the whole process, from the repository root): `python -c pass`, `import numpy`,
  `import hypothesis, sympy`, `import torch`, `dlgrader --help`, `dlgrader check` on the linear_classifiers
  stub (every check fails fast with NotImplementedError, so this is start-up plus one round of checks);
- worker start: grader.sandbox.client.Sandbox started on a one-file module, plus the first call into it
  (the module imports numpy only, or torch), at L0 and at every stronger layer that works here.
"""
import contextlib
import os
import shutil
import sys
import tempfile
import time

from benchmarks.timing import command, load, measure, run_alone

PY = sys.executable
PROCESSES = {   # name: (command, exit codes that count as success)
    "python -c pass": [PY, "-c", "pass"],
    "python -c 'import numpy'": [PY, "-c", "import numpy"],
    "python -c 'import hypothesis, sympy'": [PY, "-c", "import hypothesis, sympy"],
    "python -c 'import torch'": [PY, "-c", "import torch"],
    "dlgrader --help": [PY, "-m", "grader.cli", "--help"],
    "dlgrader check (linear_classifiers stub)": [PY, "-m", "grader.cli", "check", "linear_classifiers", "--path",
                                                 "assignments/linear_classifiers", "--isolation", "l0"],
}
MODULES = {"numpy": "import numpy as np\n\ndef f():\n    return float(np.ones(3).sum())\n",
           "torch": "import torch\n\ndef f():\n    return float(torch.ones(3).sum())\n"}


def processes(runs, names=None):
    out = {}
    for name, cmd in PROCESSES.items():
        if names is None or name in names:
            out[name] = command(cmd, runs, ok_codes=None if "check" not in name else (0, 1))
    return out


def worker_start(library, level="l0"):
    """Seconds from nothing to the first answer of a fresh worker whose module imports `library`."""
    from grader import isolation
    from grader.sandbox.client import Sandbox
    from grader.sandbox.plan import Plan
    iso = isolation.probe(level)
    top = tempfile.mkdtemp(prefix="bench-worker-")
    try:
        root, workdir = os.path.join(top, "sub"), os.path.join(top, "work")
        os.makedirs(root)
        os.makedirs(workdir)
        with open(os.path.join(root, "tiny_%s.py" % library), "w") as f:
            f.write(MODULES[library])
        os.chmod(top, 0o755)
        # hold a slot like every grading does: its uid's processes are killed when the sandbox closes
        slot = isolation.claim_slot(0) if iso.uid_switch else contextlib.nullcontext(0)
        with slot as n:
            t0 = time.perf_counter()
            with Sandbox(root, workdir, **iso.sandbox_args(root, workdir, n)) as box:
                plan = Plan(symbols={"f": "tiny_%s" % library})
                plan.returns(plan.call("f"))
                reply = box.run(plan)
                seconds = time.perf_counter() - t0
        if not reply.ok or reply.values != [3.0]:
            raise RuntimeError("the worker did not answer: %s" % reply.explain())
        return seconds
    finally:
        shutil.rmtree(top, ignore_errors=True)


def workers(runs, libraries=("numpy", "torch")):
    from grader import isolation
    out = {}
    for level in ("l0", "l1", "l2"):
        try:
            isolation.probe(level)
        except isolation.IsolationError as exc:
            out[level] = {"available": False, "why": str(exc)[:200], "load": load()}
            continue
        for library in libraries:
            out["%s %s" % (level, library)] = measure(lambda: worker_start(library, level), runs,
                                                      level=level, library=library)
    return out


def run(runs=5, quick=False):
    if quick:
        return {"processes": processes(runs, ["python -c pass", "dlgrader --help"]),
                "workers": workers(runs, ("numpy",))}
    return {"processes": processes(runs), "workers": workers(runs)}


if __name__ == "__main__":
    run_alone(run)
