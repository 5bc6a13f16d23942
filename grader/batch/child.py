"""One grading process of a batch (trusted): it calls grader.run.grade(), which runs student code only in
sandboxed workers. It never imports student code, so a pool of these is safe.

    python -m grader.batch.child SLOT        started by grader.batch.pool; speaks JSON lines

stdin:  {"course": path or null, "names": [...], "outdir": dir, "isolation": mode}, then one job per line
stdout: {"ready": true, "pid": ...}, then after each job, once its result file is written:
        {"slug": ..., "status": ..., "score": ..., "max_score": ..., "seconds": ...}
Anything else this process prints goes to stderr (the batch's log file), never into the protocol.
"""
import json
import os
import signal
import sys
import time
import traceback


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    slot = int(argv[0])
    signal.signal(signal.SIGTERM, _stop)
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(msg):
        try:
            proto.write(json.dumps(msg) + "\n")
        except BrokenPipeError:     # the batch is gone (killed): the result file is written; stop here
            os._exit(0)

    from ..course import Course
    from ..isolation import probe
    from .store import Outdir

    setup = json.loads(sys.stdin.readline())
    course = Course.load(setup["course"]) if setup.get("course") else Course()
    isolation = probe(setup.get("isolation") or "auto")
    store = Outdir(setup["outdir"])
    names = setup["names"]
    send({"ready": True, "pid": os.getpid(), "slot": slot})
    for line in sys.stdin:
        job = json.loads(line)
        record, report = grade_job(job, names, course, isolation, slot, setup.get("max_scores", {}),
                                   setup.get("allow_default_secret", False))
        store.write_result(record, report, setup.get("lang", "en"))
        send({"slug": job["slug"], "status": record["status"], "score": record["score"],
              "max_score": record["max_score"], "seconds": record["seconds"]})
    return 0


def grade_job(job, names, course, isolation, slot, max_scores, allow_default_secret=False):
    from ..run import grade
    from .store import error_record, make_record
    t0 = time.monotonic()
    try:
        report = grade(job["path"], names, course, isolation=isolation, slot=slot, student_id=job["student"],
                       allow_default_secret=allow_default_secret)   # the batch refused or allowed it already
    except Exception as exc:   # a bug in the grader, not in the submission: record it, keep going
        from ..run import scrub_paths
        sys.stderr.write("dlgrader: internal error grading %s:\n%s" % (job["student"], traceback.format_exc(limit=8)))
        message = "internal grader error (%s: %s); the course staff have the details in the batch's logs" % (
            type(exc).__name__, scrub_paths(str(exc))[:300])
        record = error_record(job, message, "error", max_scores)
        record["seconds"] = round(time.monotonic() - t0, 3)
        return record, None
    record = make_record(job, report, names)
    record["peak_rss_mb"] = peak_rss_mb()
    return record, report


def peak_rss_mb():
    """The largest resident memory of this grading process so far, in MiB (its sandboxed workers not included):
    with the grading process reused for every submission it takes, it shows whether the parent's memory stays
    bounded (benchmarks/README.md). Linux: VmHWM (ru_maxrss would count the batch's own memory, which a forked
    and exec'd child inherits in that figure)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except (OSError, ValueError, IndexError):
        pass
    import resource
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / (1024.0 * 1024.0) if sys.platform == "darwin" else kb / 1024.0, 1)


def _stop(signum, frame):
    """Stopped by the batch (a timeout, Ctrl-C): unwind, so grade() kills its sandboxed worker on the way."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
