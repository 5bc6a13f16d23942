"""`dlgrader answers`: the analytic answer key, per-student variants, and the drift check.

    dlgrader answers [--variant ID] [--format md|json|tex|toml] [--questions] [-o FILE] [--course FILE]
    dlgrader answers --check [--expected FILE]          exit 1 when a recomputed answer differs from the stored one
    dlgrader answers --write-expected [--expected FILE]

The key comes from the formulas in reference/analytic (sympy); a variant's parameters are drawn from the course
secret and the student id. `--format toml` writes an answers file: the key's values (the reference answers), or
with `--questions` a sheet of TODO entries for the student (their variant's numbers in comments).
The stored key, reference/analytic/expected.json, holds every answer for the lecture's numbers and for a few
fixed variants; `--check` recomputes them all and lists what drifted.
"""
import json
import os
import re
import sys

CHECK_SECRET = "dlgrader-expected-key"     # the variants stored in expected.json (not any course's secret)
CHECK_STUDENTS = ("s1", "s2", "s3")
LECTURE = "lecture"
VALUE_DIGITS = 30


def analytic():
    from .checks.answer import analytic as load
    return load()


# ---------------------------------------------------------------- the key for one set of parameters

def key(course=None, student_id=None, questions=None):
    """The key entries (reference/analytic/key.py) for the lecture's numbers or one student's variant."""
    from reference.analytic.key import answer_key
    return answer_key(course.secret if student_id is not None else None, student_id, questions)


def heading(student_id):
    return ("the variant of student %s" % student_id) if student_id is not None else "the lecture's numbers"


def render_markdown(entries, student_id=None, questions_only=False):
    lines = ["# Analytic %s" % ("questions" if questions_only else "answer key"), "",
             "Parameters: %s. %s" % (heading(student_id), "" if questions_only else
                                     "Exact answers are exact (integers, p/q); the others are rounded as stated."),
             ""]
    for n, e in enumerate(entries, 1):
        lines += ["## %d. `%s`" % (n, e["id"]), "", e["title"], ""]
        values = ", ".join("%s = %s" % kv for kv in e["params"].items())
        if questions_only:
            lines += ["- values: %s" % values, ""]
            continue
        lines += ["- formula: `%s`" % e["formula"], "- values: %s" % values,
                  "- substituted: `%s`" % e["substituted"],
                  "- answer: **%s** (%s)" % (e["answer"], e["precision"])]
        if e["closed_form"]:
            lines.append("- closed form: `%s`" % e["closed_form"])
        if e["note"]:
            lines.append("- note: %s" % e["note"])
        lines.append("")
    return "\n".join(lines)


def render_json(entries, student_id=None, questions_only=False):
    if questions_only:
        entries = [{k: e[k] for k in ("id", "title", "params")} for e in entries]
    return json.dumps({"key": "analytic", "questions_only": questions_only,
                       "variant": None if student_id is None else {"student_id": student_id},
                       "questions": entries}, indent=2, ensure_ascii=False) + "\n"


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
        "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex_text(text):
    return "".join(_TEX.get(c, c) for c in text)


def render_latex(entries, student_id=None, questions_only=False):
    import sympy as sp
    out = [r"\documentclass[11pt]{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}",
           r"\usepackage{amsmath,amssymb}", r"\usepackage{graphicx}", r"\usepackage[margin=2cm]{geometry}",
           r"% display math shrunk to the line width when it is wider",
           r"\newcommand{\fitmath}[1]{\begin{center}\sbox0{$\displaystyle #1$}"
           r"\ifdim\wd0>\linewidth\resizebox{\linewidth}{!}{\usebox0}\else\usebox0\fi\end{center}}",
           r"\begin{document}",
           r"\section*{Analytic %s}" % ("questions" if questions_only else "answer key"),
           "Parameters: %s.\n" % tex_text(heading(student_id))]
    for n, e in enumerate(entries, 1):
        values = ", ".join("$%s = %s$" % (sp.latex(sp.Symbol(k)), v) for k, v in e["params"].items())
        out += [r"\subsection*{%d.\ \texttt{%s}}" % (n, tex_text(e["id"])), tex_text(e["title"]) + ".", ""]
        if questions_only:
            out += ["With %s." % values, ""]
            continue
        result = e["answer"]
        if e["precision"] == "exact":
            result = sp.latex(sp.Rational(result)) if "/" in result else result
            relation = "="
        else:
            relation = r"\approx"
        out += [r"\fitmath{%s}" % e["formula_latex"], "With %s:" % values,
                r"\fitmath{%s %s %s}" % (e["substituted_latex"], relation, result),
                r"Answer: $%s$ (%s)." % (result, tex_text(e["precision"]))]
        if e["note"]:
            out += ["", r"\emph{%s}" % tex_text(e["note"])]
        out.append("")
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- answers files (TOML)

