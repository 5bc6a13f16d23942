"""answer: a written answer from the student's answers file against the analytic key (reference/analytic).

The student's answers file (answers.toml or answers.json: `question-id = answer`) is untrusted TEXT. It is read
in the parent and never executed: numbers and strings go through the safe parser (an AST whitelist with size,
depth and magnitude limits), so no worker is needed. A `number` question is compared with the key's value for
the student's parameters (their variant when the course enables variants) within a tolerance; a `formula`
question by equivalence with the key's formula (a randomized identity test, bounded in time).
"""
import difflib
import functools
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction

from ..spec import Check
from ..util import safe_data
from .bounded import Budget, Evaluator, Overrun, bounded
from .validate import Fail

MAX_BYTES = 2 * 1024 * 1024   # an answers file larger than this is not read (the course's is ~5 KiB)
MAX_ENTRIES = 2000
MAX_LINES = 5000              # lines of an answers file
MAX_TABLES = 500              # TOML [table] headers
MAX_KEY_PARTS = 16            # parts of one dotted TOML key (a.b.c): the parser is quadratic in them
ANSWER_SECONDS = 5.0          # CPU and wall time to parse and grade one answer (the course's take milliseconds)
ANSWER_MEMORY_MB = 1024       # address space one answer may add
PARSE_SECONDS = 10.0          # reading the TOML/JSON file itself (2 MiB of it takes about 2 s)
FILE_SECONDS = 30.0           # CPU seconds for all answers of one file together
MAX_ARRAY = 16                # rows of a matrix answer, and entries of a row (reference/analytic/forms.py)
MAX_QUOTED = 60               # characters of a student's answer quoted back to them
OTHER_VARIANTS = 20000        # parameter sets searched to recognize the answer of another variant
COMMON = 0.05                 # a value shared by more of them than this says nothing about variants
IMPLICIT_PRODUCT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![eE][-+]?\d)\s*[A-Za-z_(]")   # `2F`, `3(N + 1)`


def analytic():
    """reference.analytic, imported on first use (sympy is slow to import; only this suite needs it)."""
    import importlib
    for sub in ("printing", "question"):       # then reachable as module.printing, module.question
        importlib.import_module("reference.analytic." + sub)
    return importlib.import_module("reference.analytic")


# ---------------------------------------------------------------- the answers file

@dataclass
class AnswerSheet:
    name: str                      # the file as the student knows it
    entries: dict                  # question id -> the raw value (int, float, str, or anything else TOML allows)
    student_id: str | None = None
    problem: str | None = None     # why the file cannot be used, for the student
    tag: str | None = None         # `variant = ...`: the sheet's tie to its student id (grader/checks/sheet.py)
    missing: bool = False          # there is no answers file at all (nothing was handed in)


def evaluator(ctx):
    """The Evaluator (grader/checks/bounded.py) that grades the answers of this grading, one forked copy for all of
    them, each answer with the limits it had in a copy of its own; ended with the grading (ctx.close)."""
    found = ctx.__dict__.get("answer_evaluator")
    if found is None:
        found = ctx.__dict__["answer_evaluator"] = Evaluator(
            lambda name: (lambda: ctx.assignment.check(name).evaluate(ctx)))
        closing = getattr(ctx, "closing", None)
        if closing is not None:
            closing.append(found.close)
    return found


@functools.lru_cache(maxsize=1)
def warm_up():
    """Parse and grade a trivial answer once in the parent, so that sympy's and mpmath's first-use work (imports,
    caches) is inherited by every forked evaluation instead of being redone (and counted) in each."""
    a = analytic()
    a.evaluate(a.parse_answer("sqrt(2)*ln(3)/floor(2.5) + x - x"))
    close(Fraction(1, 3), 1 / 3, Fraction(0), Fraction(1, 10 ** 6))
    next(iter(a.QUESTIONS.values())).result({s.name: v for s, v in next(iter(a.QUESTIONS.values()))
                                             .substitute().items()})


def read_answers(submission, notes=None, label="analytic"):
    """The submission's answers file (the shallowest answers.toml / answers.json), as an AnswerSheet."""
    files = getattr(submission, "answers", None) or []
    if not files:
        return AnswerSheet("answers.toml", {}, missing=True,
                           problem="no answers file: write your answers in answers.toml (or answers.json) and "
                                   "submit it with your work")
    name = files[0]
    if len(files) > 1 and notes is not None:
        notes.append("%s: answers read from %s; %s ignored" % (label, name, ", ".join(files[1:])))
    path = os.path.join(submission.root, name)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return AnswerSheet(name, {}, problem="%s could not be read (%s)" % (name, exc.strerror))
    if len(raw) > MAX_BYTES:
        return AnswerSheet(name, {}, problem="%s is larger than %d MiB" % (name, MAX_BYTES >> 20))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return AnswerSheet(name, {}, problem="%s is not UTF-8 text" % name)
    toml = name.lower().endswith(".toml")
    problem = shape_problem(text, toml, name)
    if problem:
        return AnswerSheet(name, {}, problem=problem)
    try:   # the parsers are linear at best: in a forked copy, with limits (grader/checks/bounded.py)
        parsed = bounded(lambda: _parse_entries(text, toml, name), PARSE_SECONDS, ANSWER_MEMORY_MB)
    except Overrun as over:
        problem = ("%s could not be read within the grader's time limit" if str(over) == "time"
                   else "%s could not be read within the grader's memory limit")
        return AnswerSheet(name, {}, problem=problem % name)
    if "problem" in parsed:
        return AnswerSheet(name, {}, problem=parsed["problem"])
    entries = {key: _unwire(value) for key, value in parsed["entries"]}
    student_id = entries.pop("student_id", None)
    tag = entries.pop("variant", None)
    if isinstance(student_id, int) and not isinstance(student_id, bool):
        student_id = str(student_id)
    if student_id is not None and not (isinstance(student_id, str) and 0 < len(student_id.strip()) <= 64
                                       and student_id.strip().isprintable()):
        if notes is not None:
            notes.append("%s: the student_id in %s is not a short text; it was ignored" % (label, name))
        student_id = None
    # keys and texts are the student's: made safe once, here, for every report that quotes them
    return AnswerSheet(name, safe_data(entries), student_id.strip() if student_id else None,
                       tag=safe_data(tag) if isinstance(tag, str) else None)


_QUOTED = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'')
_DOTTED = re.compile(r"(?:[\w-]+\s*\.\s*){%d,}" % MAX_KEY_PARTS)


