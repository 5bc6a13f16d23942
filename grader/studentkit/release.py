"""`dlgrader release OUT`: the student bundle.

    OUT/README.md                    how to run the checks (English and Persian)
    OUT/pyproject.toml               `pip install -e .` gives the `dlgrader` command
    OUT/conftest.py, test_public_checks.py     `pytest` runs the public checks
    OUT/assignments/<name>/          the stubs and their README (the student works here...)
    OUT/notebooks/<name>.ipynb       ...or here: a notebook generated from the stubs and the README
    OUT/grader/                      the harness (no reference code, no hidden values)
    OUT/grader/studentkit/_data/     manifest.json (public course settings, pinned versions, hidden-check
                                     counts, the written-answer questions without answers), recorded/<name>.npz
                                     (the reference's replies to the public checks), answer_parse/ (the
                                     written answers' parsers, so the kit reads an answer as grading does)

The reference is not shipped: at release time every visible check runs with the reference as the student
(in-process, no sandbox) and the reference's replies are recorded (sandbox/recorded.py). The course secret is
not shipped either: the bundle's public course has a secret of its own, derived one-way from the real one, so
recorded draws and the bundle's draws agree while hidden inputs stay unpredictable. A scan for reference code
and the secret ends every release; a leak aborts it.
"""
import hashlib
import json
import os
import platform
import shutil
import tempfile
from dataclasses import asdict, dataclass, field, replace

from .. import __version__, spec
from ..checks.context import Context
from ..course import DEFAULT_SECRET, Course
from ..sandbox.plan import LocalRunner
from ..sandbox.recorded import Recorder, save
from ..submission import prepare
from . import installed_versions
from .notebooks import make_notebook
from .scan import Fingerprints, scan

GRADER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(GRADER)
SKIP = {"__pycache__", "_data", ".pytest_cache"}
NOT_RECORDED_KINDS = ("static", "speed")       # they never ask the reference
# the written answers' parsers (reference/analytic): what an answer may look like (an expression, a matrix, a
# percentage), nothing about what it should be; shipped as the package _data/answer_parse
PUBLIC_PARSERS = ("parse.py", "forms.py")
PARSER_PACKAGE = "from .forms import fit_shape, parse_matrix, strip_marks\nfrom .parse import AnswerParseError, parse_answer\n"


class ReleaseError(Exception):
    pass


@dataclass
class Released:
    out: str
    names: list
    recorded: dict = field(default_factory=dict)    # assignment -> number of recorded replies
    warnings: list = field(default_factory=list)


def public_course(course):
    """The course's settings with a secret of the bundle's own (a one-way function of the real one)."""
    digest = hashlib.sha256(("dlgrader public bundle\0" + course.secret).encode()).hexdigest()[:20]
    return replace(course, secret="public-" + digest)


