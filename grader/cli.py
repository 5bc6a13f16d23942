"""The `dlgrader` command.

    dlgrader list                                   assignments, checks, points, visibility
    dlgrader grade PATH [-a NAME]... [--format text|json|gradescope] [-o FILE]
    dlgrader check [NAME] [--path DIR] [--lang en|fa] [--html FILE]   the student's self-check: public checks only
    dlgrader release OUT [-a NAME]... [--course FILE]                  the student kit (no reference, no secret)
    dlgrader answers [--variant ID] [--format md|json|tex|toml] [--check]   the analytic answer key

`grade` exits 0 whenever grading ran, whatever the score; 2 when it could not run (bad arguments).
"""
import argparse
import os
import sys
import tempfile


def atomic_write(path, text):
    """Write the whole file or nothing: a reader never sees a partial result."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cmd_list(args):
    from . import spec
    from .i18n import Catalog
    catalog = Catalog(getattr(args, "lang", "en"))
    for a in spec.assignments():
        print("%s — %s (%g points)" % (a.name, a.title, a.max_score))
        for c in a.checks:
            shown = c.visibility if catalog.lang == "en" else catalog.phrase("visibility." + c.visibility)
            print("  %-44s %-9s %5g  %-7s %s" % (c.name, c.kind, c.points, shown, catalog.describe(c)))
        for st in a.course_settings:
            print("  course setting [settings.%s] %s = %r (allowed: %s) %s" % (
                a.name, st.name, st.default, ", ".join(map(repr, st.allowed)), st.description))
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
    try:
        report = grade(args.path, args.assignment or (), course, isolation=iso, slot=args.slot,
                       student_id=args.student_id)
    except KeyError as exc:
        print("dlgrader: %s (see `dlgrader list`)" % exc.args[0], file=sys.stderr)
        return 2
    text = {"text": lambda: report.to_text(lang=args.lang), "json": report.to_json,
            "gradescope": lambda: report.to_gradescope(args.lang),
            "markdown": lambda: report.to_markdown(args.lang), "html": lambda: report.to_html(args.lang)}[args.format]()
    if args.output:
        atomic_write(args.output, text)
        if args.format != "text":
            print("score %g / %g written to %s" % (report.score, report.max_score, args.output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args):
    start_probe(args)
    iso = load_isolation(args)
    if iso is None:
        return 2
    from .studentkit.check import command
    return command(args, iso, load_course(args))


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
    p = argparse.ArgumentParser(prog="dlgrader", description="Grade CS231n-style deep-learning exercises.")
    p.add_argument("--version", action="version", version="dlgrader " + __import__("grader").__version__)
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list assignments and their checks")
    ls.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the descriptions")
    ls.set_defaults(func=cmd_list)
    g = sub.add_parser("grade", help="grade one submission (.py, folder, CS231n package, .zip, .ipynb)")
    g.add_argument("path")
    g.add_argument("-a", "--assignment", action="append", help="grade only this assignment (repeatable)")
    g.add_argument("--format", choices=("text", "json", "gradescope", "markdown", "html"), default="text",
                   help="html: one self-contained page for the student, with figures")
    g.add_argument("--lang", choices=("en", "fa"), default="en", help="language of the feedback (text, markdown, html)")
    g.add_argument("-o", "--output", help="write the result here (atomically) instead of stdout")
    g.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE")
    add_isolation_args(g)
    g.add_argument("--slot", type=int, default=0, help="sandbox slot (concurrent gradings use different slots)")
    g.add_argument("--student-id", help="the student's id: picks their variant of the written answers")
    g.set_defaults(func=cmd_grade)
    d = sub.add_parser("doctor", help="which isolation layers work here, and how to get more")
    d.add_argument("--setup", action="store_true", help="create the sandbox users (root)")
    d.add_argument("--slots", type=int, default=os.cpu_count() or 2, help="sandbox users to create")
    d.set_defaults(func=cmd_doctor)
    c = sub.add_parser("check", help="run the public checks on your work")
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
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
