"""Grade one submission: prepare it, run every check of every selected assignment, and build the report.

Nothing here raises for anything a submission does: a broken submission is graded 0 with a message.
"""
import contextlib
import importlib
import os
import re
import time
import traceback

from . import cache, spec, tempdirs
from .checks.cases import render
from .checks.context import Context
from .checks.grounds import blocked_by
from .checks.validate import Fail
from .course import Course, refuse_default_secret
from .report import Report, environment
from .sandbox.client import Sandbox
from .sandbox.plan import LocalRunner
from .sandbox.recorded import NotRecorded
from .submission import SubmissionError, prepare
from .util import safe_text


def select(submission, names):
    """The assignments to grade: those named, else those whose symbols the submission defines, else all."""
    every = spec.assignments(names or None)
    if names:
        unknown = set(names) - {a.name for a in every}
        if unknown:
            raise KeyError("unknown assignment(s): %s" % ", ".join(sorted(unknown)))
        return [a for a in every if a.name in names]
    if submission is None:
        return every
    found = [a for a in every if _defines(submission, a, every) or (a.answers and submission.answers)]
    return found or every


def _defines(submission, assignment, every):
    """Whether the submission defines a symbol of `assignment` in a module that is not another assignment's:
    the dilation assignment's conv.py defines conv_output_size, which alone does not make it a conv_pool
    submission. A name that several assignments grade tells them apart only by the module it is in
    (TwoLayerNet: neural_net.py for neural_net, fc_net.py for two_layer_net); where that is the same module
    name (conv_forward in conv.py: dilation and conv_variants) it tells none of them apart and is not looked
    at. A module in another assignment's folder is that assignment's (models/layers.py holds the layers pasted
    from conv_pool: it does not make the submission a conv_pool one)."""
    names = {other.name for other in every if other is not assignment}
    for symbol, hints in assignment.symbols.items():
        others = [other.symbols[symbol] for other in every if other is not assignment and symbol in other.symbols]
        src, _ = submission.find(symbol, hints, assignment.name)
        if src is None:      # a file that does not parse but defines it: graded, so the student sees the error
            if any(symbol in f.seen for f in submission.broken()):
                return True
            continue
        folders = src.module.split(".")[:-1]
        if assignment.name not in folders and names.intersection(folders):
            continue
        module = src.module.rsplit(".", 1)[-1]
        if others:
            if module in hints and not any(module in h for h in others):
                return True
            continue
        if module in hints or not any(module in h for other in every if other is not assignment
                                      for h in other.symbols.values()):
            return True
    return False


class NothingToGrade(Exception):
    """`grade(strict=True)`: the submission holds nothing the selected assignments grade. `.args[0]` says why
    in one line; `.report` is its zero result, every check failed with the whole of `nothing_gradable`'s
    explanation (a syntax error's line and caret too), none of them run."""

    def __init__(self, why, report):
        super().__init__(why)
        self.report = report


def nothing_gradable(submission, assignments):
    """Why `submission` (None: it could not be read) holds nothing that `assignments` grade, for the user: the real
    cause in its first line (a file that does not parse, named as the student knows it — a notebook by its own
    name — with the line; a notebook with no code), then, for a syntax error, the line itself and a caret. None
    when at least one of their functions, classes or answers files is there."""
    if submission is None:
        return "the submission could not be read"
    if submission.answers and any(a.answers for a in assignments):
        return None
    if any(submission.find(symbol, hints, a.name)[0] is not None for a in assignments
           for symbol, hints in a.symbols.items()):
        return None
    broken = submission.broken()
    if broken:
        return "%s could not be read: %s" % (broken[0].shown, broken[0].problem)
    if not submission.files and not submission.answers:
        return "it holds no .py file, notebook or answers file"
    if submission.files and all(f.tree is not None and not f.tree.body for f in submission.files):
        f = submission.files[0]
        if f.shown.endswith(".ipynb"):
            return "%s has no code: write your functions in its code cells (and save it) before you submit" % f.shown
        return "%s is empty" % f.shown
    if len(assignments) == 1:
        symbols = list(assignments[0].symbols)
        return "it defines no function or class of %s (%s)" % (
            assignments[0].name, ", ".join(symbols[:3]) + (", ..." if len(symbols) > 3 else ""))
    return "it defines no function or class of %s" % (
        ", ".join(a.name for a in assignments) if len(assignments) <= 3 else "any assignment")


