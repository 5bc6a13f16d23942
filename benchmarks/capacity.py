"""What a MOOC-sized class needs: 10,000 whole-course submissions on a cluster, estimated from measured figures and
checked by simulating the sharded run.

    python -m benchmarks.capacity [--submissions 10000] [--cores 32] [--hours 4] [--measure N] [--from results.json]

The measurement (`--measure N`, N ≥ 4): a class of N whole-course submissions (benchmarks/batch_throughput.py's
cycle: reference, stubs, half done, reference), graded as a real sharded run here — `dlgrader batch --shard auto`
in 2 shards, one after the other, each `-j <cores here>` — then merged. Each student's grading seconds (its result
file) and each shard's wall time are kept.

The model. Every array task is one node's `dlgrader batch -j C` on its shard (the students whose SHA-256 falls in
it: `grader.batch.run.shard_of`, the real assignment): C grading processes, each taking the next submission when
it is free (grader/batch/pool.py), plus the batch's fixed cost (start-up, unpacking, the gradebook). The estimate
is the plain arithmetic, work / (nodes × C); the simulation runs the same scheduling submission by submission,
with per-submission seconds drawn (seeded) from the measured ones, and so includes what the arithmetic leaves out:
uneven shards (the hash), the last submissions of a shard, the fixed costs, the merge. It is checked first
against the measured 2-shard run (simulated with the measured seconds themselves), then run at full size.
Seconds measured at -j C on this machine already include sharing its cores; a node of another speed scales them.
"""
import argparse
import heapq
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shard_sizes(students, shards):
    from grader.batch.run import shard_of
    sizes = [0] * shards
    for s in students:
        sizes[shard_of(s, shards) - 1] += 1
    return sizes


def makespan(durations, cores):
    """Wall seconds of a pool of `cores` processes taking `durations` in order (each to the first free one)."""
    free = [0.0] * cores
    heapq.heapify(free)
    end = 0.0
    for d in durations:
        start = heapq.heappop(free)
        heapq.heappush(free, start + d)
        end = max(end, start + d)
    return end


def simulate(students, seconds_of, shards, cores, fixed, merge_per_student=0.0, merge_fixed=0.0):
    """{shard walls, makespan, merge}: every shard's batch (`fixed` + its pool's makespan), run side by side."""
    from grader.batch.run import shard_of
    per = [[] for _ in range(shards)]
    for s in sorted(students):                     # discovery order: sorted entries
        per[shard_of(s, shards) - 1].append(seconds_of(s))
    walls = [fixed + makespan(d, cores) for d in per]
    merge = merge_fixed + merge_per_student * len(students)
    return {"shard_walls": walls, "sizes": [len(d) for d in per], "makespan": max(walls) + merge, "merge": merge}


def estimate(n, mean_seconds, nodes, cores, fixed):
    """The arithmetic: work spread evenly, plus the fixed cost once."""
    return fixed + n * mean_seconds / (nodes * cores)