def toml_key(name):
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def toml_number(entry):
    """The key's answer as a TOML value: an int or float literal where it is exact, else a quoted string."""
    text = entry["answer"]
    if entry["precision"] != "exact":
        return text                                        # a rounded float, as stated
    if "/" in text:
        return json.dumps(text)                            # "79/15": exact, in quotes
    if "." not in text:
        return text if abs(int(text)) < 2 ** 63 else json.dumps(text)
    from fractions import Fraction
    return text if Fraction(repr(float(text))) == Fraction(text) else json.dumps(text)  # reads back exact


def render_toml(entries, student_id=None, questions_only=False, tag=None):
    """An answers file: the key's values, or (questions_only) TODO entries with the questions as comments;
    `tag` ties a student's sheet to their id (grader/checks/sheet.py checks it offline)."""
    from .suites.analytic import FORMULA_SUFFIX, FORMULAS
    if questions_only:
        lines = ["# Written answers (the `analytic` assignment). Replace each TODO with your answer: a number",
                 "# (3, 2.04, 1.5e7), or a fraction or an expression in quotes (\"79/15\", \"(N + 2*P - F)/S + 1\").",
                 "# Expressions may use numbers, the question's names, + - * / ^ ( ), sqrt exp log ln abs max min",
                 "# floor ceil, pi and e. Questions ending in -formula ask for the formula in the question's names.",
                 "# Check it: dlgrader check analytic --path answers.toml (it reads every answer; whether they are",
                 "# right is graded later, against the course's key)", ""]
    else:
        lines = ["# The analytic answer key's values (%s), as an answers file." % heading(student_id),
                 "# Generated by `dlgrader answers --format toml`; grading it gives full marks.", ""]
    if student_id is not None:
        lines += ["student_id = %s" % json.dumps(student_id)]
        if tag:
            lines.append("variant = %s   # ties these numbers to your id: leave it as it is" % json.dumps(tag))
        lines.append("")
    for e in entries:
        values = ", ".join("%s = %s" % kv for kv in e["params"].items())
        if questions_only:
            lines += ["# %s, with %s" % (e["title"], values), "%s = \"TODO\"" % toml_key(e["id"])]
        else:
            lines.append("%s = %s" % (toml_key(e["id"]), toml_number(e)))
        if e["id"] in FORMULAS:
            formula_id = toml_key(e["id"] + FORMULA_SUFFIX)
            if questions_only:
                lines += ["# The same as a formula in %s" % ", ".join(e["params"]), "%s = \"TODO\"" % formula_id]
            else:
                lines.append("%s = %s" % (formula_id, json.dumps(e["formula"])))
        if questions_only:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS = {"md": render_markdown, "json": render_json, "tex": render_latex, "toml": render_toml}


# ---------------------------------------------------------------- the stored key and the drift check

def default_expected():
    from .suites.analytic import expected_path
    return expected_path()


def answer_record(question, params):
    """What expected.json stores for one question and one parameter set."""
    import sympy as sp
    number_text = analytic().printing.number_text
    result = question.result(params)
    return {"params": {name: number_text(v) for name, v in sorted(params.items())},
            "exact": number_text(result) if result.is_Rational else None,
            "value": str(sp.N(result, VALUE_DIGITS))}


def parameter_sets(question, secret, students):
    a = analytic()
    sets = {LECTURE: {s.name: v for s, v in question.substitute().items()}}
    for sid in students:
        sets["variant " + sid] = a.variant_params(question, secret, sid)
    return sets


def snapshot(questions=None):
    """The whole stored key: every question's formula and its answers for the lecture and CHECK_STUDENTS."""
    a = analytic()
    questions = a.QUESTIONS if questions is None else questions
    return {"about": "The analytic answer key as last accepted. `dlgrader answers --check` recomputes every "
                     "answer and fails on any difference; `dlgrader answers --write-expected` rewrites this file "
                     "(only after checking that the change is intended).",
            "secret": CHECK_SECRET, "students": list(CHECK_STUDENTS),
            "questions": {qid: {"title": q.title, "formula": a.printing.answer_text(q.formula),
                                "decimals": q.decimals,
                                "answers": {label: answer_record(q, params) for label, params in
                                            parameter_sets(q, CHECK_SECRET, CHECK_STUDENTS).items()}}
                          for qid, q in questions.items()}}


def _same_value(a, b):
    import mpmath
    with mpmath.workdps(VALUE_DIGITS + 10):
        x, y = mpmath.mpf(a), mpmath.mpf(b)
        return abs(x - y) <= mpmath.mpf(10) ** (5 - VALUE_DIGITS) * max(abs(x), abs(y))


def _same_formula(text, formula):
    a = analytic()
    try:
        return a.answers_equivalent(a.parse_answer(text), formula)
    except a.AnswerParseError:
        return text == a.printing.answer_text(formula)


