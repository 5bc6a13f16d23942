"""`dlgrader check`: the public checks in the student's own environment, as a compact table.

In a student kit, each assignment is checked from `assignments/<name>/` unless `--path` names the work
(a folder, .py, .zip or .ipynb), and the kit's pinned Python/NumPy/torch versions are compared with the
student's. Hidden checks are counted, never run.
"""
import os
import sys

from .. import spec
from ..i18n import Catalog
from ..report import Report
from . import active, hidden_counts, manifest, root, version_mismatches

STYLE = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow"}


def console(file=None):
    from rich.console import Console
    out = file or sys.stdout
    tty = hasattr(out, "isatty") and out.isatty()
    return Console(file=out, width=None if tty else 110, highlight=False, soft_wrap=False)


def grade_public(names, path, course, isolation, student_id=None, strict=False):
    """One Report over the named assignments (all of the kit's, or all, when none is named). `strict`: raise
    run.NothingToGrade where the work holds nothing gradable."""
    from functools import partial
    from ..run import grade
    grade = partial(grade, visible_only=True, isolation=isolation, student_id=student_id, strict=strict)
    if not active():
        return grade(path or ".", names, course)
    if path and not names:     # the assignments this work defines (run.select)
        return grade(path, (), course)
    chosen = list(names) or manifest()["assignments"]
    unknown = set(chosen) - set(manifest()["assignments"])
    if unknown:
        raise KeyError("not in this kit: %s" % ", ".join(sorted(unknown)))
    reports = [grade(path or os.path.join(root(), "assignments", n), [n], course) for n in chosen]
    first = reports[0]
    return Report(path=path or os.path.join(root(), "assignments"), outcomes=[o for r in reports for o in r.outcomes],
                  notes=[n for r in reports for n in r.notes], environment=first.environment,
                  isolation=first.isolation, seconds=sum(r.seconds for r in reports))


def hidden_summary(report, catalog):
    graded = {o.assignment for o in report.outcomes}
    if active():
        counts = [v for k, v in hidden_counts().items() if k in graded]
        n, points = sum(c for c, _ in counts), sum(p for _, p in counts)
    else:
        hidden = [c for a in spec.assignments() if a.name in graded for c in a.checks if c.visibility == spec.HIDDEN]
        n, points = len(hidden), sum(c.points for c in hidden)
    return catalog.phrase("hidden_later", n=n, points="%g" % points)


def warnings(catalog):
    if not active():
        return []
    return [catalog.phrase("version_warning", package=p, yours=y or "-", pinned=v)
            for p, y, v in version_mismatches(manifest().get("pins", {}))]


def show(report, catalog, out=None, names=()):
    """The table, then the details of each failed public check, the notes, warnings and the hidden count.
    `names`: the assignments asked for; those without any check here are said to run at grading time."""
    from rich.table import Table
    from rich.text import Text
    con = console(out)
    for line in warnings(catalog):
        con.print(Text(line, style="bold yellow"))
    groups = {}
    for o in report.outcomes:
        groups.setdefault(o.assignment, []).append(o)
    for name, outcomes in groups.items():
        title = catalog.phrase("assignment_total", assignment=name, score="%g" % sum(o.score for o in outcomes),
                               max_score="%g" % sum(o.max_score for o in outcomes))
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        table.add_column(catalog.phrase("column.status"), no_wrap=True)
        table.add_column(catalog.phrase("column.check"), no_wrap=True)
        table.add_column(catalog.phrase("column.points"), justify="right", no_wrap=True)
        table.add_column(catalog.phrase("column.feedback"), overflow="fold")
        for o in outcomes:
            table.add_row(Text(catalog.status(o.status), style=STYLE[o.status]), o.check.name,
                          "%g/%g" % (o.score, o.max_score), "" if o.status == "passed" else catalog.first_line(o))
        con.print(table)
        for o in outcomes:
            details = catalog.details(o)
            if details and o.status != "passed":
                con.print(Text("%s:" % o.check.name, style="bold"))
                con.print(Text("\n".join("  " + line for line in details.splitlines()[:16])))
    for name in names:
        if name not in groups and active():
            con.print(catalog.phrase("offline_none", assignment=name, n=manifest()["public"].get(name, [0])[0]))
    for note in report.notes:
        con.print(Text("%s: %s" % (catalog.phrase("note"), catalog.note(note))))
    skipped = sum(o.status == "skipped" for o in report.outcomes)
    passed = sum(o.status == "passed" for o in report.outcomes)
    con.print(catalog.phrase("public_summary", passed=passed, total=len(report.outcomes), skipped=skipped))
    con.print(hidden_summary(report, catalog))