def release(out, names=(), course=None, root=ROOT):
    course = course or Course()
    every = spec.assignments()
    unknown = set(names) - {a.name for a in every}
    if unknown:
        raise KeyError("unknown assignment(s): %s" % ", ".join(sorted(unknown)))
    chosen = [a.graded(course) for a in every if not names or a.name in names]   # what the profile grades
    if os.path.exists(out) and os.listdir(out):
        raise ReleaseError("%s exists and is not empty" % out)
    stubs, reference = os.path.join(root, "assignments"), os.path.join(root, "reference")
    for a in chosen:
        for folder in (stubs, reference):
            if not os.path.isdir(os.path.join(folder, a.name)):
                raise ReleaseError("%s has no %s/%s" % (root, os.path.basename(folder), a.name))
    done = Released(out=out, names=[a.name for a in chosen])
    if course.secret == DEFAULT_SECRET:
        done.warnings.append("the course uses the default secret: hidden inputs are predictable from the "
                             "grader's source; set `secret` in the course file (--course)")
    public = public_course(course)
    os.makedirs(out, exist_ok=True)
    _copy(GRADER, os.path.join(out, "grader"))
    data = os.path.join(out, "grader", "studentkit", "_data")
    for a in chosen:
        _copy(os.path.join(stubs, a.name), os.path.join(out, "assignments", a.name))
        for name, earlier in a.provided.items():     # a working solution of another assignment in this kit
            also = [e for e in earlier if e in done.names]
            if also:
                path = os.path.join(out, "assignments", a.name, name)
                _write(path, own_copy(path, also))
        if a.symbols:               # Python to write (written answers have their answers file instead)
            notebook = make_notebook(a.name, os.path.join(out, "assignments", a.name), a.title)
            _write_notebook(notebook, os.path.join(out, "notebooks", a.name + ".ipynb"))
        replies, problems = record(a, public, os.path.join(reference, a.name))
        for problem in problems:   # recorded all the same: the reference's side of the check is what is kept
            done.warnings.append("the reference fails the visible check %s with the kit's inputs; a correct "
                                 "solution will fail it in the kit too: %s" % (problem, a.name))
        save(os.path.join(data, "recorded", a.name + ".npz"), replies)
        done.recorded[a.name] = len(replies)
    facts = manifest(chosen, public)
    if any(a.answers for a in chosen):    # written answers: the questions (no answers) and the parser
        from ..suites.analytic import question_info
        facts["questions"] = question_info()
        os.makedirs(os.path.join(data, "answer_parse"), exist_ok=True)
        for name in PUBLIC_PARSERS:
            shutil.copyfile(os.path.join(reference, "analytic", name), os.path.join(data, "answer_parse", name))
        _write(os.path.join(data, "answer_parse", "__init__.py"), PARSER_PACKAGE)
    _write(os.path.join(data, "manifest.json"), json.dumps(facts, indent=2) + "\n")
    _write(os.path.join(out, "README.md"), readme(chosen))
    _write(os.path.join(out, "pyproject.toml"), PYPROJECT % {
        "version": __version__, "torch": any(a.needs_torch for a in chosen) and '"torch>=2.1,<3", ' or "",
        "sympy": any(a.answers for a in chosen) and '"sympy>=1.12", ' or ""})
    if os.path.exists(os.path.join(root, "constraints.txt")):     # the course's pins (torch's CPU build)
        shutil.copyfile(os.path.join(root, "constraints.txt"), os.path.join(out, "constraints.txt"))
    else:
        _write(os.path.join(out, "constraints.txt"), "# the course pins no versions\n")
    _write(os.path.join(out, "conftest.py"), CONFTEST)
    _write(os.path.join(out, "test_public_checks.py"), TEST_FILE)
    problems = scan(out, Fingerprints(reference, stubs, public=[os.path.join("analytic", n) for n in PUBLIC_PARSERS]),
                    secrets=[course.secret] if course.secret != DEFAULT_SECRET else [])
    if problems:
        raise ReleaseError("the bundle would leak: " + "; ".join("%s %s" % p for p in problems[:10]))
    return done


def record(assignment, course, reference_folder):
    """Run the visible checks with the reference as the student; ({plan key: reply}, [problems])."""
    from ..run import run_check
    table = assignment.reference(course)
    replies, problems, passed = {}, [], set()
    with tempfile.TemporaryDirectory(prefix="dlgrader-release-") as tmp:
        submission = prepare(reference_folder, os.path.join(tmp, "submission"))
        recorder = Recorder(LocalRunner(table.__getitem__), replies)
        ctx = Context(assignment, submission, Mirror(LocalRunner(table.__getitem__), recorder), recorder, course)
        for check in assignment.checks:
            if check.visibility == spec.HIDDEN:
                continue
            if check.kind in NOT_RECORDED_KINDS:
                passed.add(check.name)
                continue
            outcome = run_check(check, ctx, passed)
            if outcome.status == "passed":
                passed.add(check.name)
            else:
                problems.append("%s: %s" % (check.name, outcome.output.splitlines()[0] if outcome.output else ""))
    return replies, problems


class Mirror:
    """The student's side at release time (the reference itself): a plan the reference has just answered
    is answered the same without running it again (ctx.both asks both sides the same question), unless the
    plan stores named values or the reply holds handles, which later plans on this side may need."""

    def __init__(self, runner, recorder):
        self.runner, self.recorder = runner, recorder

    def run(self, plan, timeout=None):
        import re as _re
        from ..sandbox.recorded import _copy
        from ..sandbox.worker import Handle
        last = self.recorder.last
        named = any(not _re.fullmatch(r"v\d+", str(s.get("let") or s.get("as") or "v0")) for s in plan.steps)
        if last is not None and last[0] is plan and not named and last[1].ok and \
                not any(isinstance(v, Handle) for v in _flat(last[1].values)):
            return type(last[1])(values=_copy(last[1].values), elapsed=last[1].elapsed)
        return self.runner.run(plan, timeout)


