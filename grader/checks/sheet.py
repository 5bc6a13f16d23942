"""The answers file read without the key: what `dlgrader check analytic` can say before grading.

Every question of the sheet has an entry, none is still TODO, every entry parses (with the grader's own
parser), a number question gets a number (no names left in it), a whole number where the answer is a count or a
size, a fraction between 0 and 1 where it asks for a fraction, no unit after a number; a formula question uses the
question's names; the sheet is the student's own (its `student_id`, and the `variant` line the sheet was issued
with). Whether an answer is right is not known here: it is graded later, against the key.
"""
import hashlib
import re
from dataclasses import dataclass, field

from .answer import entry_of, parse_entry, quoted
from .validate import Fail

UNIT = re.compile(r"^\s*([-+]?[0-9۰-۹٠-٩][0-9۰-۹٠-٩_.,٫]*(?:[eE][-+]?\d+)?)\s*(%|[A-Za-z]+)\s*$")


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
            form(q, raw, parse_entry(q["id"], unit(q, raw, sheet), sheet))
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


def unit(q, raw, sheet):
    """The raw answer, when it is not a number followed by a unit (Fail then: say how to write it)."""
    m = UNIT.match(raw) if isinstance(raw, str) else None
    if not m:
        return raw
    number, suffix = m.groups()
    if suffix == "%" and q.get("unit") == "fraction":
        raise Fail("`%s` asks for a fraction between 0 and 1, not a percentage: write %s as a fraction (for 75%%, "
                   "write 0.75)" % (q["id"], quoted(raw)), "unit", hint="write a fraction between 0 and 1")
    if q.get("unit") == "bytes":
        raise Fail("`%s` asks for a number of bytes: write it as a plain number, without %s (%s)"
                   % (q["id"], suffix, quoted(raw)), "unit", hint="write the number alone, in bytes")
    raise Fail("`%s`: write the number alone, without `%s` (your answer: %s)" % (q["id"], suffix, quoted(raw)),
               "unit", hint="write the number alone, without a unit")


def form(q, raw, expr):
    """Fail when the parsed answer is not of the form the question asks for."""
    names = {s.name for s in expr.free_symbols}
    if q["form"] == "formula":
        if not names:
            raise Fail("this question asks for the formula in %s, not a number" % ", ".join(q["names"]), "incorrect",
                       hint="a formula in the question's names was expected")
        unknown = sorted(names - set(q["names"]))
        if unknown:
            raise Fail("your formula %s uses %s, which the question does not name (its names are %s)%s"
                       % (quoted(raw), ", ".join(unknown), ", ".join(q["names"]), _case(unknown, q["names"])),
                       "incorrect", hint="use the question's names: %s" % ", ".join(q["names"]))
        return
    if names:
        raise Fail("`%s` asks for a number; your answer %s still contains %s" % (q["id"], quoted(raw),
                                                                               ", ".join(sorted(names))),
                   "incorrect", hint="a number was expected, not a formula")
    value = _value(expr)
    if value is None:
        raise Fail("not a number: %s has no finite value" % quoted(raw), "not an expression",
                   hint="the expression has no finite value")
    if (q.get("whole") or q.get("unit") == "bytes") and not _whole(expr, value):
        raise Fail("`%s` asks for a whole number (a count or a size), not %s" % (q["id"], quoted(raw)),
                   "not a whole number", hint="a count or a size is a whole number: check the arithmetic")
    if q.get("unit") == "fraction" and not 0 <= value <= 1:
        raise Fail("`%s` asks for a fraction between 0 and 1, not %s (%s)" % (q["id"], quoted(raw), "%.6g" % value),
                   "unit", hint="write a fraction between 0 and 1")


def _case(unknown, names):
    folded = {n.lower(): n for n in names}
    case = [folded[u.lower()] for u in unknown if u.lower() in folded]
    return "; names are case-sensitive: %s" % ", ".join(case) if case else ""


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