def grade(path, names=(), course=None, visible_only=False, isolation=None, slot=0, student_id=None, checks=None,
          allow_default_secret=None, strict=False):
    """Grade the submission at `path`. `slot` tells concurrent gradings apart (one sandbox identity each).
    `student_id` picks the student's variant of written answers (when the course enables variants).
    `checks` (names) grades only those checks and the ones they require. Hidden checks refuse the course's
    default secret (DefaultSecretError) unless `allow_default_secret` (None: $DLGRADER_ALLOW_DEFAULT_SECRET).
    `strict`: raise NothingToGrade, without running any check, when the submission holds nothing gradable
    (`nothing_gradable`)."""
    from . import studentkit as bundle
    if course is None:
        course = bundle.course() if bundle.active() else Course()
    from .isolation import claim_slot, probe
    if not hasattr(isolation, "sandbox_args"):
        isolation = probe(isolation or "auto")
    started = time.monotonic()
    tempdirs.reap()          # what a killed grader left behind
    top = tempdirs.make("grade")
    outcomes, notes = [], []
    try:
        why = unreadable = None       # unreadable: what every check says when there is nothing to grade
        try:
            submission = prepare(path, os.path.join(top, "submission"),
                                 python2=spec.course_profile(course)["python"] == 2)
            notes += submission.notes
        except SubmissionError as exc:
            submission, notes, why = None, ["the submission could not be read: %s" % safe_text(exc)], safe_text(exc)
        chosen = select(submission, names)
        if strict and submission is not None:
            why = nothing_gradable(submission, chosen)
            if why:                   # the note is one line; the checks show the rest (a syntax error's caret)
                submission = None
                notes.append("nothing to grade: %s" % why.splitlines()[0])
                unreadable = "\n".join([notes[-1]] + why.splitlines()[1:])
        selected = [a.graded(course) for a in chosen]      # what the course's profile grades
        selected = [a.subset(checks) if checks is not None else a for a in selected]
        if not (visible_only or bundle.active() or (strict and why)) and any(
                c.visibility == spec.HIDDEN for a in selected for c in a.checks):
            refuse_default_secret(course, allow_default_secret)
        with claim_slot(slot) if isolation.uid_switch else contextlib.nullcontext(slot) as slot:
            for assignment in selected:
                outcomes += grade_assignment(assignment, submission, course, top, visible_only, isolation, notes,
                                             slot, student_id, unreadable)
    finally:
        tempdirs.remove(top)
    report = Report(path=safe_text(str(path)), outcomes=outcomes, notes=notes, environment=environment(course),
                    isolation=dict(isolation.describe(), slot=slot), seconds=time.monotonic() - started)
    if strict and why:
        raise NothingToGrade(why.splitlines()[0], report)   # one line (the report has the rest)
    return report


def reference_runner(assignment, course, notes=None, book=None):
    """The reference, in-process (its answers kept in `book`, grader/cache.py); in the student kit (or wherever
    the reference is missing), its recorded replies to the public checks — none outside a kit, so checks that
    need it are skipped, not crashed."""
    from . import studentkit as bundle
    if bundle.active():
        return bundle.recorded_runner(assignment.name)
    try:
        return LocalRunner(assignment.reference(course).__getitem__, book=book)
    except ImportError as exc:
        if notes is not None:
            notes.append("the reference of %s could not be imported (%s): its checks were skipped"
                         % (assignment.name, exc))
        from .sandbox.recorded import RecordedRunner
        return RecordedRunner({})


