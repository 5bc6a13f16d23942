"""The `dlgrader` command.

    dlgrader list                                   assignments, checks, points, visibility
    dlgrader grade PATH [-a NAME]... [--format text|json|gradescope|classroom|markdown|html] [--lang en|fa] [-o FILE]
    dlgrader check [NAME] [--path DIR] [--lang en|fa] [--html FILE]   the student's self-check: public checks only
    dlgrader batch INPUT -o OUTDIR [-a NAME]... [-j N] [--resume] [--shard I/N|auto] [--id-pattern RE] [--force]
    dlgrader merge OUTDIR... -o OUT                 join shard outputs into one gradebook
    dlgrader gradescope -o autograder.zip [-a NAME]...   a Gradescope autograder bundle
    dlgrader release OUT [-a NAME]... [--course FILE]                  the student kit (no reference, no secret)
    dlgrader answers [--variant ID] [--format md|json|tex|toml] [--update|--check]   the analytic answer key

Exit status: see EXIT_STATUS below (`dlgrader --help` prints it).
"""
import argparse
import os
import sys

from .util import atomic_write

EXIT_STATUS = """exit status:
  grade   0  graded, whatever the score (a student who scored zero included)
          2  not graded: bad arguments, a path that does not exist, or a submission in which nothing
             gradable was found (one line on stderr says why; with -o and a format other than text the
             zero result is written all the same, so Gradescope or Classroom shows the student why)
  check   0  every public check that ran passed (and the answers sheet, if read, has no problem);
          1  a public check failed, or the answers sheet has a problem (TODO, an answer that does not parse
             or is not of the form asked);  2  as for grade
  batch   0  the class was graded (errors and timeouts of single students are in the summary);  2  bad
             arguments or input;  130  interrupted (rerun with --resume)
  merge   0  merged;  1  some students have no result yet;  2  the shards do not fit together
  answers --check  0  the stored key is right;  1  an answer differs
  release, gradescope  0  written;  2  bad arguments
  any     2  a usage error (unknown command or option)"""


def cmd_list(args):
    from . import spec
    from .i18n import Catalog
    catalog = Catalog(getattr(args, "lang", "en"))
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    print(catalog.phrase("list_profile", profile=course.profile))
    for a in spec.assignments():
        a = a.graded(course)
        print("%s — %s (%s)" % (a.name, catalog.fragment(a.title),
                                catalog.phrase("points", points="%g" % a.max_score)))
        for c in a.checks:
            shown = c.visibility if catalog.lang == "en" else catalog.phrase("visibility." + c.visibility)
            print("  %-44s %-9s %5g  %-7s %s" % (c.name, c.kind, c.points, shown, catalog.describe(c)))
        values = a.setting_choices(course)
        for st in a.course_settings:
            value = values[st.name] if len(values[st.name]) > 1 else values[st.name][0]
            print("  course setting [settings.%s] %s = %r (allowed: %s) %s" % (
                a.name, st.name, value, ", ".join(map(repr, st.allowed)), st.description))
    return 0


def load_course(args):
    from .course import Course
    return Course.load(getattr(args, "course", None))


def start_probe(args):
    """Probe the isolation layers in a thread while the grader imports its libraries (it costs a sandbox
    start; the imports cost more, so the probe is then free)."""
    from concurrent.futures import ThreadPoolExecutor
    from .isolation import probe
    pool = ThreadPoolExecutor(1)
    args.probe = pool.submit(probe, args.isolation)
    pool.shutdown(wait=False)


def load_isolation(args):
    """The isolation to grade with, or None after printing why grading must not run."""
    from .isolation import IsolationError, probe, require
    try:
        iso = args.probe.result() if getattr(args, "probe", None) else probe(args.isolation)
        require(iso, args.require)
        return iso
    except IsolationError as exc:
        print("dlgrader: %s" % exc, file=sys.stderr)
        return None