def command(args, isolation, course):
    """The CLI's `check`: grade the public checks, print the table, read the written answers without the key.
    Exit status (as pytest's): 0 when every public check that ran passed and the answers sheet (if read) has no
    problem; 1 when a check failed or the sheet has a problem; 2 on bad arguments or when there is nothing to
    check."""
    from ..run import NothingToGrade
    catalog = Catalog(args.lang)
    names = [args.assignment] if args.assignment else []
    student_id = getattr(args, "student_id", None)
    if args.path and not os.path.exists(args.path):
        print("dlgrader: no such file or folder: %s" % args.path, file=sys.stderr)
        return 2
    try:
        report = grade_public(names, args.path, course, isolation, student_id, strict=True)
    except KeyError as exc:
        print("dlgrader: %s (see `dlgrader list`)" % exc.args[0], file=sys.stderr)
        return 2
    except NothingToGrade as exc:
        print("dlgrader: nothing to check in %s: %s" % (exc.report.path, exc), file=sys.stderr)
        return 2
    asked = names or (manifest()["assignments"] if active() else ())
    show(report, catalog, names=asked)
    failed = any(o.status in ("failed", "error") for o in report.outcomes)
    if "analytic" in asked or any(o.assignment == "analytic" for o in report.outcomes):
        path = args.path or (os.path.join(root(), "assignments", "analytic") if active() else ".")
        result = read_sheet(path, course, student_id)
        if result is not None:
            show_sheet(result, catalog)
            failed = failed or not result.ok
    if args.html:
        from ..cli import atomic_write
        atomic_write(args.html, report.to_html(args.lang))
    return 1 if failed else 0


def read_sheet(path, course, student_id=None):
    """The answers file at `path` (a file, a folder or a .zip holding one) read without the key: a SheetCheck,
    or None when there are no questions to read it against."""
    import shutil
    import tempfile
    from ..checks.answer import read_answers
    from ..checks.sheet import check_sheet
    from ..submission import SubmissionError, prepare
    from ..suites.analytic import question_info
    questions = question_info()
    if not questions:
        return None
    tmp = tempfile.mkdtemp(prefix="dlgrader-sheet-")
    try:
        try:
            sheet = read_answers(prepare(path, os.path.join(tmp, "work")))
        except SubmissionError as exc:
            from ..checks.answer import AnswerSheet
            sheet = AnswerSheet(os.path.basename(str(path)), {}, problem=str(exc))
        return check_sheet(sheet, questions, course, student_id)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def show_sheet(result, catalog, out=None, most=15):
    """What the answers check found: a count, the TODOs on one line, each other problem with its details."""
    from rich.text import Text
    con = console(out)
    con.print(Text(catalog.phrase("sheet_summary", name=result.name, questions=result.questions, read=result.read,
                                  todo=len(result.todo), problems=len(result.problems)), style="bold"))
    if result.todo:
        shown = ", ".join(result.todo[:most]) + (" …" if len(result.todo) > most else "")
        con.print(Text("  %s %s" % (catalog.status("failed"), catalog.phrase("sheet_todo", n=len(result.todo),
                                                                               ids=shown)), style="red"))
    for qid, fail in result.problems[:most]:
        first = catalog.category(fail.category) + (" — " + catalog.hint(fail.hint) if fail.hint else "")
        con.print(Text("  %s %s: %s" % (catalog.status("failed"), qid or result.name, first), style="red"))
        for line in fail.message.splitlines():
            con.print(Text("       " + catalog.line(line)[0]))
    if len(result.problems) > most:
        con.print(catalog.phrase("sheet_more", n=len(result.problems) - most))
    con.print(catalog.phrase("sheet_later"))


class Checked:
    """What the notebook's check cell returns: the report (`.report`), shown by Jupyter as one short line, not
    as the whole Report (every outcome, figures and all)."""

    def __init__(self, report, catalog):
        self.report, self.catalog = report, catalog

    def __repr__(self):
        return self.catalog.phrase("total", score="%g" % self.report.score, max_score="%g" % self.report.max_score)


def check_notebook(name, path, lang="en", isolation=None):
    """For the last cell of a generated notebook: the public checks of `name` on the saved notebook."""
    report = grade_public([name], path, None, isolation)
    catalog = Catalog(lang)
    show(report, catalog, names=[name])
    return Checked(report, catalog)