def shape_problem(text, toml, name):
    """Why the text of answers file `name` is not parsed at all (too many lines, tables or dotted key parts:
    parsers are slow on them), or None. Checked before any parsing, on the raw text."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        return "%s has more than %d lines" % (name, MAX_LINES)
    if toml:
        bare = _QUOTED.sub('""', text)      # dots and brackets inside strings are the student's text
        if sum(1 for line in bare.splitlines() if line.lstrip().startswith("[")) > MAX_TABLES:
            return "%s has more than %d [tables]" % (name, MAX_TABLES)
        if _DOTTED.search(bare):
            return "%s has a key with more than %d dotted parts" % (name, MAX_KEY_PARTS)
    return None


class Unsupported:
    """An answer of a TOML type the grader does not read (a date, a table, an array too large or too deep)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):                  # as quoted back to the student: the kind of value, not an object
        return "<%s>" % self.type_name


def _parse_entries(text, toml, name):
    """{"entries": [[question id, value], ...]} (values JSON-able: see _unwire) or {"problem": why} (for the
    answers file `name`)."""
    try:
        data = tomllib.loads(text) if toml else json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        return {"problem": "%s is not valid %s: %s" % (name, "TOML" if toml else "JSON", _short(str(exc), 120))}
    if not isinstance(data, dict):
        return {"problem": "%s should hold `question-id = answer` entries" % name}
    entries = _flatten(data)
    if len(entries) > MAX_ENTRIES:
        return {"problem": "%s has more than %d entries" % (name, MAX_ENTRIES)}

    def wire(value, depth=0):
        if value is None or isinstance(value, (bool, str)) or isinstance(value, int) and abs(value) < 10 ** 4000:
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, list) and depth < 2 and len(value) <= MAX_ARRAY:   # a matrix answer: its rows
            return [wire(v, depth + 1) for v in value]
        return {"type": type(value).__name__}
    return {"entries": [[key, wire(value)] for key, value in entries.items()]}