def cmd_grade(args):
    if not os.path.exists(args.path):
        print("dlgrader: no such file or folder: %s" % args.path, file=sys.stderr)
        return 2
    start_probe(args)
    from .run import grade
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    iso = load_isolation(args)
    if iso is None:
        return 2
    student_id = args.student_id
    if student_id is None and args.gradescope_metadata:
        student_id = gradescope_student_id(args.gradescope_metadata)
    from .course import DefaultSecretError
    from .run import NothingToGrade
    try:
        report = grade(args.path, args.assignment or (), course, isolation=iso, slot=args.slot,
                       student_id=student_id, allow_default_secret=args.allow_default_secret or None, strict=True)
    except KeyError as exc:
        print("dlgrader: %s (see `dlgrader list`)" % exc.args[0], file=sys.stderr)
        return 2
    except DefaultSecretError as exc:
        print("dlgrader: %s" % exc, file=sys.stderr)
        return 2
    except NothingToGrade as exc:   # a wrong argument, or a student who handed in nothing gradable: exit 2
        print("dlgrader: nothing to grade in %s: %s" % (args.path, exc), file=sys.stderr)
        if args.output and args.format != "text":   # Gradescope, Classroom: the student still sees why
            atomic_write(args.output, render(exc.report, args))
        return 2
    text = render(report, args)
    if args.output:
        atomic_write(args.output, text)
        if args.format != "text":
            print("score %g / %g written to %s" % (report.score, report.max_score, args.output))
    else:
        sys.stdout.write(text)
    return 0


def render(report, args):
    return {"text": lambda: report.to_text(lang=args.lang), "json": report.to_json,
            "gradescope": lambda: report.to_gradescope(args.lang), "classroom": report.to_classroom,
            "markdown": lambda: report.to_markdown(args.lang), "html": lambda: report.to_html(args.lang)}[args.format]()


def gradescope_student_id(path):
    """The first user's email (else id) in Gradescope's submission_metadata.json; None, with a warning on stderr
    (Gradescope shows it to the staff), when the file cannot be read: the grading goes on without variants."""
    import json
    try:
        with open(path, encoding="utf-8") as f:
            user = (json.load(f).get("users") or [{}])[0]
        found = user.get("email") or user.get("id")
        if found in (None, ""):
            raise ValueError("no user with an email or id")
        return str(found)
    except (OSError, ValueError, AttributeError, IndexError, TypeError) as exc:
        print("dlgrader: no student id from %s (%s); answer variants fall back to the default" % (path, exc),
              file=sys.stderr)
        return None


def cmd_check(args):
    start_probe(args)
    iso = load_isolation(args)
    if iso is None:
        return 2
    from .studentkit.check import command
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    return command(args, iso, course)


def cmd_release(args):
    from .studentkit.release import ReleaseError, release
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    try:
        done = release(args.out, args.assignment or (), course)
    except (ReleaseError, KeyError) as exc:
        print("dlgrader release: %s" % (exc.args[0] if exc.args else exc), file=sys.stderr)
        return 2
    for warning in done.warnings:
        print("warning: " + warning, file=sys.stderr)
    print("wrote the student kit to %s: %s (recorded replies: %s)" % (
        done.out, ", ".join(done.names), ", ".join("%s %d" % kv for kv in done.recorded.items())))
    return 0