def _flat(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        elif isinstance(v, dict):
            yield from _flat(list(v.values()))
        else:
            yield v


def manifest(chosen, public):
    course = asdict(public)
    pins = {k: v for k, v in installed_versions().items() if k != "torch" or any(a.needs_torch for a in chosen)}
    pins["python"] = ".".join(platform.python_version().split(".")[:2])

    def count(a, visibility):
        checks = [c for c in a.checks if c.visibility == visibility]
        return [len(checks), sum(c.points for c in checks)]
    return {"grader": __version__, "assignments": [a.name for a in chosen], "course": course, "pins": pins,
            "hidden": {a.name: count(a, spec.HIDDEN) for a in chosen},
            "public": {a.name: count(a, spec.VISIBLE) for a in chosen}}


def own_copy(path, earlier):
    """A PROVIDED helper module that implements graded functions of the `earlier` assignments, for a kit that
    also holds them: its public functions (signatures and docstrings), each to be filled with the student's own
    code, since the module itself would hand out those assignments' answers."""
    import ast
    with open(path, encoding="utf-8") as f:
        source = f.read()
    lines = source.splitlines()
    import textwrap
    where = " and ".join(earlier)
    parts = ['"""Fill these functions with your own solution from %s.\n\n%s\n"""' % (where, textwrap.fill(
        "This kit also grades %s, whose graded functions this module would implement, so the working copy that "
        "other kits provide here is not included. Each function's API is below." % where, 100))]
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            first = node.body[0]
            documented = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                and isinstance(first.value.value, str)
            header = lines[node.lineno - 1:first.end_lineno if documented else first.lineno - 1]
            parts.append("\n".join(header + ['    raise NotImplementedError("%s: use your own from %s")'
                                              % (node.name, where)]))
    return "\n\n\n".join(parts) + "\n"


def _copy(src, dst):
    shutil.copytree(src, dst, ignore=lambda d, names: [n for n in names if n in SKIP or n.endswith(".pyc")])


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _write_notebook(nb, path):
    import nbformat
    os.makedirs(os.path.dirname(path), exist_ok=True)
    nbformat.write(nb, path)


def readme(chosen):
    rows = "\n".join("| `%s` | %s | `assignments/%s/` | %s |" % (
        a.name, a.title, a.name, "`notebooks/%s.ipynb`" % a.name if a.symbols else "—") for a in chosen)
    first = chosen[0].name if chosen else "knn"
    return README.format(rows=rows, first=first)


README = """# Course exercises: the student kit

| assignment | what | work in files | or in a notebook |
|---|---|---|---|
{rows}

Each `assignments/<name>/README.md` says what to implement; the stubs raise `NotImplementedError` until you
write them. Work in the `.py` files **or** in the notebook, and submit that.

## Set up once
```bash
python3 -m venv .venv && . .venv/bin/activate     # optional, recommended
pip install -c constraints.txt -e .               # the `dlgrader` command, numpy, hypothesis, pytest, rich
```
Without installing: `python -m grader ...` in this folder does the same as `dlgrader ...`.

## Work in a notebook
A notebook runs in a Jupyter *kernel*: the Python that runs its cells. It must be the Python you installed the
kit into, or the check cell fails with `No module named 'hypothesis'` (or `'grader'`). Either start Jupyter from
that environment:
```bash
. .venv/bin/activate && pip install notebook       # once (or jupyterlab)
jupyter notebook notebooks/                        # the default kernel is this environment's Python
```
or, to use an editor or a Jupyter you already have (VS Code, JupyterLab), register this environment as a kernel
once and pick it in the notebook's kernel menu:
```bash
. .venv/bin/activate && pip install ipykernel
python -m ipykernel install --user --name course-kit --display-name "Course kit"
```
The last cell of each notebook runs the public checks on the **saved** notebook and prints one table; it
ends with your total.

## Run the public checks
```bash
dlgrader check                         # every assignment, from assignments/<name>/
dlgrader check {first}                   # one assignment
dlgrader check {first} --path notebooks/{first}.ipynb   # your notebook (save it first)
dlgrader check {first} --lang fa         # feedback in Persian
dlgrader check {first} --html report.html   # also a report with figures, to open in a browser
pytest                                 # the same checks as pytest tests (-k {first} for one assignment)
pytest --work notebooks/{first}.ipynb -k {first}
```
`dlgrader check` prints one row per public check, warns when your Python, NumPy or torch versions differ from
the course's, and says how many hidden checks will also run at grading time. Written answers
(`dlgrader check analytic --path answers.toml`) are read without the key: it says which answer is still `TODO`,
which does not parse (`2F - 1`: write `2*F - 1`), which should be a whole number, a plain number (a `%` only
where the question is in percent) or a matrix of the stated shape (`[[1, 0], [0, 1]]`), and whether the sheet is
yours; whether the answers are right is graded later. It exits with 1 while any answer has a problem. A failed
public check shows the smallest input it found that fails, as code you can paste. Checks that need the course's own solution on new
inputs are marked `SKIP`: they run when you are graded.

## What is graded
The public checks here, and hidden checks on other inputs at grading time (they report a category and a hint,
never their inputs). Your code runs in a separate, limited process; only your functions and classes are
called. In a notebook, only the cells tagged `graded` count, and only their definitions.

<div dir="rtl" lang="fa">

## راهنمای فارسی
برای هر تمرین، فایل‌های `assignments/<name>/` یا دفترچهٔ `notebooks/<name>.ipynb` را کامل کنید.
بررسی‌های عمومی را با `dlgrader check` یا `pytest` اجرا کنید؛ با `--lang fa` بازخورد به فارسی نمایش داده
می‌شود و `--html report.html` گزارشی همراه با شکل می‌سازد. بررسی‌های پنهان هنگام نمره‌دهی روی ورودی‌های
دیگر اجرا می‌شوند و فقط دسته و راهنمایی خطا را نشان می‌دهند. در دفترچه فقط سلول‌هایی که برچسب `graded`
دارند و فقط تعریف‌های آن‌ها (تابع، کلاس، import و ثابت‌ها) نمره داده می‌شوند؛ پیش از اجرای بررسی‌ها دفترچه را
ذخیره کنید.

دفترچه در یک «کرنل» Jupyter اجرا می‌شود؛ این کرنل باید همان پایتونی باشد که بستهٔ درس را در آن نصب کرده‌اید،
وگرنه سلول آخر با خطای `No module named 'hypothesis'` متوقف می‌شود. یا Jupyter را از همان محیط اجرا کنید
(`pip install notebook` و سپس `jupyter notebook notebooks/`)، یا محیط را یک بار به عنوان کرنل ثبت کنید
(`pip install ipykernel` و `python -m ipykernel install --user --name course-kit`) و در ویرایشگر خود آن را
برگزینید.

پاسخ‌های نوشتاری (`answers.toml`) را پیش از ارسال با `dlgrader check analytic --path answers.toml` بررسی کنید:
این فرمان بدون کلید پاسخ می‌گوید کدام پاسخ هنوز `TODO` است، کدام خوانده نمی‌شود، کدام باید عدد صحیح باشد و
کدام ماتریسی با ابعاد خواسته‌شده (مانند `[[1, 0], [0, 1]]`)؛ علامت `%` فقط جایی درست است که پرسش پاسخ را به درصد
خواسته باشد. درستی پاسخ‌ها هنگام نمره‌دهی سنجیده می‌شود.

</div>
"""

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "dlgrader-student-kit"
version = "%(version)s"
description = "Public checks of the course's exercises"
requires-python = ">=3.11"
dependencies = [%(torch)s%(sympy)s"numpy>=1.24", "hypothesis>=6.80", "nbformat>=5.7", "rich>=13", "pytest>=7.4"]

[project.scripts]
dlgrader = "grader.cli:main"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
"*" = ["*.json", "*.npz", "*.md", "_data/answer_parse/*.py"]

[tool.pytest.ini_options]
testpaths = ["test_public_checks.py"]
addopts = "-p no:cacheprovider"
"""

CONFTEST = '''"""`pytest` here runs the course's public checks: one test per check (see test_public_checks.py).

Options: --work PATH (your work: a folder, .py, .zip or .ipynb; default assignments/<name>/), --lang en|fa.
"""
pytest_plugins = ["grader.studentkit.pytest_plugin"]
'''

TEST_FILE = '''"""One pytest test per public check of every assignment in this kit."""
import pytest

from grader.studentkit.pytest_plugin import public_checks


@pytest.mark.parametrize("assignment,check", public_checks(), ids=lambda v: v)
def test_public_check(assignment, check, dlgrader_check):
    dlgrader_check(assignment, check)
'''
