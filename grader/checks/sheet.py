"""The answers file read without the key: what `dlgrader check analytic` can say before grading.

What each question asks is read from the key's questions (Question.sheet_info(), recorded in the student kit's
manifest: grader/suites/analytic.question_info). Every question of the sheet has an entry, none is still TODO,
every entry parses with the grader's own parsers (an expression, a matrix in brackets, a percentage where the
question is in %), a number question gets a number (no names left in it), a whole number where the answer is a
count or a size, a matrix of the shape asked for, no unit after a number; a formula question uses the question's
names; the sheet is the student's own (its `student_id`, and the `variant` line the sheet was issued with). The
stated precision is not checked: an answer with fewer digits than asked is right when it is exact, which only the
key knows. Whether an answer is right is not known here: it is graded later, against the key.
"""
import hashlib
import re
from dataclasses import dataclass, field

from .answer import entry_of, formula_names_problem, parse_entry, quoted
from .validate import Fail

UNIT = re.compile(r"^\s*([-+]?[0-9۰-۹٠-٩][0-9۰-۹٠-٩_.,٫]*(?:[eE][-+]?\d+)?)\s*([A-Za-z]+)\s*$")


@dataclass
class SheetCheck:
    name: str                                       # the file, as the student knows it
    questions: int = 0
    read: int = 0                                   # answers that parse and have the right form
    todo: list = field(default_factory=list)        # question ids not answered yet (TODO, empty, no entry)
    problems: list = field(default_factory=list)    # [(question id or "", Fail)]: everything else

    @property
    def ok(self):
        return not self.todo and not self.problems


def variant_tag(secret, student_id):
    """Ties a sheet to its student: a short digest of the kit's public secret and the id (`variant = ...` in the
    sheet `dlgrader answers --questions --variant ID --format toml` writes)."""
    return hashlib.sha256(("dlgrader sheet\0%s\0%s" % (secret, student_id)).encode()).hexdigest()[:10]


def public_secret(course):
    """The secret the student kit has: the course's own one-way derived one (grader/studentkit/release.py)."""
    from .. import studentkit
    if studentkit.active():
        return course.secret
    from ..studentkit.release import public_course
    return public_course(course).secret


def check_sheet(sheet, questions, course=None, student_id=None):
    """A SheetCheck of `sheet` (an AnswerSheet) against `questions` (suites/analytic.question_info())."""
    result = SheetCheck(sheet.name, len(questions))
    if sheet.problem:
        result.problems.append(("", Fail(sheet.problem, "no answers file" if sheet.missing else
                                         "unreadable answers file")))
        return result
    result.problems += [("", f) for f in whose(sheet, course, student_id)]
    known = {q["id"] for q in questions}
    for q in questions:
        try:
            raw = entry_of(q["id"], sheet, known)
        except Fail as fail:
            if "did you mean" in fail.message:   # a likely typo in the id: say which
                result.problems.append((q["id"], fail))
            else:                                # TODO, empty or not there: one line for them all
                result.todo.append(q["id"])
            continue
        try:
            expr, _ = parse_entry(q["id"], unit(q, raw), sheet, q.get("unit"), q.get("shape"))
            form(q, raw, expr)
            result.read += 1
        except Fail as fail:
            result.problems.append((q["id"], fail))
    return result


def whose(sheet, course, student_id):
    """The sheet must be the student's own, where the course gives each student their own numbers."""
    if course is None or not getattr(course, "variants", False):
        return []
    if not sheet.student_id:
        return [Fail("this course gives each student their own numbers: keep the `student_id = ...` line of your "
                     "sheet in %s" % sheet.name, "wrong variant", hint="answer on the sheet you were given")]
    out = []
    if student_id and str(student_id) != sheet.student_id:
        out.append(Fail("%s is the sheet of student %s, but you are %s: answer on your own sheet"
                        % (sheet.name, sheet.student_id, student_id), "wrong variant",
                        hint="answer on the sheet you were given"))
    tag = getattr(sheet, "tag", None)
    if tag and tag != variant_tag(public_secret(course), sheet.student_id):
        out.append(Fail("the numbers of %s were not made for student %s (its `variant` line belongs to another "
                        "sheet): answer on your own sheet" % (sheet.name, sheet.student_id), "wrong variant",
                        hint="answer on the sheet you were given"))
    return out


def unit(q, raw):
    """The raw answer, when it is not a number followed by a unit such as MiB (Fail then: say how to write it).
    A percent sign is the parsers' business: right where the question is in %."""
    m = UNIT.match(raw) if isinstance(raw, str) else None
    if not m:
        return raw
    suffix = m.group(2)
    if q.get("unit") in ("bytes", "MiB"):
        raise Fail("`%s` is answered in `%s`: write the number alone, without `%s` (your answer: %s)"
                   % (q["id"], q["unit"], suffix, quoted(raw)), "unit",
                   hint="write the number alone, in the unit asked")
    raise Fail("`%s`: write the number alone, without `%s` (your answer: %s)" % (q["id"], suffix, quoted(raw)),
               "unit", hint="write the number alone, without a unit")


def form(q, raw, expr):
    """Fail when the parsed answer (a sympy expression or Matrix) is not of the form the question asks for."""
    entries = list(expr) if hasattr(expr, "shape") else [expr]
    names = {s.name for e in entries for s in e.free_symbols}
    shape = tuple(q["shape"]) if q.get("shape") else None
    if shape and tuple(expr.shape) != shape:
        rows, cols = shape
        raise Fail(("`%s` asks for a list of %d numbers; yours has %d" % (q["id"], rows * cols, len(entries))
                    if 1 in shape else "`%s` asks for a %d x %d matrix; yours is %d x %d"
                    % (q["id"], rows, cols, expr.rows, expr.cols)),
                   "not an expression", hint="write the rows in brackets, as many as the question asks for")
    if q["form"] == "formula":
        problem = formula_names_problem(raw, names, q["names"])
        if problem:
            raise problem
        return
    if names:
        raise Fail("`%s` asks for a number; your answer %s still contains %s" % (q["id"], quoted(raw),
                                                                               ", ".join(sorted(names))),
                   "incorrect", hint="a number was expected, not a formula")
    for e in entries:
        value = _value(e)
        if value is None:
            raise Fail("not a number: %s has no finite value" % quoted(raw), "not an expression",
                       hint="the expression has no finite value")
        if q.get("whole") and not _whole(e, value):
            raise Fail("`%s` asks for a whole number (a count or a size), not %s" % (q["id"], quoted(raw)),
                       "not a whole number", hint="a count or a size is a whole number: check the arithmetic")


def _value(expr):
    import math
    try:
        v = complex(expr.evalf(30))
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return None
    return v.real if math.isfinite(v.real) and abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)) else None


def _whole(expr, value):
    if expr.is_Rational:
        return expr.q == 1
    return abs(value - round(value)) <= 1e-9 * max(1.0, abs(value))