def _unwire(value):
    if isinstance(value, list):
        return [_unwire(v) for v in value]
    if isinstance(value, dict):
        return float(value["float"]) if "float" in value else Unsupported(value["type"])
    return value


def _no_constant(name):
    raise ValueError("%s is not allowed" % name)


def _flatten(data):
    """{"a": {"b": 1}} -> {"a.b": 1}: an unquoted TOML key with a dot (resnet50-macs-v1.5) makes a table."""
    out, stack = {}, [("", data)]
    while stack and len(out) <= MAX_ENTRIES:
        prefix, table = stack.pop()
        for key, value in table.items():
            if isinstance(value, dict) and value:
                stack.append((prefix + str(key) + ".", value))
            else:
                out[prefix + str(key)] = value
    return out


def _short(text, n=MAX_QUOTED):
    """The start of a text on one line, at most n characters."""
    text = str(text)
    head = " ".join(text[:n + 1].split())
    return head if len(text) <= n and len(head) <= n else head[:n] + "…"


def quoted(raw):
    return "'%s'" % _short(raw) if isinstance(raw, str) else repr(raw)


# ---------------------------------------------------------------- numbers and tolerances

def _fraction(x):
    return x if isinstance(x, Fraction) else Fraction(str(x))


def close(a, b, rel_tol, abs_tol):
    """|a - b| <= max(abs_tol, rel_tol * |b|); exact for fractions, 30 digits otherwise."""
    rel_tol, abs_tol = _fraction(rel_tol), _fraction(abs_tol)
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return abs(a - b) <= max(abs_tol, rel_tol * abs(b))
    import mpmath
    with mpmath.workdps(30):
        a, b = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v for v in (a, b)]
        slack = abs(b) * mpmath.mpf("1e-25")  # an exact closed form of an irrational key, evaluated twice
        return abs(a - b) <= max(mpmath.mpf(abs_tol.numerator) / abs_tol.denominator,
                                 mpmath.mpf(rel_tol.numerator) / rel_tol.denominator * abs(b)) + slack


def params_text(params):
    nt = analytic().printing.number_text
    return ", ".join("%s = %s" % (name, nt(v)) for name, v in params.items())


# ---------------------------------------------------------------- one entry, read without the key

def entry_of(name, sheet, known):
    """The raw answer to question `name`; Fail when there is none (missing, TODO, empty). `known`: every
    question id (an unknown entry close to `name` is named as a likely typo)."""
    if name not in sheet.entries:
        unknown = [k for k in sheet.entries if k not in known]
        near = difflib.get_close_matches(name, unknown, 1, 0.75)
        raise Fail("no answer for `%s` in %s (there is `%s`: did you mean `%s`?)" % (name, sheet.name, near[0], name)
                   if near else "no answer for `%s` in %s" % (name, sheet.name),
                   "no answer", hint="write `%s = <your answer>` in %s" % (name, sheet.name))
    raw = sheet.entries[name]
    if isinstance(raw, str) and (not raw.strip() or raw.strip().upper().startswith("TODO")):
        raise Fail(("no answer yet: `%s` is still TODO in %s" if raw.strip() else "no answer yet: `%s` is empty in %s")
                   % (name, sheet.name),
                   "no answer", hint="replace the TODO for `%s` in %s with your answer" % (name, sheet.name))
    return raw


def parser():
    """The written answers' parsers (parse_answer, parse_matrix, strip_marks, fit_shape, AnswerParseError):
    reference.analytic's, or in the student kit the copy release ships of them — the same code, so the kit reads
    an answer as grading will."""
    try:
        return analytic()
    except ImportError:
        from ..studentkit import answer_parser
        return answer_parser()


