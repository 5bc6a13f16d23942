"""Per-submission latency: `dlgrader grade` of one submission, end to end, at every isolation layer here.

    python -m benchmarks.latency [--runs 5] [--quick]

- linear_classifiers: the reference as the submission, every check (hidden included), at l0, l1, l2 where
  each works; runs interleaved (l0, l2, l0, l2, ...) so a noisy machine disturbs every layer alike.
- the whole course: reference/ graded for every assignment at the strongest layer (auto).
Each figure carries the number of checks graded and the score, read from one extra `--format json` run.
"""
import json
import os
import sys
import tempfile

from benchmarks.timing import ROOT, command, figure, load, measure, run_alone

PY = sys.executable


def grade_cmd(path, assignments=(), isolation="auto", output=os.devnull):
    cmd = [PY, "-m", "grader.cli", "grade", path, "--isolation", isolation, "--format", "json", "-o", output,
           "--allow-default-secret"]   # the reference, timed without a course file
    for a in assignments:
        cmd += ["-a", a]
    return cmd


def checks_of(path, assignments, isolation):
    """(number of checks, score, max score) of one grading, and warms the file cache."""
    import subprocess
    with tempfile.TemporaryDirectory() as top:
        out = os.path.join(top, "result.json")
        env = dict(os.environ, PYTHONPATH=ROOT)
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


def one_submission(runs, assignment="linear_classifiers"):
    path = os.path.join("reference", assignment)
    available = levels()
    counts = {lv: checks_of(path, [assignment], lv) for lv in available}
    before, times = load(), {lv: [] for lv in available}
    for _ in range(runs):   # interleaved
        for lv in available:
            times[lv].append(command(grade_cmd(path, [assignment], lv), 1, warm=False)["median"])
    after = load()
    return {lv: figure(times[lv], before, after, command=" ".join(["dlgrader"] + grade_cmd(path, [assignment], lv)[3:]),
                       isolation=lv, checks=counts[lv][0], score=counts[lv][1], max_score=counts[lv][2])
            for lv in available}


def whole_course(runs):
    n, score, max_score = checks_of("reference", (), "auto")
    fig = command(grade_cmd("reference"), runs, warm=False)
    fig["command"] = "dlgrader " + " ".join(grade_cmd("reference")[3:])
    fig.update(checks=n, score=score, max_score=max_score, isolation="auto")
    return fig


def run(runs=5, quick=False):
    if quick:
        return {"linear_classifiers": {"l0": one_submission_l0(runs)}}
    return {"linear_classifiers": one_submission(runs), "course": whole_course(runs)}


def one_submission_l0(runs):
    path = os.path.join("reference", "linear_classifiers")
    counts = []   # quick mode: the gradings that count the checks are the timed ones
    fig = measure(lambda: counts.append(checks_of(path, ["linear_classifiers"], "l0")), runs, warm=False)
    fig.update(checks=counts[-1][0], score=counts[-1][1], max_score=counts[-1][2], isolation="l0",
               command="dlgrader " + " ".join(grade_cmd(path, ["linear_classifiers"], "l0")[3:]))
    return fig


if __name__ == "__main__":
    run_alone(run)
