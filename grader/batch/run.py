"""`dlgrader batch` and `dlgrader merge`: a whole class, in parallel, resumable, sharded, then one gradebook.

    run_batch(INPUT, OUTDIR, names, jobs=N, resume=..., shard=(i, n), ...)   grade what is missing, then finalize
    finalize(OUTDIR)                                                         rebuild every file from the results
    merge([OUTDIR, ...], OUT)                                                join shards, then finalize
"""
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field

from .. import spec
from ..course import DEFAULT_SECRET, Course, DefaultSecretError, refuse_default_secret
from ..report import environment
from ..util import atomic_write, atomic_write_bytes
from .inputs import discover, stage_all
from .pool import run_jobs
from .store import Outdir, error_record, identity, job_of


class BatchError(Exception):
    """The batch cannot run as asked (exit status 2); the message says why and what to do."""


@dataclass
class Outcome:
    students: int = 0
    graded_now: int = 0
    already: int = 0
    problems: list = field(default_factory=list)
    seconds: float = 0.0
    missing: int = 0


def parse_shard(text):
    """'2/4' -> (2, 4); shards are numbered 1..N."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except (AttributeError, ValueError):
        raise BatchError("--shard wants I/N, e.g. 2/4 (got %r)" % (text,))
    if not 1 <= i <= n:
        raise BatchError("--shard %s: I must be between 1 and N" % text)
    return i, n


def shard_of(student, n):
    """1..n, from a stable hash of the id (the same on every machine and Python version)."""
    return int.from_bytes(hashlib.sha256(student.encode("utf-8")).digest()[:8], "big") % n + 1


def resolve_names(names):
    every = [a.name for a in spec.assignments()]
    unknown = sorted(set(names or ()) - set(every))
    if unknown:
        raise BatchError("unknown assignment(s): %s (see `dlgrader list`)" % ", ".join(unknown))
    return [n for n in every if n in names]


def detect_assignments(entries, work):
    """Without -a: the assignments that at least one submission of the class defines (found by reading the
    source, as `dlgrader grade` selects them; nothing is run), in course order; all of them if none does.
    Computed over the whole class, so every shard and every resume gets the same gradebook columns."""
    import tempfile
    from ..run import _defines
    from ..submission import prepare
    every = spec.assignments()
    found = set()
    os.makedirs(work, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="detect-", dir=work)
    try:
        for i, e in enumerate(entries):
            dest = os.path.join(scratch, str(i))
            try:
                sub = prepare(e.path, dest)
            except Exception:       # unreadable: it selects nothing (grading will say why)
                continue
            for a in every:
                if a.name not in found and (_defines(sub, a, every) or (getattr(a, "answers", None) and
                                                                         getattr(sub, "answers", None))):
                    found.add(a.name)
            shutil.rmtree(dest, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return [a.name for a in every if a.name in found] or [a.name for a in every]


def max_scores(names, course=None):
    """{assignment: its max score under the course's profile (what the profile grades)}."""
    return {n: float(spec.get(n).graded(course or Course()).max_score) for n in names}


def default_timeout(course, names):
    """Per submission: every assignment's budget, worker starts and restarts, and a margin."""
    lim = course.limits
    return 60.0 + len(names) * (2.0 * lim.budget + 3.0 * lim.start_timeout)


def run_batch(input_path, outdir, names=(), jobs=None, resume=False, shard=None, id_pattern=None, course_path=None,
              force=False, retry_errors=False, timeout=None, progress=None, command=None, isolation="auto",
              require=None, lang="en", allow_default_secret=None):
    started = time.monotonic()
    from ..isolation import IsolationError, probe, require as require_level
    try:
        iso = probe(isolation)
        require_level(iso, require)
    except IsolationError as exc:
        raise BatchError(str(exc))
    course_path = course_path or os.environ.get("DLGRADER_COURSE") or None
    try:
        course = Course.load(course_path)
    except (OSError, ValueError) as exc:
        raise BatchError("bad course settings: %s" % exc)
    course_path = os.path.abspath(course_path) if course_path else None
    try:    # every assignment has hidden checks: refuse before anything is unpacked or graded
        refuse_default_secret(course, allow_default_secret)
    except DefaultSecretError as exc:
        raise BatchError(str(exc))
    names = resolve_names(names)
    store = Outdir(outdir)
    found = discover(input_path, store.work, id_pattern)
    stage_all(found.entries, store.work)
    names = names or detect_assignments(found.entries, store.work)
    ident = identity(course, names)
    previous = store.manifest()
    on_disk = store.done()
    settings = {"shard": list(shard) if shard else None, "id_pattern": id_pattern}
    if on_disk and not resume and not force:
        raise BatchError("%s already holds %d result(s): add --resume to grade only what is missing, or --force "
                         "to grade everything again" % (outdir, len(on_disk)))
    if resume and previous:
        differs = [k for k in ident if previous.get(k) != ident[k]]
        differs += [k for k in settings if previous.get(k) != settings[k]]
        if differs and not force:
            raise BatchError("%s was made with a different %s (%s); resuming would mix gradebooks: use a new "
                             "OUTDIR, or --force to resume anyway" % (
                                 outdir, ", ".join(differs),
                                 "; ".join("%s: %s, now %s" % (k, json.dumps(previous.get(k)),
                                                               json.dumps(ident.get(k, settings.get(k))))
                                           for k in differs)))
    if force and not resume:
        store.clear()
        on_disk = {}

    entries = [e for e in found.entries if not shard or shard_of(e.student, shard[1]) == shard[0]]
    manifest = dict(ident, **settings, schema=1, input=os.path.basename(os.path.abspath(input_path)),
                    layout=found.layout, environment=environment(course), isolation=iso.describe(),
                    max_scores=max_scores(names, course), skipped=found.skipped,
                    students=[{"student": e.student, "slug": e.slug} for e in entries],
                    forced=bool(force and resume and previous), resumed=bool(resume and on_disk))
    store.write_manifest(manifest)

    redo = {"error", "timeout"} if retry_errors else set()
    todo = [e for e in entries if e.slug not in on_disk or on_disk[e.slug] in redo]
    outcome = Outcome(students=len(entries), already=len(entries) - len(todo))
    setup = {"course": course_path, "names": names, "outdir": store.path, "max_scores": max_scores(names, course),
             "isolation": isolation, "lang": lang, "allow_default_secret": course.secret == DEFAULT_SECRET}
    limit = timeout or default_timeout(course, names)

    def done(job, message, why, status):
        if why is not None:
            record = error_record(job, why, status, max_scores(names, course))
            store.write_result(record, lang=lang)
            message = {"slug": job["slug"], "status": status, "score": 0.0, "max_score": record["max_score"]}
            outcome.problems.append((job["student"], status, why))
        outcome.graded_now += 1
        if progress:
            progress.advance(job, message)

    if progress:
        progress.start(len(todo), outcome.already)
    try:
        extra = {"command": command} if command else {}
        run_jobs([job_of(e) for e in todo], jobs or os.cpu_count() or 1, setup, done, store.logs, timeout=limit,
                 **extra)
    finally:
        if progress:
            progress.stop()
    outcome.missing = finalize(store.path)
    outcome.seconds = time.monotonic() - started
    return outcome


def finalize(outdir):
    """Rebuild grades.csv, the Canvas CSV, junit.xml and the summaries from results/; return how many
    students of the batch have no result yet."""
    from ..reports import gradebook, junit, summary
    store = Outdir(outdir)
    manifest = store.manifest() or {}
    names = manifest.get("assignments", [])
    maxima = manifest.get("max_scores") or max_scores(names)
    expected = sorted(manifest.get("students", []), key=lambda e: e["student"])
    records = {}
    for e in expected:
        try:
            records[e["slug"]] = store.load(e["slug"])
        except (OSError, ValueError):
            pass
    table = gradebook.rows(expected, records, names)
    atomic_write(os.path.join(store.path, "grades.csv"), gradebook.grades_csv(table, names))
    atomic_write(os.path.join(store.path, "grades_canvas.csv"), gradebook.canvas_csv(table, names, maxima))
    ordered = [records[e["slug"]] for e in expected if e["slug"] in records]
    atomic_write(os.path.join(store.path, "junit.xml"), junit.junit_xml(ordered))
    overview = summary.build(manifest, expected, records, names, maxima)
    atomic_write(os.path.join(store.path, "summary.json"), json.dumps(overview, indent=2, ensure_ascii=False) + "\n")
    atomic_write(os.path.join(store.path, "summary.html"), summary.to_html(overview))
    return len(expected) - len(records)


MERGE_KEYS = ("grader", "course_config", "assignments")


def merge(outdirs, out, force=False):
    """Join shard OUTDIRs into `out`. Refuses shards made by another grader version, course configuration
    or assignment list (unless `force`), overlapping shards and students graded twice."""
    manifests = []
    for d in outdirs:
        m = Outdir(d).manifest()
        if m is None:
            raise BatchError("%s is not a batch OUTDIR (no batch.json)" % d)
        manifests.append(m)
    first = manifests[0]
    for d, m in zip(outdirs[1:], manifests[1:]):
        differs = [k for k in MERGE_KEYS if m.get(k) != first.get(k)]
        if differs and not force:
            raise BatchError("cannot merge %s with %s: different %s (%s)" % (
                d, outdirs[0], ", ".join(differs),
                "; ".join("%s vs %s" % (json.dumps(m.get(k)), json.dumps(first.get(k))) for k in differs)))
    shards = [tuple(m["shard"]) if m.get("shard") else None for m in manifests]
    if all(shards):
        counts = {n for _, n in shards}
        seen = [i for i, _ in shards]
        if len(counts) != 1 or len(set(seen)) != len(seen):
            raise BatchError("the shards do not belong together: %s" % ", ".join("%d/%d" % s for s in shards))
        absent = sorted(set(range(1, shards[0][1] + 1)) - set(seen))
        if absent and not force:
            raise BatchError("shard(s) %s of %d are missing; merge them all, or --force for a partial gradebook"
                             % (", ".join(map(str, absent)), shards[0][1]))
    target = Outdir(out)
    if os.path.abspath(out) in {os.path.abspath(d) for d in outdirs}:
        raise BatchError("the merged OUTDIR must be a new folder")
    target.clear()
    students, owner = [], {}
    for d, m in zip(outdirs, manifests):
        for e in m.get("students", []):
            if e["student"] in owner:
                raise BatchError("%s is in both %s and %s" % (e["student"], owner[e["student"]], d))
            owner[e["student"]] = d
            students.append(e)
            src = Outdir(d)
            if os.path.exists(src.result_path(e["slug"])):   # reports first, the result (commit point) last
                for here, there, ext in ((src.reports, target.reports, ".md"), (src.reports, target.reports, ".html"),
                                         (src.results, target.results, ".json")):
                    path = os.path.join(here, e["slug"] + ext)
                    if os.path.exists(path):
                        with open(path, "rb") as f:
                            atomic_write_bytes(os.path.join(there, e["slug"] + ext), f.read())
    merged = {k: first.get(k) for k in MERGE_KEYS}
    merged.update(schema=1, shard=None, id_pattern=first.get("id_pattern"), input=first.get("input"),
                  layout=first.get("layout"), environment=first.get("environment"), isolation=first.get("isolation"),
                  max_scores=first.get("max_scores"), merged_from=[os.path.abspath(d) for d in outdirs],
                  skipped=first.get("skipped", []), students=sorted(students, key=lambda e: e["student"]),
                  forced=bool(force))
    target.write_manifest(merged)
    return finalize(target.path)
