"""answer: a written answer from the student's answers file against the analytic key (reference/analytic).

The student's answers file (answers.toml or answers.json: `question-id = answer`) is untrusted TEXT. It is read
in the parent and never executed: numbers and strings go through the safe parser (an AST whitelist with size,
depth and magnitude limits), so no worker is needed. A `number` question is compared with the key's value for
the student's parameters (their variant when the course enables variants) within a tolerance; a `formula`
question by equivalence with the key's formula (a randomized identity test, bounded in time).
"""
import difflib
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction

from ..spec import Check
from .validate import Fail

MAX_BYTES = 2 * 1024 * 1024   # an answers file larger than this is not read
MAX_ENTRIES = 5000
MAX_QUOTED = 60               # characters of a student's answer quoted back to them
OTHER_VARIANTS = 20000        # parameter sets searched to recognize the answer of another variant
COMMON = 0.05                 # a value shared by more of them than this says nothing about variants
DEFAULT_REL_TOL = Fraction(1, 1000)   # non-integer answers, unless the question says otherwise
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
    try:
        data = tomllib.loads(text) if toml else json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        return AnswerSheet(name, {}, problem="%s is not valid %s: %s" % (name, "TOML" if toml else "JSON",
                                                                         _short(str(exc), 120)))
    if not isinstance(data, dict):
        return AnswerSheet(name, {}, problem="%s should hold `question-id = answer` entries" % name)
    entries = _flatten(data)
    if len(entries) > MAX_ENTRIES:
        return AnswerSheet(name, {}, problem="%s has more than %d entries" % (name, MAX_ENTRIES))
    student_id = entries.pop("student_id", None)
    tag = entries.pop("variant", None)
    if isinstance(student_id, int) and not isinstance(student_id, bool):
        student_id = str(student_id)
    if student_id is not None and not (isinstance(student_id, str) and 0 < len(student_id.strip()) <= 64
                                       and student_id.strip().isprintable()):
        if notes is not None:
            notes.append("%s: the student_id in %s is not a short text; it was ignored" % (label, name))
        student_id = None
    return AnswerSheet(name, entries, student_id.strip() if student_id else None,
                       tag=tag if isinstance(tag, str) else None)


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
        raise Fail("no answer for `%s` in %s%s" % (
            name, sheet.name, " (there is `%s`: did you mean `%s`?)" % (near[0], name) if near else ""),
            "no answer", hint="write `%s = <your answer>` in %s" % (name, sheet.name))
    raw = sheet.entries[name]
    if isinstance(raw, str) and (not raw.strip() or raw.strip().upper().startswith("TODO")):
        raise Fail(("no answer yet: `%s` is still TODO in %s" if raw.strip() else "no answer yet: `%s` is empty in %s")
                   % (name, sheet.name),
                   "no answer", hint="replace the TODO for `%s` in %s with your answer" % (name, sheet.name))
    return raw


def parser():
    """(parse_answer, AnswerParseError): the key's own parser (reference/analytic/parse.py), or in the student
    kit the copy release ships of it — the same code, so the kit reads an answer as grading will."""
    try:
        import reference.analytic.parse as module
    except ImportError:
        from ..studentkit import answer_parser
        module = answer_parser()
    return module.parse_answer, module.AnswerParseError


def parse_entry(name, raw, sheet):
    """The entry as a sympy expression, through the safe parser; never executed. Fail when it does not parse."""
    parse_answer, error = parser()
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise Fail("not an expression: `%s` in %s should be a number or a quoted expression, not %s"
                   % (name, sheet.name, type(raw).__name__ if not isinstance(raw, bool) else "`true`/`false`"),
                   "not an expression", hint="write a number (2.04) or an expression in quotes (\"79/15\")")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise Fail("not a number: %s (your answer for `%s`)" % (raw, name), "not an expression",
                   hint="write a finite number")
    try:
        return parse_answer(raw if isinstance(raw, str) else repr(raw))
    except error as exc:
        implicit = isinstance(raw, str) and IMPLICIT_PRODUCT.search(raw)
        raise Fail("%s (your answer: %s)" % (exc, quoted(raw)), "not an expression",
                   hint="write every product with *: 2*F, not 2F" if implicit else
                   re.sub(r"^not an? (expression|number): ", "", str(exc)))


# ---------------------------------------------------------------- the check