def drift(stored, questions=None):
    """Differences between the stored key and the recomputed one, as lines (empty: no drift)."""
    a = analytic()
    questions = a.QUESTIONS if questions is None else questions
    secret = stored.get("secret", CHECK_SECRET)
    students = stored.get("students", [])
    saved = stored.get("questions", {})
    problems = ["%s: a question not in the stored key" % q for q in questions if q not in saved]
    problems += ["%s: in the stored key but no longer a question" % q for q in saved if q not in questions]
    for qid, old in saved.items():
        q = questions.get(qid)
        if q is None:
            continue
        if not _same_formula(old.get("formula", ""), q.formula):
            problems.append("%s: the formula changed from %s to %s" % (qid, old.get("formula"),
                                                                       a.printing.answer_text(q.formula)))
        if old.get("decimals") != q.decimals:
            problems.append("%s: stated to %s decimals, was %s" % (qid, q.decimals, old.get("decimals")))
        sets = parameter_sets(q, secret, students)
        for label, record in old.get("answers", {}).items():
            if label not in sets:
                problems.append("%s (%s): no such parameter set" % (qid, label))
                continue
            now = answer_record(q, sets[label])
            if now["params"] != record.get("params"):
                problems.append("%s (%s): parameters changed from %s to %s"
                                % (qid, label, _params(record.get("params", {})), _params(now["params"])))
            elif now["exact"] != record.get("exact"):
                problems.append("%s (%s): stored %s, now %s" % (qid, label, record.get("exact") or record.get("value"),
                                                               now["exact"] or now["value"]))
            elif not _same_value(now["value"], record.get("value", "nan")):
                problems.append("%s (%s): stored value %s, now %s" % (qid, label, record.get("value"), now["value"]))
    return problems


def _params(params):
    return ", ".join("%s = %s" % kv for kv in params.items()) or "none"


def check(expected=None, questions=None, out=None):
    """Print the drift against the stored key; return the exit status (0: none, 1: drift, 2: unreadable)."""
    out = out or sys.stdout
    path = expected or default_expected()
    try:
        with open(path, encoding="utf-8") as f:
            stored = json.load(f)
    except (OSError, ValueError) as exc:
        print("dlgrader: cannot read the stored key %s: %s" % (path, exc), file=sys.stderr)
        return 2
    problems = drift(stored, questions)
    for line in problems:
        print("drift: " + line, file=out)
    n = len(stored.get("questions", {}))
    if problems:
        print("%d difference(s) from %s. If the change is intended, run `dlgrader answers --write-expected`."
              % (len(problems), path), file=out)
        return 1
    print("the key matches %s: %d questions, %d parameter sets each"
          % (path, n, 1 + len(stored.get("students", []))), file=out)
    return 0


# ---------------------------------------------------------------- the command

def write(path, text):
    """Atomically, readable like any file the user creates (atomic_write's temporary file is private)."""
    from .cli import atomic_write
    atomic_write(path, text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def cmd_answers(args):
    from .cli import load_course
    if args.check:
        return check(args.expected)
    if args.write_expected:
        path = args.expected or default_expected()
        write(path, json.dumps(snapshot(), indent=1, ensure_ascii=False) + "\n")
        print("wrote the stored key to %s" % path)
        return 0
    try:
        course = load_course(args)
    except (OSError, ValueError) as exc:
        print("dlgrader: bad course settings: %s" % exc, file=sys.stderr)
        return 2
    if args.variant is not None and not course.variants:
        print("note: this course does not enable variants (variants = true in the course file): grading uses "
              "the lecture's numbers", file=sys.stderr)
    extra = {}
    if args.format == "toml" and args.questions and args.variant is not None:
        from .checks.sheet import public_secret, variant_tag
        extra["tag"] = variant_tag(public_secret(course), args.variant)
    text = RENDERERS[args.format](key(course, args.variant), args.variant, args.questions, **extra)
    if args.output:
        write(args.output, text)
        print("wrote the %s to %s" % ("questions" if args.questions else "answer key", args.output))
    else:
        sys.stdout.write(text)
    return 0


def add_parser(sub):
    a = sub.add_parser("answers", help="the analytic answer key (also per-student variants); --check for drift")
    a.add_argument("--variant", metavar="ID", help="the variant of this student id (from the course secret)")
    a.add_argument("--format", choices=tuple(RENDERERS), default="md",
                   help="md, json, tex (LaTeX), or toml (an answers file)")
    a.add_argument("--questions", action="store_true",
                   help="the questions and their numbers only, no answers (a sheet for students)")
    a.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    a.add_argument("--course", help="course settings (TOML); default $DLGRADER_COURSE")
    a.add_argument("--check", action="store_true", help="recompute the key; exit 1 if it drifted from the stored one")
    a.add_argument("--write-expected", action="store_true", help="store the recomputed key (after checking it)")
    a.add_argument("--expected", metavar="FILE", help="the stored key (default reference/analytic/expected.json)")
    a.set_defaults(func=cmd_answers)
    return a