def parse_entry(name, raw, sheet, unit=None, shape=None):
    """(the entry as a sympy expression or Matrix, whether it ended in a percent sign), through the safe parsers;
    never executed. `unit` and `shape` are the question's (Question.unit, .shape; sheet_info()'s). Fail when it
    does not parse or is not of the form asked for."""
    a = parser()
    if shape:
        if isinstance(raw, bool) or not isinstance(raw, (list, str)):
            raise Fail("not a matrix: `%s` asks for %s, e.g. %s" % (name, _matrix_words(shape), _matrix_example(shape)),
                       "not an expression", hint="write the rows in brackets, e.g. %s" % _matrix_example(shape))
        try:
            return a.fit_shape(a.parse_matrix(raw), tuple(shape)), False
        except a.AnswerParseError as exc:
            raise Fail("%s (your answer: %s)" % (exc, quoted(raw)), "not an expression",
                       hint=re.sub(r"^not an? (expression|number|matrix): ", "", str(exc)))
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        kind = "`true`/`false`" if isinstance(raw, bool) else getattr(raw, "type_name", type(raw).__name__)
        raise Fail("not an expression: `%s` in %s should be a number or a quoted expression, not %s"
                   % (name, sheet.name, kind),
                   "not an expression", hint="write a number (2.04) or an expression in quotes (\"79/15\")")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise Fail("not a number: %s (your answer for `%s`)" % (raw, name), "not an expression",
                   hint="write a finite number")
    text, percent = a.strip_marks(raw) if isinstance(raw, str) else (repr(raw), False)
    if percent and unit != "percent":
        raise Fail("`%s` does not ask for a percentage: write the number alone (your answer: %s)"
                   % (name, quoted(raw)), "not an expression", hint="write the number alone, without the percent sign")
    try:
        return a.parse_answer(text), percent
    except a.AnswerParseError as exc:
        implicit = IMPLICIT_PRODUCT.search(text)
        raise Fail("%s (your answer: %s)" % (exc, quoted(raw)), "not an expression",
                   hint="write every product with *: 2*F, not 2F" if implicit else
                   re.sub(r"^not an? (expression|number): ", "", str(exc)))


def formula_names_problem(raw, names, order):
    """The Fail for a formula answer that does not use the question's names (`names`: those it uses; `order`:
    the question's), or None."""
    if not names:
        return Fail("this question asks for the formula in %s, not a number" % ", ".join(order), "incorrect",
                    hint="a formula in the question's names was expected")
    unknown = sorted(names - set(order))
    if unknown:
        folded = {n.lower(): n for n in order}
        case = [folded[u.lower()] for u in unknown if u.lower() in folded]
        return Fail("your formula %s uses %s, which the question does not name (its names are %s)%s"
                    % (quoted(raw), ", ".join(unknown), ", ".join(order),
                       "; names are case-sensitive: %s" % ", ".join(case) if case else ""),
                    "incorrect", hint="use the question's names: %s" % ", ".join(order))
    return None


# ---------------------------------------------------------------- the check