@dataclass
class Answer(Check):
    question: str = ""             # the question's id in reference.analytic.QUESTIONS
    form: str = "number"           # "number": its value for the student's parameters; "formula": the formula
    rel_tol: float | None = None   # None: 0 (exact) for integer answers, DEFAULT_REL_TOL otherwise
    abs_tol: float | None = None   # None: half a unit of the question's stated decimals, else 0
    kind: str = "answer"

    def run(self, ctx):
        sheet = ctx.answers()
        if sheet.missing:
            raise Fail(sheet.problem, "no answers file", hint="hand in answers.toml (or answers.json) with your work")
        if sheet.problem:
            raise Fail(sheet.problem, "unreadable answers file", hint="fix the answers file (see the public checks)")
        raw = self.entry(ctx, sheet)
        expr = self.parse(raw, sheet)
        question = analytic().QUESTIONS[self.question]
        if self.form == "formula":
            return self.grade_formula(question, expr, raw)
        return self.grade_number(ctx, sheet, question, expr, raw)

    # ---------------------------------------------------------- reading the entry
    def entry(self, ctx, sheet):
        return entry_of(self.name, sheet, {c.name for c in ctx.assignment.checks})

    def parse(self, raw, sheet):
        return parse_entry(self.name, raw, sheet)

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

    def tolerance(self, question, expected):
        rel = self.rel_tol if self.rel_tol is not None else (0 if expected.is_Integer else DEFAULT_REL_TOL)
        if self.abs_tol is not None:
            absolute = self.abs_tol
        else:
            absolute = Fraction(1, 2 * 10 ** question.decimals) if question.decimals is not None else 0
        return _fraction(rel), _fraction(absolute)

    def grade_number(self, ctx, sheet, question, expr, raw):
        a = analytic()
        params, whose = self.variant(ctx, sheet, question)
        public = self.visibility != "hidden"
        left = sorted(s.name for s in expr.free_symbols)
        if left:
            raise Fail("this question asks for a number (its value for %s: %s); your answer %s still contains %s"
                       % (whose, params_text(params), quoted(raw), ", ".join(left)),
                       "incorrect", hint="a number was expected, not a formula")
        mine = a.evaluate(expr)
        if mine is None:
            raise Fail("not a number: %s has no finite value" % quoted(raw), "not an expression",
                       hint="the expression has no finite value")
        expected = question.result(params)
        want = a.evaluate(expected)
        rel, absolute = self.tolerance(question, expected)
        stated, _ = a.printing.stated_text(expected, question.decimals)
        if close(mine, want, rel, absolute):
            return "correct: %s" % stated if public else "correct"
        if not public:
            raise Fail("incorrect", "incorrect", hint="the value is outside the tolerance: check the formula and "
                                                      "the arithmetic")
        expected_line = "expected: %s = %s with %s (%s)" % (a.printing.answer_text(question.formula), stated,
                                                           params_text(params), whose)
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
        raise Fail(how % ((quoted(raw),) + far + (stated, _tolerance_text(rel, absolute, want))) + "\n" + expected_line,
                   "incorrect", hint="check the formula and the arithmetic")

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
        order = list(question.defaults)
        names = {s.name for s in expr.free_symbols}
        if not names:
            raise Fail("this question asks for the formula in %s, not a number" % ", ".join(order), "incorrect",
                       hint="a formula in the question's names was expected")
        unknown = sorted(names - set(order))
        if unknown:
            folded = {n.lower(): n for n in order}
            case = [folded[u.lower()] for u in unknown if u.lower() in folded]
            raise Fail("your formula %s uses %s, which the question does not name (its names are %s)%s"
                       % (quoted(raw), ", ".join(unknown), ", ".join(order),
                          "; names are case-sensitive: %s" % ", ".join(case) if case else ""),
                       "incorrect", hint="use the question's names: %s" % ", ".join(order))
        formula = a.printing.answer_text(question.formula)
        if a.answers_equivalent(expr, question.formula):
            return "correct: equivalent to %s" % formula if public else "correct"
        if not public:
            raise Fail("incorrect", "incorrect", hint="not the formula asked for: check each term")
        raise Fail("incorrect: %s is not equivalent to the expected formula\nexpected: %s" % (quoted(raw), formula),
                   "incorrect", hint="check each term")


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


def _tolerance_text(rel, absolute, want):
    """The tolerance that applies here: the larger of the absolute one and the relative one."""
    if not rel and not absolute:
        return "exact"
    if absolute and absolute >= rel * abs(float(want)):
        return "±%g" % float(absolute)
    return "%g%%" % float(rel * 100)