def nodes_for(n, mean_seconds, cores, fixed, hours):
    return max(1, int(-(-n * mean_seconds // (cores * (hours * 3600 - fixed)))))


def batch(klass, out, course, cores, env, shard=None):
    """Wall seconds of one `dlgrader batch` (shard: the 0-based index of 2, through --shard auto)."""
    cmd = [sys.executable, "-m", "grader.cli", "batch", klass, "-o", out, "-j", str(cores), "--course", course]
    if shard is not None:
        cmd += ["--shard", "auto"]
        env = dict(env, DLGRADER_SHARD_INDEX=str(shard), DLGRADER_SHARD_COUNT="2")
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def measure(n, cores, keep=None, names=None, merge_students=None, check=True):
    """Grade n whole-course submissions here (`names`: complete submissions of those assignments instead) three
    ways: unsharded, then in 2 shards (one after the other) and merged; and an empty shard (the fixed cost of a
    batch). Per-student grading seconds, every wall time, which students are complete."""
    from benchmarks.batch_throughput import COURSE, COURSE_KINDS, make_complete_class, make_course_class
    from grader.batch.run import shard_of
    top = tempfile.mkdtemp(prefix="dlgrader-capacity-")
    try:
        klass, lone = os.path.join(top, "class"), os.path.join(top, "lone")
        if names:
            make_complete_class(klass, n, names)
            make_complete_class(lone, 1, names)
            complete = ["s%03d" % i for i in range(n)]
        else:
            make_course_class(klass, n)
            make_course_class(lone, 1)
            complete = ["s%03d" % i for i in range(n) if COURSE_KINDS[i % len(COURSE_KINDS)] == "reference"]
        course = os.path.join(top, "course.toml")
        with open(course, "w") as f:
            f.write(COURSE)
        from benchmarks.timing import bench_env
        env = bench_env()
        for var in ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "SGE_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX"):
            env.pop(var, None)
        loads = [os.getloadavg()[0]]
        empty = batch(lone, os.path.join(top, "empty"), course, cores, env, shard=2 - shard_of("s000", 2))
        unsharded = batch(klass, os.path.join(top, "all"), course, cores, env) if check else None
        walls, seconds = [], {}
        for index in range(2):
            out = os.path.join(top, "shard-%d" % index)
            walls.append(batch(klass, out, course, cores, env, shard=index))
            results = os.path.join(out, "results")
            for name in (os.listdir(results) if os.path.isdir(results) else []):
                with open(os.path.join(out, "results", name)) as f:
                    record = json.load(f)
                seconds[record["student"]] = record["seconds"]
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader.cli", "merge", os.path.join(top, "shard-0"),
                        os.path.join(top, "shard-1"), "-o", os.path.join(top, "merged")], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        merge = time.perf_counter() - t0
        merge_students = merge_students or MERGE_STUDENTS
        merge_big = merge_scaling(top, env, merge_students)
        loads.append(os.getloadavg()[0])
        if keep:
            shutil.copytree(top, keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    return {"n": n, "cores": cores, "seconds": seconds, "shard_walls": walls, "unsharded": unsharded,
            "empty": empty, "merge": merge, "merge_big": merge_big, "merge_students": merge_students, "load": loads, "complete": complete,
            "assignments": names or "all"}


MERGE_STUDENTS = 2000


def merge_scaling(top, env, students):
    """Seconds of `dlgrader merge` of 2 shards holding `students` results in all: the measured shards' results
    and reports copied under new ids (the merge reads, copies and tabulates them; it grades nothing)."""
    import glob
    from grader.batch.run import shard_of
    from grader.batch.store import Outdir
    records = [p for p in glob.glob(os.path.join(top, "shard-*", "results", "*.json"))]
    if not records:
        return None
    for k in range(2):
        Outdir(os.path.join(top, "big-%d" % k))
    entries = [[], []]
    for i in range(students):
        sid = "m%06d" % i
        k = shard_of(sid, 2) - 1
        with open(records[i % len(records)]) as f:
            record = json.load(f)
        src_slug = record["slug"]
        record.update(student=sid, slug=sid)
        out = Outdir(os.path.join(top, "big-%d" % k))
        os.makedirs(out.results, exist_ok=True)
        os.makedirs(out.reports, exist_ok=True)
        with open(out.result_path(sid), "w") as f:
            json.dump(record, f)
        src = os.path.dirname(os.path.dirname(records[i % len(records)]))
        for ext in (".md", ".html"):
            path = os.path.join(src, "reports", src_slug + ext)
            if os.path.exists(path):
                shutil.copy(path, os.path.join(out.reports, sid + ext))
        entries[k].append({"student": sid, "slug": sid})
    for k in range(2):
        manifest = Outdir(os.path.join(top, "shard-%d" % k)).manifest()
        manifest.update(students=entries[k], shard=[k + 1, 2])
        Outdir(os.path.join(top, "big-%d" % k)).write_manifest(manifest)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader.cli", "merge", os.path.join(top, "big-0"), os.path.join(top, "big-1"),
                    "-o", os.path.join(top, "big-merged")], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def fit(m):
    """(fixed, per-submission overhead): the batch's fixed cost is the empty shard's wall; the overhead of a
    submission beyond its grading (its reports, its result file, the pool) is what the 2 shards' walls hold
    beyond fixed + their pools' makespans, spread over their submissions."""
    from grader.batch.run import shard_of
    per = [[] for _ in range(2)]
    for s in sorted(m["seconds"]):
        per[shard_of(s, 2) - 1].append(m["seconds"][s])
    extra = [(w - m["empty"] - makespan(d, m["cores"])) / max(1.0, len(d) / m["cores"])
             for w, d in zip(m["shard_walls"], per)]
    return m["empty"], max(0.0, statistics.mean(extra))


def check_model(m):
    """The fitted model's prediction of the unsharded run (not used to fit it), to hold against its measured wall
    (None when it was not measured)."""
    fixed, overhead = fit(m)
    students = sorted(m["seconds"])
    return fixed, overhead, fixed + makespan([m["seconds"][s] + overhead for s in students], m["cores"])


def report(m, submissions, cores, hours, seed=0):
    fixed, overhead, predicted = check_model(m)
    sample = sorted(v + overhead for v in m["seconds"].values())
    mean = statistics.mean(sample)
    big = m.get("merge_big")   # merge = a fixed part (the small merge) + a part per student (the large one's rest)
    merge_per_student = max(0.0, (big - m["merge"]) / (m["merge_students"] - m["n"])) if big else m["merge"] / m["n"]
    rng = random.Random(seed)
    students = ["s%06d" % i for i in range(submissions)]
    drawn = {s: rng.choice(sample) for s in students}
    nodes = nodes_for(submissions, mean, cores, fixed, hours)
    rows = []
    for k in sorted({1, 2, 4, 8, nodes}):
        sim = simulate(students, drawn.__getitem__, k, cores, fixed, merge_per_student, m["merge"])
        rows.append({"nodes": k, "cores": cores, "estimate_s": estimate(submissions, mean, k, cores, fixed),
                     "simulated_s": sim["makespan"], "largest_shard": max(sim["sizes"]),
                     "smallest_shard": min(sim["sizes"]), "merge_s": sim["merge"],
                     "core_hours": k * cores * sim["makespan"] / 3600})
    complete = sorted(m["seconds"][s] + overhead for s in m.get("complete", []) if s in m["seconds"]) or sample
    klass = ["c%03d" % i for i in range(300)]
    drawn300 = {s: rng.choice(complete) for s in klass}
    class300 = simulate(klass, drawn300.__getitem__, 1, m["cores"], fixed)["makespan"]
    return {"class_300": {"cores": m["cores"], "simulated_s": class300, "mean_complete": statistics.mean(complete)},
            "measured_raw": m, "per_submission": {
                "mean": mean, "median": statistics.median(sample), "min": sample[0], "max": sample[-1],
                "n": len(sample), "overhead": overhead},
            "fixed": fixed, "check": {"predicted_unsharded": predicted, "measured_unsharded": m["unsharded"]},
            "submissions": submissions, "hours": hours, "work_core_hours": submissions * mean / 3600,
            "rows": rows}


def table(r):
    m = r["measured_raw"]
    p = r["per_submission"]
    lines = [
        "Measured here (1-minute load %s): %d %s, "
        "`dlgrader batch -j %d` unsharded %s; as 2 shards (`--shard auto`, one after the other) %s, merged in "
        "%.1f s; an empty shard (the fixed cost of a batch) %.1f s. Per submission: %.1f s mean (median %.1f, "
        "%.1f–%.1f) of grading and reports, each grading sharing the %d core(s) with the others. Fitted on the "
        "shards, the model predicts the unsharded run at %.0f s: measured %s. A merge of %d students' "
        "results takes %s."
        % (" → ".join("%.1f" % x for x in m["load"]), m["n"], "whole-course submissions (reference, stubs, half done, "
           "reference)" if m.get("assignments", "all") == "all" else "complete submissions of %s" % ", ".join(
               m["assignments"]), m["cores"], "%.0f s" % m["unsharded"] if m["unsharded"] is not None else "not run",
           " and ".join("%.0f s" % w for w in m["shard_walls"]), m["merge"], m["empty"], p["mean"], p["median"],
           p["min"], p["max"], m["cores"], r["check"]["predicted_unsharded"],
           "%.0f s" % m["unsharded"] if m["unsharded"] is not None else "not run",
           m.get("merge_students", 0), "%.1f s" % m["merge_big"] if m.get("merge_big") else "—"), "",
        "A class of 300 complete submissions at `-j %d` here (one batch, the complete ones' seconds, %.1f s each "
        "on average): %.0f min simulated." % (r["class_300"]["cores"], r["class_300"]["mean_complete"],
                                             r["class_300"]["simulated_s"] / 60), "",
        "%d whole-course submissions: %.0f core-hours of grading at that rate. Sharded runs (one array task per "
        "node, `-j` = its cores; simulated submission by submission, per-submission seconds drawn from the "
        "measured ones):" % (r["submissions"], r["work_core_hours"]), "",
        "| nodes × cores | estimate (work / cores) | simulated makespan | shard sizes | merge | core-hours |",
        "|---|---|---|---|---|---|"]
    for row in r["rows"]:
        lines.append("| %d × %d | %.2f h | %.2f h | %d–%d | %.0f s | %.0f |" % (
            row["nodes"], row["cores"], row["estimate_s"] / 3600, row["simulated_s"] / 3600, row["smallest_shard"],
            row["largest_shard"], row["merge_s"], row["core_hours"]))
    return "\n".join(lines)


def run(runs=1, quick=False, cores=None):
    """For `python -m benchmarks`: a measured 2-shard run of 8 whole-course submissions (quick: 2 `schedules`
    submissions, and the figures mean nothing), then the 10,000-submission simulation on 32-core nodes with a
    4-hour goal."""
    if quick:
        m = measure(2, 1, names=["schedules"], merge_students=40, check=False)
    else:
        m = measure(8, cores or os.cpu_count() or 1)
    r = report(m, 10000, 32, 4.0)
    r["table"] = table(r)
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--submissions", type=int, default=10000)
    p.add_argument("--cores", type=int, default=32, help="cores per node")
    p.add_argument("--hours", type=float, default=4.0, help="the time the run should take")
    p.add_argument("--measure", type=int, default=8, help="whole-course submissions graded here (2 shards)")
    p.add_argument("--from", dest="source", help="a results.json with a `capacity` section: no measuring")
    p.add_argument("--keep", help="copy the measured run's folders here")
    args = p.parse_args()
    if args.source:
        m = json.load(open(args.source))["capacity"]["measured_raw"]
    else:
        m = measure(args.measure, os.cpu_count() or 1, args.keep)
    r = report(m, args.submissions, args.cores, args.hours)
    print(table(r))


if __name__ == "__main__":
    main()