@dataclass
class Answer(Check):
    question: str = ""             # the question's id in reference.analytic.QUESTIONS
    form: str = "number"           # "number": its value for the student's parameters; "formula": the formula
    rel_tol: float | None = None   # None: the question's stated precision (Question.tolerance)
    abs_tol: float | None = None   # None: the question's stated precision (half a unit in its last place)
    kind: str = "answer"

    def run(self, ctx):
        sheet = ctx.answers()
        if sheet.missing:
            raise Fail(sheet.problem, "no answers file", hint="hand in answers.toml (or answers.json) with your work")
        if sheet.problem:
            raise Fail(sheet.problem, "unreadable answers file", hint="fix the answers file (see the public checks)")
        raw = self.entry(ctx, sheet)
        question = analytic().QUESTIONS[self.question]
        budget = ctx.__dict__.setdefault("answer_budget", Budget(FILE_SECONDS))
        if budget.left <= 0:
            raise Fail("not graded: the answers before it used up the %g s allowed for evaluating an answers file"
                       % FILE_SECONDS, "too slow to evaluate", hint="write plain numbers or short expressions")
        warm_up()
        try:   # sympy on the student's text: in a forked copy of the grader, with limits (one copy per file)
            done = evaluator(ctx).run(self.name, ANSWER_SECONDS, ANSWER_MEMORY_MB, budget)
        except Overrun as over:
            raise Fail(("not graded: evaluating your answer %s took more time than allowed (%g s, %d MiB)"
                        if str(over) == "time" else
                        "not graded: evaluating your answer %s took more memory than allowed (%g s, %d MiB)")
                       % (quoted(raw), ANSWER_SECONDS, ANSWER_MEMORY_MB), "too slow to evaluate",
                       hint="write a plain number or a short expression")
        for note in done["notes"]:
            _note(ctx, note)
        if "fail" in done:
            raise Fail(*done["fail"])
        return done["summary"]

    def evaluate(self, ctx):
        """This answer graded, in the evaluator's forked copy (`evaluator`): {"summary"} or {"fail"}, and the notes
        grading it added."""
        sheet = ctx.answers()
        raw = self.entry(ctx, sheet)
        question = analytic().QUESTIONS[self.question]
        before = len(ctx.notes)
        try:
            return {"summary": self.grade(ctx, sheet, question, raw), "notes": ctx.notes[before:]}
        except Fail as fail:
            return {"fail": [fail.message, fail.category, fail.hint], "notes": ctx.notes[before:]}

    def grade(self, ctx, sheet, question, raw):
        expr, percent = self.parse(raw, sheet, question)
        if self.form == "formula":
            return self.grade_formula(question, expr, raw)
        return self.grade_number(ctx, sheet, question, expr, raw, percent)

    # ---------------------------------------------------------- reading the entry
    def entry(self, ctx, sheet):
        return entry_of(self.name, sheet, {c.name for c in ctx.assignment.checks})

    def parse(self, raw, sheet, question):
        return parse_entry(self.name, raw, sheet, question.unit, question.shape)

    # ---------------------------------------------------------- numbers
    def variant(self, ctx, sheet, question):
        """(params {name: exact number}, whose parameters they are, in words)."""
        a = analytic()
        if ctx.student_id and sheet.student_id and ctx.student_id != sheet.student_id:
            _note(ctx, "%s: %s says student_id %s, but grading is for student %s"
                  % (ctx.assignment.name, sheet.name, sheet.student_id, ctx.student_id))
        sid = ctx.student_id or sheet.student_id
        if getattr(ctx.course, "variants", False):
            if sid:
                return a.variant_params(question, ctx.course.secret, str(sid)), "your variant"
            _note(ctx, "%s: the course uses variants but no student id is known (give --student-id or "
                       "student_id in %s): graded with the lecture's numbers" % (ctx.assignment.name, sheet.name))
        return {s.name: v for s, v in question.substitute().items()}, "the lecture's numbers"

    def tolerance(self, question, expected, result=None):
        """(relative, absolute) tolerance for one expected entry: the question's stated precision (half a unit in
        its last place; 0 where the answer is asked exactly), unless the check overrides it."""
        rel = self.rel_tol if self.rel_tol is not None else 0
        absolute = self.abs_tol if self.abs_tol is not None else question.tolerance(expected, result)
        return _fraction(rel), _fraction(absolute)

    def grade_number(self, ctx, sheet, question, expr, raw, percent=False):
        a = analytic()
        params, whose = self.variant(ctx, sheet, question)
        public = self.visibility != "hidden"
        left = sorted({s.name for e in _entries(expr) for s in e.free_symbols})
        if left:
            raise Fail(("this question asks for numbers (their values for %s: %s); your answer %s still contains %s"
                        if question.matrix else
                        "this question asks for a number (its value for %s: %s); your answer %s still contains %s")
                       % (whose, params_text(params), quoted(raw), ", ".join(left)),
                       "incorrect", hint="a number was expected, not a formula")
        expected = question.result(params)
        stated, _ = a.printing.stated_text(expected, question.precision(expected))
        expected_line = "expected: %s = %s with %s (%s)" % (_short(a.printing.answer_text(question.formula), 200),
                                                           stated, params_text(params), whose)
        if question.matrix:
            return self.grade_matrix(question, expr, expected, raw, stated, expected_line, public)
        mine = a.evaluate(expr)
        if mine is None:
            raise Fail("not a number: %s has no finite value" % quoted(raw), "not an expression",
                       hint="the expression has no finite value")
        want = a.evaluate(expected)
        rel, absolute = self.tolerance(question, expected)
        if close(mine, want, rel, absolute):
            return ("correct: %s" % stated) + (" %" if question.unit == "percent" else "") if public else "correct"
        if question.unit == "percent" and not percent and close(mine * 100, want, rel, absolute):
            return ("correct: %s read as a fraction, %s%%" % (quoted(raw), stated)) if public else "correct"
        if not public:
            raise Fail("incorrect", "incorrect", hint="the value is outside the tolerance: check the formula and "
                                                      "the arithmetic")
        other = self.other_variant(ctx, sheet, question, params, mine, rel, absolute)
        if other and other[1]:
            raise Fail("incorrect: %s is the answer for %s (%s), not for %s\n%s"
                       % (quoted(raw), other[1], params_text(other[0]), whose, expected_line), "wrong variant",
                       hint="use the parameters of your own variant")
        if other:
            raise Fail("incorrect for %s: %s would be right for other parameters (%s)\n%s"
                       % (whose, quoted(raw), params_text(other[0]), expected_line), "wrong variant",
                       hint="use the parameters of your own variant")
        how, far = _how_far(mine, want)
        tolerance = _tolerance_text(rel, absolute, want, question.precision_text(expected))
        raise Fail(how % ((quoted(raw),) + far + (stated, tolerance)) + "\n" + expected_line,
                   "incorrect", hint="check the formula and the arithmetic")

    def grade_matrix(self, question, mine, expected, raw, stated, expected_line, public):
        """A matrix answer against the key's, entry by entry, each within the question's tolerance."""
        a = analytic()
        values = [a.evaluate(e) for e in mine]
        if any(v is None for v in values):
            raise Fail("not a number: an entry of %s has no finite value" % quoted(raw), "not an expression",
                       hint="every entry must be a finite number")
        if mine.shape != expected.shape:
            raise self.wrong_shape(question, mine, expected, raw, expected_line, public,
                                   lambda got, want: close(a.evaluate(got), a.evaluate(want),
                                                           *self.tolerance(question, want, expected)))
        wrong = []
        for (i, j), got, want in zip(_positions(expected), values, expected):
            rel, absolute = self.tolerance(question, want, expected)
            if not close(got, a.evaluate(want), rel, absolute):
                wrong.append((i, j))
        if not wrong:
            return "correct: %s" % stated if public else "correct"
        layout = sorted(map(_rounded_key, values)) == sorted(_rounded_key(a.evaluate(e)) for e in expected)
        hint = ("the right numbers in the wrong places: check the layout" if layout
                else "some entries are wrong: check the formula and the arithmetic")
        if not public:
            raise Fail("incorrect", "incorrect", hint=hint)
        raise Fail(("incorrect: %d of the %d entries differ (%s); the right numbers, in the wrong places\n%s" if layout
                    else "incorrect: %d of the %d entries differ (%s)\n%s")
                   % (len(wrong), len(values), _where(wrong, expected), expected_line), "incorrect", hint=hint)

    def wrong_shape(self, question, mine, expected, raw, expected_line, public, same):
        """The Fail for a matrix of another shape; says when it is the key with extra rows and columns of zeros
        (the Kronecker product not cropped) or the key transposed."""
        rows, cols = expected.shape
        extra = (mine.rows >= rows and mine.cols >= cols
                 and all(same(mine[i, j], expected[i, j]) for i in range(rows) for j in range(cols))
                 and all(mine[i, j] == 0 for i in range(mine.rows) for j in range(mine.cols)
                         if i >= rows or j >= cols))
        transposed = mine.shape == (cols, rows) and all(same(mine[j, i], expected[i, j])
                                                        for i in range(rows) for j in range(cols))
        hint = ("the right matrix with zeros in %d extra row(s) and %d extra column(s) at the end: crop it to %d x %d"
                % (mine.rows - rows, mine.cols - cols, rows, cols)
                if extra else "the transpose of the answer: swap rows and columns" if transposed
                else "the answer is a %d x %d matrix" % (rows, cols))
        if not public:
            return Fail("incorrect", "incorrect", hint=hint)
        if extra or transposed:
            return Fail("incorrect: your answer is %d x %d, the answer is %d x %d: it is %s\n%s"
                        % (mine.rows, mine.cols, rows, cols, hint, expected_line), "incorrect", hint=hint)
        return Fail("incorrect: your answer is %d x %d, the answer is %d x %d\n%s"
                    % (mine.rows, mine.cols, rows, cols, expected_line), "incorrect", hint=hint)

    def other_variant(self, ctx, sheet, question, params, mine, rel, absolute):
        """(params, whose) of another variant whose answer the student gave, or None.

        Tries the lecture's numbers, the variant of the id written in the file, then the grid of the question's
        choices (all of it, or OTHER_VARIANTS points of it), evaluated at once in floating point; a match is
        confirmed exactly. A value that more than COMMON of the grid shares (0 for a hinge loss) is not taken as
        a sign of another variant. Only the key's own formula is compiled (sympy's lambdify), never the student's
        text."""
        a = analytic()
        defaults = {s.name: v for s, v in question.substitute().items()}
        if params == defaults:
            return None
        candidates = [(defaults, "the lecture's numbers")]
        if sheet.student_id and ctx.student_id and sheet.student_id != ctx.student_id:
            candidates.append((a.variant_params(question, ctx.course.secret, sheet.student_id),
                               "the variant of student %s" % sheet.student_id))
        matches = _grid_matches(question, mine, rel, absolute)
        if matches is None:
            return None
        candidates += [(p, None) for p in matches]
        for candidate, whose in candidates:
            if candidate == params:
                continue
            value = a.evaluate(question.formula, candidate)
            if value is not None and close(mine, value, rel, absolute) and question.accepts(candidate):
                return candidate, whose
        return None

    # ---------------------------------------------------------- formulas
    def grade_formula(self, question, expr, raw):
        a = analytic()
        public = self.visibility != "hidden"
        order = question.answer_names()
        names = {s.name for e in _entries(expr) for s in e.free_symbols}
        problem = formula_names_problem(raw, names, order)
        if problem:
            raise problem
        formula = _short(a.printing.answer_text(question.formula), 300)
        extra = tuple(n for n in order if n not in question.defaults)
        if question.matrix and expr.shape != question.shape:
            raise self.wrong_shape(question, expr, question.formula, raw, "expected: %s" % formula, public,
                                   lambda got, want: a.answers_equivalent(got, want, names=extra))
        if a.answers_equivalent(expr, question.formula, names=extra):
            return "correct: equivalent to %s" % formula if public else "correct"
        unused = sorted(names & set(extra) - {s.name for e in _entries(question.formula) for s in e.free_symbols})
        layout = question.matrix and not unused and a.same_values_elsewhere(expr, question.formula, names=extra)
        hint = ("the answer does not depend on %s, yours does" % ", ".join(unused) if unused
                else "the right numbers in the wrong places: check the layout" if layout
                else "check each entry: which input it comes from, and its factor" if question.matrix
                else "check each term")
        if question.matrix:
            wrong = [(i, j) for (i, j), got, want in zip(_positions(question.formula), expr, question.formula)
                     if not a.answers_equivalent(got, want, names=extra)]
            if not public:
                raise Fail("incorrect", "incorrect", hint=hint)
            where = _where(wrong, question.formula)
            if unused or layout:
                raise Fail("incorrect: %d of the %d entries are not equivalent to the expected ones (%s); %s\n"
                           "expected: %s" % (len(wrong), len(expr), where, hint, formula), "incorrect", hint=hint)
            raise Fail("incorrect: %d of the %d entries are not equivalent to the expected ones (%s)\nexpected: %s"
                       % (len(wrong), len(expr), where, formula), "incorrect", hint=hint)
        if unused:
            raise Fail("incorrect: %s is not equivalent to the expected formula: %s\nexpected: %s"
                       % (quoted(raw), hint, formula) if public else "incorrect", "incorrect", hint=hint)
        if not public:
            raise Fail("incorrect", "incorrect", hint="not the formula asked for: check each term")
        raise Fail("incorrect: %s is not equivalent to the expected formula\nexpected: %s" % (quoted(raw), formula),
                   "incorrect", hint="check each term")