def cmd_batch(args):
    from .batch.inputs import InputError
    from .batch.pool import PoolError
    from .batch.progress import Progress, say
    from .batch.run import BatchError, parse_shard, run_batch
    try:
        shard = parse_shard(args.shard) if args.shard else None
        if args.shard and args.shard.strip().lower() == "auto":
            from .batch.schedulers import from_environment
            say("--shard auto: shard %d/%d (%s)" % (shard + (from_environment(os.environ)[2],)))
        if args.jobs is not None and args.jobs < 1:
            raise BatchError("-j wants a positive number of processes")
        outcome = run_batch(args.input, args.output, args.assignment or (), jobs=args.jobs, resume=args.resume,
                            shard=shard, id_pattern=args.id_pattern, course_path=args.course, force=args.force,
                            retry_errors=args.retry_errors, timeout=args.timeout, progress=Progress(),
                            isolation=args.isolation, require=args.require, lang=args.lang,
                            allow_default_secret=args.allow_default_secret or None)
    except (BatchError, InputError, PoolError) as exc:
        print("dlgrader batch: %s" % exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlgrader batch: interrupted; what was graded is kept: rerun with --resume", file=sys.stderr)
        return 130
    say("%d student(s): %d graded now, %d already graded, %d not graded (errors/timeouts), in %.1f s -> %s"
        % (outcome.students, outcome.graded_now, outcome.already, len(outcome.problems), outcome.seconds,
           args.output))
    for student, status, why in outcome.problems:
        say("  %s: %s: %s" % (student, status, why.splitlines()[0]))
    return 0


def cmd_merge(args):
    from .batch.run import BatchError, merge
    try:
        missing = merge(args.outdirs, args.output, force=args.force)
    except BatchError as exc:
        print("dlgrader merge: %s" % exc, file=sys.stderr)
        return 2
    if missing:
        print("dlgrader merge: %d student(s) have no result yet (status `missing` in grades.csv): resume their "
              "shard, then merge again" % missing, file=sys.stderr)
        return 1
    print("merged %d folder(s) -> %s" % (len(args.outdirs), args.output), file=sys.stderr)
    return 0


def cmd_gradescope(args):
    from .bundle import BundleError, build_gradescope
    try:
        names = build_gradescope(args.output, args.assignment or (), course_path=args.course,
                                 allow_default_secret=args.allow_default_secret or None)
    except BundleError as exc:
        print("dlgrader gradescope: %s" % exc, file=sys.stderr)
        return 2
    print("wrote %s (assignments: %s); upload it as the autograder of a Gradescope programming assignment"
          % (args.output, ", ".join(names)), file=sys.stderr)
    return 0


def add_secret_arg(p):
    p.add_argument("--allow-default-secret", action="store_true",
                   help="run hidden checks even without a course secret (their inputs are then predictable from "
                        "the public source; recorded in the results); also $DLGRADER_ALLOW_DEFAULT_SECRET=1")


def add_isolation_args(p):
    p.add_argument("--isolation", choices=("auto", "l0", "l1", "l2"), default="auto",
                   help="isolation layer to use (auto: the strongest that works here)")
    p.add_argument("--require", choices=("l0", "l1", "l2"), help="refuse to grade with less isolation than this")


def cmd_doctor(args):
    from . import isolation
    if args.setup:
        import os
        if os.geteuid() != 0:
            print("--setup needs root (it creates the sandbox users dlgrader-s0..s%d)" % (args.slots - 1))
            return 2
        for slot in range(args.slots):
            user = isolation.slot_user(slot)
            print("sandbox user %s: %s" % ("dlgrader-s%d" % slot, "ready (uid %d)" % user.pw_uid if user else
                                           "could not be created"))
    try:
        iso = isolation.probe("auto")
    except isolation.IsolationError as exc:
        print("no isolation works here: %s" % exc)
        return 1
    print("isolation here: %s" % "+".join(iso.layers))
    for layer in ("L0", "L1", "L2"):
        if layer in iso.details:
            print("  %s: %s" % (layer, iso.details[layer]))
    for label, result in iso.details.get("probes", {}).items():
        print("  probe %-42s %s" % (label + ":", result))
    for tip in isolation.advice():
        print("to get more: " + tip)
    return 0


def parser():
    p = argparse.ArgumentParser(prog="dlgrader", description="Grade CS231n-style deep-learning exercises.",
                                epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version="dlgrader " + __import__("grader").__version__)
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list assignments and their checks")
    ls.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the descriptions")
    ls.add_argument("--course", help="course settings (TOML; default $DLGRADER_COURSE): its profile's checks")
    ls.set_defaults(func=cmd_list)
    g = sub.add_parser("grade", help="grade one submission (.py, folder, CS231n package, .zip, .ipynb)",
                       epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("path")
    g.add_argument("-a", "--assignment", action="append", help="grade only this assignment (repeatable)")
    g.add_argument("--format", choices=("text", "json", "gradescope", "classroom", "markdown", "html"),
                   default="text", help="classroom: GitHub Classroom autograding result (version 3); html: one "
                                        "self-contained page for the student, with figures")
    g.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the feedback (text, markdown, html)")
    g.add_argument("-o", "--output", help="write the result here (atomically) instead of stdout")
    g.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE")
    add_secret_arg(g)
    add_isolation_args(g)
    g.add_argument("--slot", type=int, default=0, help="sandbox slot (concurrent gradings use different slots)")
    g.add_argument("--student-id", help="the student's id: picks their variant of the written answers")
    g.add_argument("--gradescope-metadata", metavar="FILE",
                   help="Gradescope's submission_metadata.json: the student id is its first user's email (else "
                        "their Gradescope id), unless --student-id is given")
    g.set_defaults(func=cmd_grade)
    d = sub.add_parser("doctor", help="which isolation layers work here, and how to get more")
    d.add_argument("--setup", action="store_true", help="create the sandbox users (root)")
    d.add_argument("--slots", type=int, default=os.cpu_count() or 2, help="sandbox users to create")
    d.set_defaults(func=cmd_doctor)
    c = sub.add_parser("check", help="run the public checks on your work", epilog=EXIT_STATUS,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("assignment", nargs="?")
    c.add_argument("--path", default=None, help="your work: a folder, file, .zip or .ipynb (default: . or, in the "
                                                "student kit, assignments/<name>/)")
    c.add_argument("--course", help=argparse.SUPPRESS)
    c.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the feedback")
    c.add_argument("--html", metavar="FILE", help="also write the report as one HTML page, with figures")
    c.add_argument("--student-id", help=argparse.SUPPRESS)
    add_isolation_args(c)
    c.set_defaults(func=cmd_check)
    r = sub.add_parser("release", help="build the student kit: stubs, notebooks, public checks (offline)")
    r.add_argument("out", help="an empty or new folder")
    r.add_argument("-a", "--assignment", action="append", help="only this assignment (repeatable)")
    r.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE; the secret is not shipped")
    r.set_defaults(func=cmd_release)
    from .answers import add_parser
    add_parser(sub)
    b = sub.add_parser("batch", help="grade a whole class: a folder, a .zip, a Canvas or Gradescope export")
    b.add_argument("input", help="folder or .zip: one sub-folder, .py, .ipynb or .zip per student")
    b.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="results, reports and gradebook go here")
    b.add_argument("-a", "--assignment", action="append", help="grade this assignment (repeatable; default: "
                                                               "those the class's submissions define)")
    b.add_argument("-j", "--jobs", type=int, help="grading processes in parallel (default: the number of cores)")
    b.add_argument("--resume", action="store_true", help="grade only the students without a result in OUTDIR")
    b.add_argument("--retry-errors", action="store_true", help="with --resume: grade errored/timed-out ones again")
    b.add_argument("--shard", metavar="I/N", help="grade only slice I of N (1-based; stable hash of the id); "
                                                  "auto: this task's slice of a Slurm, Kubernetes, GitHub Actions "
                                                  "(or Grid Engine, AWS Batch) array job, from its environment")
    b.add_argument("--id-pattern", metavar="REGEX", help="student id from each entry's name: group `id`, "
                                                          "else group 1, else the whole match")
    b.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE")
    add_secret_arg(b)
    b.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the students' reports")
    b.add_argument("--force", action="store_true", help="start OUTDIR again; with --resume: resume even if "
                                                        "the grader version or course settings changed")
    b.add_argument("--timeout", type=float, help="seconds one submission may take in all (default: from the "
                                                 "course limits)")
    add_isolation_args(b)
    b.set_defaults(func=cmd_batch)
    m = sub.add_parser("merge", help="join batch OUTDIRs (shards) into one gradebook")
    m.add_argument("outdirs", nargs="+", metavar="OUTDIR")
    m.add_argument("-o", "--output", required=True, metavar="OUT")
    m.add_argument("--force", action="store_true", help="merge despite different versions or missing shards")
    m.set_defaults(func=cmd_merge)
    gs = sub.add_parser("gradescope", help="build a Gradescope autograder .zip")
    gs.add_argument("-o", "--output", required=True, help="the .zip to write (e.g. autograder.zip)")
    gs.add_argument("-a", "--assignment", action="append", help="assignment(s) it grades (default: every one)")
    gs.add_argument("--course", help="course settings (TOML) to bundle; default $DLGRADER_COURSE")
    add_secret_arg(gs)
    gs.set_defaults(func=cmd_gradescope)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    import signal   # `kill` (SIGTERM) unwinds like Ctrl-C: workers killed, temporary files removed
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
