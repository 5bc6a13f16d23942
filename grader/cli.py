"""The `dlgrader` command.

    dlgrader list                                   assignments, checks, points, visibility
    dlgrader grade PATH [-a NAME]... [--format text|json|gradescope] [-o FILE]
    dlgrader check [NAME] [--path DIR]              the student's self-check: public checks only

`grade` exits 0 whenever grading ran, whatever the score; 2 when it could not run (bad arguments).
"""
import argparse
import sys

from .util import atomic_write


def cmd_list(args):
    from . import spec
    for a in spec.assignments():
        print("%s — %s (%g points)" % (a.name, a.title, a.max_score))
        for c in a.checks:
            print("  %-44s %-9s %5g  %-7s %s" % (c.name, c.kind, c.points, c.visibility, c.description))
    return 0


def load_course(args):
    from .course import Course
    return Course.load(getattr(args, "course", None))


def cmd_grade(args):
    from .run import grade
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    try:
        report = grade(args.path, args.assignment or (), course)
    except KeyError as exc:
        print("dlgrader: %s (see `dlgrader list`)" % exc.args[0], file=sys.stderr)
        return 2
    text = {"text": report.to_text, "json": report.to_json, "gradescope": report.to_gradescope}[args.format]()
    if args.output:
        atomic_write(args.output, text)
        if args.format != "text":
            print("score %g / %g written to %s" % (report.score, report.max_score, args.output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args):
    from . import spec
    from .run import grade
    names = [args.assignment] if args.assignment else ()
    try:
        report = grade(args.path, names, load_course(args), visible_only=True)
    except KeyError as exc:
        print("dlgrader: %s (see `dlgrader list`)" % exc.args[0], file=sys.stderr)
        return 2
    sys.stdout.write(report.to_text())
    graded = {o.assignment for o in report.outcomes}
    hidden = [c for a in spec.assignments() if a.name in graded for c in a.checks if c.visibility == spec.HIDDEN]
    print("%d hidden check(s) worth %g points will also run at grading time."
          % (len(hidden), sum(c.points for c in hidden)))
    return 0


def parser():
    p = argparse.ArgumentParser(prog="dlgrader", description="Grade CS231n-style deep-learning exercises.")
    p.add_argument("--version", action="version", version="dlgrader " + __import__("grader").__version__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list assignments and their checks").set_defaults(func=cmd_list)
    g = sub.add_parser("grade", help="grade one submission (.py, folder, CS231n package, .zip, .ipynb)")
    g.add_argument("path")
    g.add_argument("-a", "--assignment", action="append", help="grade only this assignment (repeatable)")
    g.add_argument("--format", choices=("text", "json", "gradescope"), default="text")
    g.add_argument("-o", "--output", help="write the result here (atomically) instead of stdout")
    g.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE")
    g.set_defaults(func=cmd_grade)
    c = sub.add_parser("check", help="run the public checks on your work")
    c.add_argument("assignment", nargs="?")
    c.add_argument("--path", default=".", help="your work: a folder, file, .zip or .ipynb (default: .)")
    c.add_argument("--course", help=argparse.SUPPRESS)
    c.set_defaults(func=cmd_check)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