def _entries(expr):
    return list(expr) if hasattr(expr, "shape") else [expr]


def _positions(matrix):
    return [(i, j) for i in range(matrix.rows) for j in range(matrix.cols)]


def _where(wrong, matrix, most=3):
    """'row 1, column 2; ...' (1-based) of the first wrong entries; 'entry 2' in a vector."""
    vector = 1 in matrix.shape
    words = ["entry %d" % (max(i, j) + 1) if vector else "row %d, column %d" % (i + 1, j + 1) for i, j in wrong[:most]]
    return "; ".join(words) + ("; ..." if len(wrong) > most else "")


def _rounded_key(v):
    import mpmath
    with mpmath.workdps(30):
        return mpmath.nstr(v if not isinstance(v, Fraction) else mpmath.mpf(v.numerator) / v.denominator, 12)


def _matrix_words(shape):
    rows, cols = shape
    return "a list of %d numbers" % (rows * cols) if 1 in (rows, cols) else "a %d x %d matrix" % (rows, cols)


def _matrix_example(shape):
    rows, cols = shape
    if 1 in (rows, cols):
        return "[%s]" % ", ".join("a%d" % (i + 1) for i in range(rows * cols))
    return "[%s]" % ", ".join("[%s]" % ", ".join("a%d%d" % (i + 1, j + 1) for j in range(cols)) for i in range(rows))


