"""The GitHub Actions workflows in ci/github/: they parse, and their shell steps do what the README says when
run here (with `dlgrader` on PATH and GitHub's step environment variables faked)."""
import base64
import json
import os
import shutil
import subprocess
import sys

import pytest

from grader.spec import get
from helpers import REFERENCE, ROOT

yaml = pytest.importorskip("yaml")
CI = os.path.join(ROOT, "ci", "github")


def workflow(name):
    with open(os.path.join(CI, name)) as f:
        return yaml.safe_load(f)


def step(flow, job, name):
    return next(s for s in flow["jobs"][job]["steps"] if s.get("name") == name)


@pytest.fixture
def path_with_dlgrader(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "dlgrader"
    shim.write_text('#!/bin/sh\nexec "%s" -m grader.cli "$@"\n' % sys.executable)
    shim.chmod(0o755)
    return {"PATH": "%s:%s" % (bin_dir, os.environ["PATH"]), "PYTHONPATH": ROOT}


def run_step(script, cwd, env):
    """As GitHub runs a `run:` step: bash --noprofile --norc -eo pipefail."""
    path = os.path.join(str(cwd), ".step.sh")
    with open(path, "w") as f:
        f.write(script)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], cwd=str(cwd),
                          env=dict(os.environ, **env), capture_output=True, text=True, timeout=300)


def test_classroom_workflow_reports_a_v3_result_the_reporter_adds_up(tmp_path, path_with_dlgrader):
    flow = workflow("classroom.yml")
    assert flow["name"] == "Autograding Tests" and flow["permissions"]["checks"] == "write"
    grade = step(flow, "run-autograding-tests", "Grade with dlgrader")
    reporter = step(flow, "run-autograding-tests", "Autograding Reporter")
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    runner = reporter["with"]["runners"]
    assert reporter["env"]["%s_RESULTS" % runner.upper()] == "${{ steps.%s.outputs.result }}" % grade["id"]

    repo = tmp_path / "student-repo"
    repo.mkdir()
    for name in ("k_nearest_neighbor.py", "cross_validation.py"):
        text = open(os.path.join(REFERENCE, "knn", name)).read().replace("from .k_nearest", "from k_nearest")
        (repo / name).write_text(text)
    outputs = tmp_path / "github_output"
    env = dict(path_with_dlgrader, GITHUB_OUTPUT=str(outputs), **flow["env"])
    proc = run_step(grade["run"], repo, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (line,) = [x for x in outputs.read_text().splitlines() if x.startswith("result=")]
    result = json.loads(base64.b64decode(line[len("result="):]))
    assert result["version"] == 3 and result["max_score"] == get("knn").max_score
    assert len(result["tests"]) == len(get("knn").checks)
    for t in result["tests"]:
        assert {"name", "status", "score", "message"} <= set(t) and t["status"] in ("pass", "fail", "error")
    assert result["status"] == ("pass" if all(t["status"] == "pass" for t in result["tests"]) else "fail")
    # what the reporter's NotifyClassroom computes, the sum of test scores against max_score, is our total
    # (the reference earns full marks unless a machine far over its cores makes the speed check flip)
    total = sum(t["score"] for t in result["tests"])
    assert "total: %g / %g" % (total, result["max_score"]) in proc.stdout
    assert total >= result["max_score"] - 1


def test_ta_workflow_shards_then_merges(tmp_path, path_with_dlgrader):
    flow = workflow("ta-batch.yml")
    assert flow["jobs"]["grade"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert str(flow["env"]["SHARDS"]) == "4" and flow["jobs"]["merge"]["needs"] == "grade"
    work = tmp_path / "repo"
    (work / "submissions").mkdir(parents=True)
    for name in ("alice", "bob", "carol"):
        (work / "submissions" / (name + ".py")).write_text("x = 1\n")
    shutil.copytree(os.path.join(ROOT, "assignments", "knn"), str(work / "submissions" / "dave"))
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    grade = step(flow, "grade", "Grade shard")["run"]
    for shard in (1, 2):
        env = dict(path_with_dlgrader, INPUT="submissions", ASSIGNMENTS="knn", SHARDS="2", SHARD=str(shard),
                   RUNNER_TEMP=str(runner_temp), DLGRADER_COURSE_TOML='secret = "ci"\n')
        proc = run_step(grade, work, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not (work / "out" / ("shard-%d" % shard) / "work").exists()
        # upload-artifact then download-artifact (pattern shard-*) gives shards/shard-N/
        shutil.copytree(str(work / "out" / ("shard-%d" % shard)), str(work / "shards" / ("shard-%d" % shard)))
    summary = tmp_path / "step_summary.md"
    merge = step(flow, "merge", "Merge the shards into one gradebook")["run"]
    proc = run_step(merge, work, dict(path_with_dlgrader, GITHUB_STEP_SUMMARY=str(summary)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = (work / "gradebook" / "grades.csv").read_text().splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["alice", "bob", "carol", "dave"]
    assert "dlgrader: 4 students, 4 graded" in summary.read_text()
    assert json.load(open(str(work / "gradebook" / "batch.json")))["course_config"]


def test_classroom_workflow_reports_why_a_push_with_nothing_gradable_scores_zero(tmp_path, path_with_dlgrader):
    """dlgrader exits 2 (nothing gradable) but writes the zero result: the step goes on, the reporter gets it;
    a result file the student committed is never reported."""
    flow = workflow("classroom.yml")
    grade = step(flow, "run-autograding-tests", "Grade with dlgrader")
    repo = tmp_path / "student-repo"
    repo.mkdir()
    (repo / "k_nearest_neighbor.py").write_text("class KNearestNeighbor(:\n    pass\n")
    (repo / "dlgrader-result.json").write_text(json.dumps({"version": 3, "status": "pass", "max_score": 1,
                                                           "tests": [{"name": "x", "status": "pass", "score": 1}]}))
    outputs = tmp_path / "github_output"
    proc = run_step(grade["run"], repo, dict(path_with_dlgrader, GITHUB_OUTPUT=str(outputs), **flow["env"]))
    assert proc.returncode == 0 and "nothing to grade" in proc.stderr, proc.stdout + proc.stderr
    (line,) = [x for x in outputs.read_text().splitlines() if x.startswith("result=")]
    result = json.loads(base64.b64decode(line[len("result="):]))
    assert result["status"] == "fail" and sum(t["score"] for t in result["tests"]) == 0
    assert "syntax error" in result["tests"][0]["message"]
