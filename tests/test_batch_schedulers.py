"""`dlgrader batch --shard auto` and the cluster templates (ci/slurm/, ci/k8s/): each template's shell runs here as
its scheduler would run it — one process per array task, with the scheduler's variables set, `dlgrader` on PATH
and the shared volume at a temporary path — and the merged gradebook equals the unsharded one."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from grader.batch.run import BatchError, parse_shard
from grader.batch.schedulers import ShardError, from_environment
from helpers import REFERENCE, ROOT, STUBS

SHARDS = 3


@pytest.mark.parametrize("environ,expected", [
    ({"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "9",
      "SLURM_ARRAY_TASK_COUNT": "10"}, (1, 10, "Slurm job array")),
    ({"SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "10"},
     (10, 10, "Slurm job array")),                                  # an older Slurm without _COUNT
    ({"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
      "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "5"}, (3, 5, "Slurm job array")),   # --array=1-9:2
    ({"JOB_COMPLETION_INDEX": "2", "DLGRADER_SHARD_COUNT": "4"}, (3, 4, "Kubernetes Indexed Job")),
    ({"DLGRADER_SHARD_INDEX": "0", "DLGRADER_SHARD_COUNT": "4", "SLURM_ARRAY_TASK_ID": "3"},
     (1, 4, "DLGRADER_SHARD_INDEX")),                               # GitHub Actions: strategy.job-index; named wins
    ({"SGE_TASK_ID": "4", "SGE_TASK_FIRST": "1", "SGE_TASK_LAST": "4", "SGE_TASK_STEPSIZE": "1"},
     (4, 4, "Grid Engine array job")),
    ({"SGE_TASK_ID": "undefined", "AWS_BATCH_JOB_ARRAY_INDEX": "0", "DLGRADER_SHARD_COUNT": "2"},
     (1, 2, "AWS Batch array job")),
])
def test_shard_auto_reads_each_engines_array_index(environ, expected):
    assert from_environment(environ) == expected
    assert parse_shard("auto", environ) == expected[:2]


@pytest.mark.parametrize("environ,says", [
    ({}, "no array-job index"),
    ({"JOB_COMPLETION_INDEX": "1"}, "set DLGRADER_SHARD_COUNT"),
    ({"JOB_COMPLETION_INDEX": "4", "DLGRADER_SHARD_COUNT": "4"}, "not one of 4 tasks"),
    ({"SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
      "SLURM_ARRAY_TASK_COUNT": "3"}, "contiguous array"),          # --array=1,5,9: shards would be missing
    ({"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "1"}, "not a number"),
])
def test_shard_auto_refuses_what_does_not_describe_a_whole_array(environ, says):
    with pytest.raises(ShardError, match=says):
        from_environment(environ)
    with pytest.raises(BatchError, match=says):
        parse_shard("auto", environ)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A small class on a 'shared volume', dlgrader on PATH, and its unsharded gradebook."""
    top = tmp_path_factory.mktemp("cluster")
    data = top / "data"
    klass = data / "class"
    klass.mkdir(parents=True)
    shutil.copytree(os.path.join(REFERENCE, "schedules"), str(klass / "alice"))
    shutil.copytree(os.path.join(STUBS, "schedules"), str(klass / "bob"))
    (klass / "carol.py").write_text("x = 1\n")
    shutil.copytree(os.path.join(REFERENCE, "schedules"), str(klass / "dave"))
    for path in (klass / "dave").glob("*.py"):     # a wrong power: some checks fail
        path.write_text(path.read_text().replace("**", "*"))
    shutil.copytree(os.path.join(REFERENCE, "schedules"), str(klass / "erin"))
    course = top / "course.toml"
    course.write_text('secret = "cluster-test"\n')
    course.chmod(0o600)
    bin_dir = top / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "dlgrader"
    shim.write_text('#!/bin/sh\nexec "%s" -m grader.cli "$@"\n' % sys.executable)
    shim.chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]), PYTHONPATH=ROOT)
    for var in list(env):   # a test run inside a real array job must not leak its index into the shards
        if var.startswith(("SLURM_", "DLGRADER_SHARD", "JOB_COMPLETION_INDEX", "SGE_TASK", "AWS_BATCH")):
            del env[var]
    env.pop("DLGRADER_ALLOW_DEFAULT_SECRET", None)   # the templates grade with the course's own secret
    whole = top / "unsharded"
    proc = subprocess.run(["dlgrader", "batch", str(klass), "-o", str(whole), "-a", "schedules", "-j", "1",
                           "--course", str(course)], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {"top": top, "data": data, "class": klass, "course": course, "env": env,
            "grades": (whole / "grades.csv").read_text()}


def run_tasks(scripts, cwd):
    """Start every task at once, as the scheduler would; (returncode, output) of each."""
    procs = [subprocess.Popen(cmd, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True) for cmd, env in scripts]
    return [(p.wait(timeout=300), p.stdout.read()) for p in procs]


def sbatch_options(path):
    return dict(re.findall(r"^#SBATCH --([\w-]+)=(\S+)", open(path).read(), re.M))


def test_slurm_array_grades_the_class_in_shards_and_merges_it(cluster, tmp_path):
    here = os.path.join(ROOT, "ci", "slurm")
    options = sbatch_options(os.path.join(here, "grade.sbatch"))
    assert options["cpus-per-task"].isdigit() and options["job-name"] == "dlgrader"
    submit = open(os.path.join(here, "submit.sh")).read()
    assert '--array="0-$((SHARDS - 1))"' in submit and '--dependency="afterany:$ARRAY"' in submit
    out = tmp_path / "out"
    common = dict(cluster["env"], DLGRADER_INPUT=str(cluster["class"]), DLGRADER_OUT=str(out),
                  DLGRADER_COURSE=str(cluster["course"]), DLGRADER_ASSIGNMENTS="schedules",
                  SLURM_ARRAY_JOB_ID="4242", SLURM_ARRAY_TASK_MIN="0", SLURM_ARRAY_TASK_MAX=str(SHARDS - 1),
                  SLURM_ARRAY_TASK_COUNT=str(SHARDS), SLURM_CPUS_PER_TASK="1")
    tasks = [(["bash", os.path.join(here, "grade.sbatch")], dict(common, SLURM_ARRAY_TASK_ID=str(i)))
             for i in range(SHARDS)]
    for code, output in run_tasks(tasks, tmp_path):
        assert code == 0, output
        assert "--shard auto: shard" in output and "(Slurm job array)" in output
    assert sorted(os.listdir(out)) == ["shard-%d" % i for i in range(SHARDS)]
    assert not (out / "shard-0" / "work").exists()
    proc = subprocess.run(["bash", os.path.join(here, "merge.sbatch")], cwd=str(tmp_path), env=common,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "gradebook" / "grades.csv").read_text() == cluster["grades"]


def kubernetes_script(manifest, volume, course):
    """The container's shell script, with the volume and the secret where this machine has them."""
    import yaml
    with open(manifest) as f:
        job = yaml.safe_load(f)
    container = job["spec"]["template"]["spec"]["containers"][0]
    command = container["command"]
    assert command[:2] == ["/bin/sh", "-c"]
    env = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    script = command[2].replace("/etc/dlgrader/course.toml", str(course)).replace("/data", str(volume))
    return job, script, {k: v.replace("/data", str(volume)) for k, v in env.items()}


def test_kubernetes_indexed_job_grades_the_class_in_shards_and_merges_it(cluster, tmp_path):
    pytest.importorskip("yaml")
    here = os.path.join(ROOT, "ci", "k8s")
    volume = tmp_path / "data"
    shutil.copytree(str(cluster["class"]), str(volume / "class"))
    job, script, env = kubernetes_script(os.path.join(here, "indexed-job.yaml"), volume, cluster["course"])
    spec = job["spec"]
    assert job["kind"] == "Job" and spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"] == int(env["DLGRADER_SHARD_COUNT"])
    mounts = {m["name"]: m["mountPath"] for m in spec["template"]["spec"]["containers"][0]["volumeMounts"]}
    assert mounts == {"data": "/data", "course": "/etc/dlgrader"}
    env.update(DLGRADER_INPUT=str(volume / "class"), DLGRADER_ASSIGNMENTS="schedules", DLGRADER_JOBS="1",
               DLGRADER_SHARD_COUNT=str(SHARDS))                  # 3 pods here; the manifest's count is checked above
    tasks = [(["/bin/sh", "-c", script], dict(cluster["env"], JOB_COMPLETION_INDEX=str(i), **env))
             for i in range(SHARDS)]
    for code, output in run_tasks(tasks, tmp_path):
        assert code == 0, output
        assert "(Kubernetes Indexed Job)" in output
    merge, merge_script, _ = kubernetes_script(os.path.join(here, "merge-job.yaml"), volume, cluster["course"])
    assert merge["kind"] == "Job"
    proc = subprocess.run(["/bin/sh", "-c", merge_script], cwd=str(tmp_path), env=cluster["env"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (volume / "out" / "gradebook" / "grades.csv").read_text() == cluster["grades"]
    assert sorted(os.listdir(volume / "out")) == ["gradebook"] + ["shard-%d" % i for i in range(SHARDS)]