def _grid_matches(question, mine, rel, absolute, most=20):
    """Parameter sets of the question's choice grid whose value is close to the student's (a float prefilter);
    None when the value is common in the grid (more than COMMON of it)."""
    import numpy as np
    import sympy as sp
    to_number = analytic().question.to_number
    names = sorted(question.choices)
    sizes = [len(question.choices[n]) for n in names]
    if not names:
        return []
    total = int(np.prod([float(s) for s in sizes]))
    if total <= OTHER_VARIANTS:
        picks = np.indices(sizes).reshape(len(sizes), -1)
    else:
        rng = np.random.default_rng(int.from_bytes(question.id.encode()[:8], "big"))
        picks = np.stack([rng.integers(0, s, OTHER_VARIANTS) for s in sizes])
    options = {n: [to_number(c) for c in question.choices[n]] for n in names}
    columns = {n: np.array([float(c) for c in options[n]])[picks[i]] for i, n in enumerate(names)}
    symbols = sorted(question.formula.free_symbols, key=lambda s: s.name)
    args = [columns[s.name] if s.name in columns else np.full(picks.shape[1], float(question.defaults[s.name]))
            for s in symbols]
    m = float(mine)
    if not np.isfinite(m):
        return []
    with np.errstate(all="ignore"):
        values = np.broadcast_to(sp.lambdify(symbols, question.formula, modules="numpy")(*args), picks.shape[1:])
        near = np.flatnonzero(np.abs(values - m) <= max(float(absolute), float(rel) * abs(m)) + 1e-9 * abs(m))
    if len(near) > COMMON * picks.shape[1]:
        return None
    defaults = {s.name: v for s, v in question.substitute().items()}
    return [dict(defaults, **{n: options[n][picks[i][j]] for i, n in enumerate(names)}) for j in near[:most]]