def grade_assignment(assignment, submission, course, top, visible_only, isolation, notes, slot=0,
                     student_id=None, unreadable=None):
    from . import studentkit as bundle
    visible_only = visible_only or bundle.active()   # hidden checks need the course secret: never in a bundle
    checks = [c for c in assignment.checks if not (visible_only and c.visibility == spec.HIDDEN)]
    if submission is None:
        return [spec.Outcome(c, assignment.name, 0.0, "failed", unreadable or notes[-1],
                             category="unreadable submission") for c in checks]
    workdir = os.path.join(top, "work-" + assignment.name)
    os.makedirs(workdir)
    limits = assignment_limits(assignment, course.limits)
    sandbox = Sandbox(submission.root, workdir, limits, preload=assignment.preload,
                      numpy_1=numpy_1(assignment, submission, course, notes),
                      **isolation.sandbox_args(submission.root, workdir, slot))
    try:
        sandbox.launch()          # the worker starts while the reference loads; the first check waits for it
    except OSError:
        pass                      # the first check retries the start and reports what went wrong
    for name in assignment.preload:
        try:
            importlib.import_module(name)
        except ImportError:
            pass                  # the checks that need it say so
    book = None if bundle.active() else cache.book(course, assignment.name, isolation)
    reference = reference_runner(assignment, course, notes, book)
    ctx = Context(assignment, submission, sandbox, reference, course, student_id=student_id, notes=notes, book=book)
    outcomes, passed, skipped, graded = [], set(), set(), {}
    try:
        with cache.current(book):
            for check in checks:
                outcome = run_check(check, ctx, passed, skipped, graded)
                if outcome.status == "passed":
                    passed.add(check.name)
                elif outcome.status == "skipped":
                    skipped.add(check.name)
                graded[check.name] = outcome
                outcomes.append(outcome)
    finally:
        ctx.close()
        if book is not None:
            book.save()
        sandbox.kill()
        text, size = sandbox.student_output()
        sandbox.close()
    if size > 0:
        notes.append("%s: your code printed %d bytes while being graded%s" % (
            assignment.name, size, " (the output was cut at the file size limit)" if size >= limits.file_mb << 20
            else ""))
    return outcomes


def numpy_1(assignment, submission, course, notes):
    """The NumPy 1 names the worker restores: those the submission uses, where the profile asks for it
    (numpy_compat: CS231n years, written for NumPy 1). Each is reported."""
    if not spec.course_profile(course)["numpy_compat"]:
        return []
    if "numpy_1_uses" not in submission.__dict__:     # read once per submission, not per assignment
        from .legacy import numpy_1_uses
        submission.numpy_1_uses = numpy_1_uses(submission.files)
    used = submission.numpy_1_uses
    if not used:
        return []
    if not any(n.startswith("your code uses NumPy names") for n in notes):
        notes.append("your code uses NumPy names that NumPy 2 removed (%s): graded with their NumPy 1 meaning, as "
                     "in %s" % (", ".join("np.%s at %s" % kv for kv in sorted(used.items())), course.profile))
    return sorted(used)


def assignment_limits(assignment, limits):
    """The course's limits, raised where the assignment needs more (torch: memory, import time)."""
    from dataclasses import replace
    for key in ("memory_mb", "call_timeout", "budget"):
        need = getattr(assignment, key)
        if need and need > getattr(limits, key):
            limits = replace(limits, **{key: need})
    return limits


SKIPPED = ("needs the course's reference, which is not in the student bundle: this check runs at grading time")


