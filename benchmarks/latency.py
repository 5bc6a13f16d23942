"""Per-submission latency: `dlgrader grade` of one submission, end to end, at every isolation layer here.

    python -m benchmarks.latency [--runs 5] [--quick]

- linear_classifiers: the reference as the submission, every check (hidden included), at l0, l1, l2 where
  each works; runs interleaved (l0, l2, l0, l2, ...) so a noisy machine disturbs every layer alike. The cases
  cache (grader/cache.py) is warm where it is kept on disk (L1/L2: a previous grading with this course filled
  it); at L0 it is never on disk, so each `grade` process starts cold.
- linear_classifiers, cold: at the strongest layer with an empty cache directory every run (the first grading
  with a course on a machine; `DLGRADER_CACHE_DIR` points at a fresh folder).
- the whole course: reference/ graded for every assignment at the strongest layer (auto), warm and cold.
Each figure carries the number of checks graded and the score, read from one extra `--format json` run, and
for every run the grading process's own CPU seconds and peak resident memory (VmHWM of that process alone: its
sandboxed workers are other processes; `ru_maxrss` would include the memory of the process that started it),
read by a wrapper around `grader.cli.main`.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.timing import ROOT, bench_env, figure, load, run_alone

PY = sys.executable
WRAP = ("import resource, sys\nfrom grader.cli import main\nfrom grader.batch.child import peak_rss_mb\n"
        "code = main(sys.argv[1:])\nu = resource.getrusage(resource.RUSAGE_SELF)\n"
        "sys.stderr.write('\\nDLGRADER-BENCH %d %.3f\\n' % (peak_rss_mb() * 1024, u.ru_utime + u.ru_stime))\n"
        "sys.exit(code)\n")


def timed(cmd, env=None):
    """(wall seconds, parent CPU seconds, parent peak RSS in MiB) of one `dlgrader` process (cmd: its arguments)."""
    full = bench_env(env)
    t0 = time.perf_counter()
    done = subprocess.run([PY, "-c", WRAP] + cmd, cwd=ROOT, capture_output=True, text=True, env=full)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError("dlgrader %s exited with %d: %s" % (" ".join(cmd), done.returncode, done.stderr[-500:]))
    kb, cpu = done.stderr.rsplit("DLGRADER-BENCH", 1)[1].split()
    return wall, float(cpu), int(kb) / 1024.0


def process_figure(samples, before, after, **extra):
    """A figure of wall times, with the medians of the grading process's CPU seconds and peak RSS."""
    fig = figure([w for w, _, _ in samples], before, after, **extra)
    fig.update(parent_cpu=statistics.median(c for _, c, _ in samples),
               peak_rss_mb=max(r for _, _, r in samples), peak_rss_median_mb=statistics.median(r for _, _, r in samples))
    return fig


def grade_cmd(path, assignments=(), isolation="auto", output=os.devnull):
    cmd = [PY, "-m", "grader.cli", "grade", path, "--isolation", isolation, "--format", "json", "-o", output,
           "--allow-default-secret"]   # the reference, timed without a course file (cmd[3:]: dlgrader's arguments)
    for a in assignments:
        cmd += ["-a", a]
    return cmd


def checks_of(path, assignments, isolation, env=None):
    """(number of checks, score, max score) of one grading; warms the file cache (and the cases cache)."""
    with tempfile.TemporaryDirectory() as top:
        out = os.path.join(top, "result.json")
        env = bench_env(env)
        subprocess.run(grade_cmd(path, assignments, isolation, out), cwd=ROOT, check=True, capture_output=True,
                       env=env)
        result = json.load(open(out))
    return len(result["tests"]), result["score"], result["max_score"]


def levels():
    from grader import isolation
    out = []
    for level in ("l0", "l1", "l2"):
        try:
            isolation.probe(level)
            out.append(level)
        except isolation.IsolationError:
            pass
    return out


def one_submission(runs, assignment="linear_classifiers", cache=None):
    """Per isolation layer, interleaved; the cases cache in `cache` (a folder), warmed by the counting run."""
    path = os.path.join("reference", assignment)
    available = levels()
    env = {"DLGRADER_CACHE_DIR": cache} if cache else {}
    counts = {lv: checks_of(path, [assignment], lv, env) for lv in available}
    before, samples = load(), {lv: [] for lv in available}
    for _ in range(runs):   # interleaved
        for lv in available:
            samples[lv].append(timed(grade_cmd(path, [assignment], lv)[3:], env))
    after = load()
    return {lv: process_figure(samples[lv], before, after, cache="warm" if lv != "l0" else "cold (L0: memory only)",
                               command=" ".join(["dlgrader"] + grade_cmd(path, [assignment], lv)[3:]), isolation=lv,
                               checks=counts[lv][0], score=counts[lv][1], max_score=counts[lv][2])
            for lv in available}


def cold(runs, path, assignments):
    """At the strongest layer, an empty cases cache every run."""
    counts = checks_of(path, assignments, "auto", {"DLGRADER_CACHE": "off"})
    before, samples = load(), []
    for _ in range(runs):
        top = tempfile.mkdtemp(prefix="dlgrader-bench-cache-")
        try:
            samples.append(timed(grade_cmd(path, assignments)[3:], {"DLGRADER_CACHE_DIR": os.path.join(top, "c")}))
        finally:
            shutil.rmtree(top, ignore_errors=True)
    return process_figure(samples, before, load(), cache="cold", isolation="auto",
                          command="dlgrader " + " ".join(grade_cmd(path, assignments)[3:]), checks=counts[0],
                          score=counts[1], max_score=counts[2])


def whole_course(runs, cache):
    env = {"DLGRADER_CACHE_DIR": cache}
    n, score, max_score = checks_of("reference", (), "auto", env)
    before = load()
    samples = [timed(grade_cmd("reference")[3:], env) for _ in range(runs)]
    return process_figure(samples, before, load(), cache="warm", isolation="auto",
                          command="dlgrader " + " ".join(grade_cmd("reference")[3:]), checks=n, score=score,
                          max_score=max_score)


def run(runs=5, quick=False):
    if quick:
        return {"linear_classifiers": {"l0": one_submission_l0(runs)}}
    cache = tempfile.mkdtemp(prefix="dlgrader-bench-cache-")
    try:
        return {"linear_classifiers": one_submission(runs, cache=os.path.join(cache, "c")),
                "linear_classifiers_cold": cold(runs, os.path.join("reference", "linear_classifiers"),
                                                ["linear_classifiers"]),
                "course": whole_course(runs, os.path.join(cache, "c")),
                "course_cold": cold(max(1, min(runs, 3)), "reference", [])}
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def one_submission_l0(runs):
    """Quick mode: the timed gradings also give the counts (their JSON result)."""
    path = os.path.join("reference", "linear_classifiers")
    before, samples = load(), []
    with tempfile.TemporaryDirectory() as top:
        out = os.path.join(top, "result.json")
        for _ in range(runs):
            samples.append(timed(grade_cmd(path, ["linear_classifiers"], "l0", out)[3:]))
        result = json.load(open(out))
    counts = len(result["tests"]), result["score"], result["max_score"]
    return process_figure(samples, before, load(), checks=counts[0], score=counts[1], max_score=counts[2],
                          isolation="l0", cache="cold (L0: memory only)",
                          command="dlgrader " + " ".join(grade_cmd(path, ["linear_classifiers"], "l0")[3:]))


if __name__ == "__main__":
    run_alone(run)