def _note(ctx, text):
    if text not in ctx.notes:
        ctx.notes.append(text)


def _how_far(mine, want):
    """(a sentence on how far the answer is from the expected one, with the fields: the answer, how far (when
    the sentence says it), the expected value, the tolerance; (how far,) or ())."""
    import mpmath
    with mpmath.workdps(30):
        m, w = [mpmath.mpf(v.numerator) / v.denominator if isinstance(v, Fraction) else v for v in (mine, want)]
        if w == 0:
            return "incorrect: %s is not the expected %s (tolerance: %s)", ()
        change = (m - w) / abs(w) * 100
        if abs(change) >= 1000:
            return "incorrect: %s is %s times the expected %s (tolerance: %s)", (mpmath.nstr(m / w, 3),)
        return ("incorrect: %s is %s%% larger than the expected %s (tolerance: %s)" if change > 0 else
                "incorrect: %s is %s%% smaller than the expected %s (tolerance: %s)"), (mpmath.nstr(abs(change), 2),)


def _tolerance_text(rel, absolute, want, precision=""):
    """The tolerance that applies here: the larger of the absolute one and the relative one, and the precision
    the question asks for ('to 3 significant digits'), where it is not exact."""
    if not rel and not absolute:
        return "exact"
    if absolute and absolute >= rel * abs(float(want)):
        text = "±%g" % float(absolute)
    else:
        text = "%g%%" % float(rel * 100)
    return text + (", %s" % precision if precision.startswith("to ") else "")