def run_check(check, ctx, passed, skipped=(), graded=None):
    """Grade one check. `passed`/`skipped`: names of the checks passed/skipped so far; `graded`: name -> Outcome of
    the checks graded so far (for what this one rests on, grader/checks/grounds.py)."""
    t0 = time.monotonic()
    missing = [r for r in check.requires if r not in passed]
    if any(r in skipped for r in missing):
        return spec.Outcome(check, ctx.assignment.name, 0.0, "skipped", SKIPPED, category="runs at grading time")
    if missing:
        return spec.Outcome(check, ctx.assignment.name, 0.0, "failed",
                            "not graded: needs %s to pass first" % " and ".join(missing),
                            category="depends on a failed check")
    blocked = blocked_by(ctx.assignment, check, graded or {})
    if blocked:
        return spec.Outcome(check, ctx.assignment.name, 0.0, "failed",
                            "not graded: it needs real output from %s, which failed (%s): a property of a "
                            "placeholder or broken output earns nothing" % (
                                " and ".join(n for n, _ in blocked), ", ".join(sorted({c for _, c in blocked}))),
                            category="depends on a failed check")
    try:
        summary = check.run(ctx)
        return spec.Outcome(check, ctx.assignment.name, float(check.points), "passed", summary or "passed",
                            seconds=time.monotonic() - t0)
    except Fail as fail:
        output = fail.message
        params = getattr(fail, "params", None)
        if params is not None and not fail.abort and getattr(check, "cases", None) is not None:
            try:
                output += "\nfailing case:\n" + render(params, check.cases.make(params), max_entries=200)
            except Exception:
                output += "\nfailing case: %r" % (params,)
        extra = {"hint": fail.hint, "figures": list(getattr(fail, "figures", None) or [])}
        if check.visibility == spec.HIDDEN:
            hint = hidden_hint(fail.hint)
            output = "hidden check failed: %s" % fail.category + (" — hint: %s" % hint if hint else "")
            extra["figures"] = []   # a figure of a hidden case would show its values
            extra["hint"] = hint
        return spec.Outcome(check, ctx.assignment.name, 0.0, "failed", output, seconds=time.monotonic() - t0,
                            category=fail.category, extra=extra)
    except (NotRecorded, ImportError) as exc:
        if not (isinstance(exc, NotRecorded) or offline_import(ctx, exc)):
            return internal_error(check, t0, ctx)
        return spec.Outcome(check, ctx.assignment.name, 0.0, "skipped", SKIPPED, seconds=time.monotonic() - t0,
                            category="runs at grading time")
    except Exception:  # a bug in the grader itself: report it, keep grading
        return internal_error(check, t0, ctx)


def hidden_hint(hint):
    """A hint a hidden check may show: none that carries a number of the case (a fitted factor, a size, a value);
    small constants of the exercise itself ("2·reg·W", "×2") stay."""
    if hint and re.search(r"\d\.\d|\d{3,}|=\s*-?\d|×\s*-?\d*\.|[Nn]\s*=", hint):
        return None
    return hint


def internal_error(check, t0, ctx=None):
    """A check that could not finish (a bug in the grader, or a value it did not foresee) fails, worth 0, with a
    message that names no file of the grader (nor, for a hidden check, anything of its case); the traceback
    goes to stderr, for the course staff (the batch's logs/, Gradescope's autograder output)."""
    import sys
    exc = sys.exc_info()[1]
    name = ctx.assignment.name if ctx else ""
    sys.stderr.write("dlgrader: internal error in %s %s:\n%s" % (name, check.name, traceback.format_exc(limit=8)))
    if check.visibility == spec.HIDDEN:
        output = "hidden check failed: the grader could not finish this check"
    else:
        output = ("the grader could not finish this check (%s: %s): often a value your code returned has an "
                  "unexpected type or shape; compare it with the docstring. If it persists, tell the course staff"
                  % (type(exc).__name__, scrub_paths(str(exc))[:300]))
    return spec.Outcome(check, name, 0.0, "failed", output, seconds=time.monotonic() - t0,
                        category="grader error", extra={"hint": "check the type and shape of what you return"})


def scrub_paths(text):
    """`text` without file-system paths (the grader's, the reference's, a temporary directory's)."""
    return re.sub(r"(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?", "<path>", text)


def offline_import(ctx, exc):
    """An ImportError of the reference (a torch oracle, say) while grading from the recording."""
    return getattr(ctx.reference, "recorded", False) and "reference" in "%s %s" % (getattr(exc, "name", ""), exc)
