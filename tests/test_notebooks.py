"""Notebooks: the generated ones (reference pasted: full marks; untouched: zero) and every edge case of grading
an .ipynb: nbformat versions, hidden state, globals from untagged cells, malformed files, huge outputs,
duplicate definitions."""
import json
import os
import subprocess
import sys

import nbformat
import pytest

from grader import spec
from grader.isolation import probe
from grader.notebook import convert
from grader.run import grade
from grader.studentkit.notebooks import make_notebook, paste
from grader.submission import SubmissionError
from helpers import REFERENCE, ROOT, STUBS, standalone_reference

L0 = probe("l0")
NAMES = [pytest.param(a.name, marks=[pytest.mark.slow] if a.needs_torch else []) for a in spec.assignments()
         if a.symbols]                                    # written answers have an answers file, not a notebook
SVM = open(os.path.join(REFERENCE, "linear_classifiers", "linear_svm.py")).read()


def write(path, cells, nbformat_minor=5, **top):
    nb = {"nbformat": 4, "nbformat_minor": nbformat_minor, "metadata": {}, "cells": cells}
    nb.update(top)
    path.write_text(json.dumps(nb))
    return str(path)


def code(source, tags=(), outputs=None, **extra):
    cell = {"cell_type": "code", "metadata": {"tags": list(tags)} if tags else {}, "source": source,
            "outputs": outputs or [], "execution_count": None}
    cell.update(extra)
    return cell


def outcomes_of(path, name="linear_classifiers"):
    report = grade(path, [name], visible_only=True, isolation=L0)
    return {o.check.name: o for o in report.outcomes}, report


# ------------------------------------------------------------------ generated notebooks

def solution(tmp_path, name):
    return standalone_reference(tmp_path / "reference" / name, name)


@pytest.mark.parametrize("name", NAMES)
def test_reference_pasted_into_the_generated_notebook_gets_full_marks_and_untouched_gets_zero(tmp_path, name):
    nb = make_notebook(name, os.path.join(STUBS, name), name)
    nbformat.validate(nb)
    untouched, solved = tmp_path / ("%s.ipynb" % name), tmp_path / "solved" / ("%s.ipynb" % name)
    solved.parent.mkdir()
    nbformat.write(nb, str(untouched))
    nbformat.write(paste(nb, solution(tmp_path, name)), str(solved))
    report = grade(str(solved), [name], isolation=L0)
    bad = {o.check.name: o.output for o in report.outcomes if o.status != "passed"}
    assert not bad and report.score == report.max_score > 0, bad
    report = grade(str(untouched), [name], isolation=L0)
    assert report.score == 0 and all(o.status == "failed" for o in report.outcomes)


def test_grade_command_on_a_notebook(tmp_path):
    nb = paste(make_notebook("knn", os.path.join(STUBS, "knn")), os.path.join(REFERENCE, "knn"))
    nbformat.write(nb, str(tmp_path / "knn.ipynb"))
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", str(tmp_path / "knn.ipynb"), "-a", "knn",
                           "--isolation", "l0", "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    data = json.loads(proc.stdout)
    assert data["score"] == data["max_score"] > 0, proc.stderr


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(STUBS)
                                        if any(f.endswith(".py") for f in os.listdir(os.path.join(STUBS, n)))))
def test_every_stub_folder_makes_a_valid_notebook_that_defines_every_stub_symbol(tmp_path, name):
    """Also for assignments whose suite is not written yet: the modules share one namespace."""
    nb = make_notebook(name, os.path.join(STUBS, name))
    nbformat.validate(nb)
    graded = [c for c in nb.cells if "graded" in c.metadata.get("tags", [])]
    symbols = {c.metadata["dlgrader"]["symbol"] for c in graded if c.metadata["dlgrader"].get("symbol")}
    assert symbols
    nbformat.write(paste(nb, solution(tmp_path, name)), str(tmp_path / "nb.ipynb"))
    module = convert(str(tmp_path / "nb.ipynb"))
    compile(module.source, "nb.py", "exec")
    assert not module.undefined, module.undefined
    assert all(("def %s(" % s in module.source or "class %s" % s in module.source) for s in symbols)
    assert "from ." not in module.source


def test_generated_notebook_has_the_task_the_graded_cells_and_a_check_cell():
    nb = make_notebook("knn", os.path.join(STUBS, "knn"), "k-nearest neighbours")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "compute_distances_two_loops" in markdown and "What is checked" in markdown
    assert nb.cells[-1].cell_type == "code" and "check_notebook('knn', 'knn.ipynb'" in nb.cells[-1].source
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "sys.path" in setup.source
    assert all("graded" not in c.metadata.get("tags", []) for c in (setup, nb.cells[-1]))
    assert any(c.cell_type == "markdown" and c.source.startswith('<div dir="rtl" lang="fa">') for c in nb.cells)


# ------------------------------------------------------------------ formats and versions

@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 5])
def test_any_nbformat_4_minor_version_with_or_without_ids_and_metadata(tmp_path, minor):
    cell = code(SVM)
    if minor >= 5:
        cell["id"] = "abc123"
    del cell["metadata"]
    path = write(tmp_path / "nb.ipynb", [cell, {"cell_type": "markdown", "source": "# hi"}], nbformat_minor=minor)
    assert "def svm_loss_naive" in convert(path).source


def test_missing_top_level_metadata_and_version_fields(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "source": SVM.splitlines(True)}]}))
    assert "def svm_loss_vectorized" in convert(str(path)).source


def test_nbformat_3_is_converted(tmp_path):
    nb = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": SVM, "language": "python", "outputs": [{"output_type": "stream",
                                                                               "text": "x" * 1000}]}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(nb))
    assert "def svm_loss_naive" in convert(str(path)).source


@pytest.mark.parametrize("content,phrase", [
    ('{"cells": [ {"cell_type": "code", "source": "x = 1"', "not valid JSON (line"),
    ('{"cells": [], "metadata": {} "nbformat": 4}', "not valid JSON (line"),
    ("import numpy as np\n\ndef f(x):\n    return x\n", "is a Python file, not a notebook; rename it to .py"),
    ("def f(x:\n    return x\n", "with a syntax error on line 1"),
    ("\x00\x01binary", "not a Jupyter notebook"),
    ('[1, 2, 3]', "not a Jupyter notebook"),
    (b'{"cells": "\xff\xfe"}', "not UTF-8")])
def test_malformed_files_get_a_clear_message(tmp_path, content, phrase):
    path = tmp_path / "hw.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(SubmissionError, match=".*") as exc:
        convert(str(path))
    assert phrase in str(exc.value)
    result, report = outcomes_of(str(path))
    assert report.score == 0 and all(phrase in o.output for o in result.values())


def test_a_200_mb_output_cell_is_skipped_while_reading(tmp_path):
    """Outputs are never held in memory: peak memory grows by far less than the file's size."""
    path = tmp_path / "big.ipynb"
    with open(path, "w") as f:
        f.write('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a", '
                '"metadata": {"tags": ["graded"]}, "execution_count": 3, "source": %s, "outputs": [{"output_type": '
                '"display_data", "metadata": {}, "data": {"image/png": "' % json.dumps(SVM))
        block = "iVBORw0KGgo" * 100000
        for _ in range(200 * 1024 * 1024 // len(block) + 1):
            f.write(block)
        f.write('", "text/plain": ["<Figure>\\n", "done \\"quoted\\" \\\\"]}}]}]}')
    assert os.path.getsize(path) > 200 * 1024 * 1024
    probe_code = ("import resource, sys; from grader.notebook import convert; "
                  "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; c = convert(sys.argv[1]); "
                  "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
                  "print((after - before) // 1024, 'def svm_loss_naive' in c.source)")
    proc = subprocess.run([sys.executable, "-c", probe_code, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    grown_mb, found = proc.stdout.split()
    assert found == "True" and int(grown_mb) < 48, proc.stdout + proc.stderr


def test_code_larger_than_the_cap_is_refused_clearly(tmp_path, monkeypatch):
    import grader.notebook as nb
    monkeypatch.setattr(nb, "MAX_KEPT", 10_000)
    path = write(tmp_path / "nb.ipynb", [code("X = %r\n" % ("a" * 20_000))])
    with pytest.raises(SubmissionError, match="larger than"):
        convert(path)


# ------------------------------------------------------------------ what is graded

def test_hidden_state_never_matters(tmp_path):
    """Execution counts out of order, outputs that claim other values, a cell that was never run: only the
    saved source of the definitions counts."""
    cells = [code("import numpy as np", execution_count=9),
             code(SVM, tags=["graded"], execution_count=2,
                  outputs=[{"output_type": "execute_result", "execution_count": 2, "metadata": {},
                            "data": {"text/plain": "svm_loss_naive = lambda *a: (0, 0)"}}]),
             code("svm_loss_naive = None  # run last in the student's session", execution_count=12)]
    result, _ = outcomes_of(write(tmp_path / "nb.ipynb", cells))
    assert result["svm_loss_naive.values"].status == "passed"


def test_a_global_from_an_untagged_plain_cell_is_included(tmp_path):
    body = SVM.replace("REG_SCALE = 1.0\n", "")
    cells = [code("import numpy as np\nREG_SCALE = 1.0\nW = np.random.randn(3, 10)  # an experiment"),
             code(body.replace("import numpy as np\n", ""), tags=["graded"])]
    path = write(tmp_path / "nb.ipynb", cells)
    converted = convert(path)
    assert "REG_SCALE = 1.0" in converted.source and "np.random.randn" not in converted.source
    assert any("REG_SCALE" in n and "cell 1" in n for n in converted.notes)
    result, _ = outcomes_of(path)
    assert result["svm_loss_naive.values"].status == "passed"


def test_a_global_computed_in_an_untagged_cell_fails_with_which_global_and_which_cell(tmp_path):
    # (not REG_SCALE: a course setting, which the grader sets in the student's module itself)
    body = SVM.replace("REG_SCALE = 1.0\n", "").replace("REG_SCALE", "MY_SCALE")
    cells = [code("import numpy as np"), code("import json\nMY_SCALE = json.load(open('settings.json'))['reg']"),
             code(body, tags=["graded"])]
    path = write(tmp_path / "nb.ipynb", cells)
    result, report = outcomes_of(path)
    out = result["svm_loss_naive.values"].output
    assert result["svm_loss_naive.values"].status == "failed"
    assert "MY_SCALE" in out and "cell 2" in out and "not a definition" in out, out
    assert result["svm_loss_naive.values"].category == "undefined notebook global"
    assert any("MY_SCALE" in n and "cell 2" in n for n in report.notes)


def test_duplicate_definitions_the_last_one_wins_with_a_note(tmp_path):
    wrong = "def svm_loss_naive(W, X, y, reg):\n    return 0.0, W * 0\n"
    path = write(tmp_path / "a.ipynb", [code(wrong), code(SVM)])
    result, report = outcomes_of(path)
    assert result["svm_loss_naive.values"].status == "passed"
    assert any("`svm_loss_naive` is defined in cells 1, 2" in n and "(cell 2)" in n for n in report.notes)
    result, _ = outcomes_of(write(tmp_path / "b.ipynb", [code(SVM), code(wrong)]))
    assert result["svm_loss_naive.values"].status == "failed"


def test_tagged_cells_first_magics_and_shell_lines_dropped(tmp_path):
    cells = [code("%%bash\necho hi"), code("%load_ext autoreload\n!pip install nothing\n" + SVM, tags=["graded"]),
             code("def svm_loss_vectorized(W, X, y, reg):\n    return 1, 2\n"),
             code("%%time\ndef helper():\n    return 1\n", tags=["solution"]),
             code("np.dot?\nx = !ls\nsvm_loss_naive(1, 2, 3, 4)", tags=["graded"])]
    converted = convert(write(tmp_path / "nb.ipynb", cells))
    assert "def helper" in converted.source and "return 1, 2" not in converted.source
    assert "pip" not in converted.source and "echo" not in converted.source and "?" not in converted.source
    assert any("cell 5" in n and "ignored" in n for n in converted.notes)


def test_a_continuation_line_that_starts_with_percent_is_code_not_a_magic():
    from grader.notebook import strip_magics
    source = 'msg = ("loss %.3f, acc %.2f"\n       % (1.0, 0.5))\ntotal = 7 \\\n    % 4\n%matplotlib inline\n'
    kept = strip_magics(source)
    assert "% (1.0, 0.5)" in kept and "% 4" in kept and "matplotlib" not in kept
    namespace = {}
    exec(kept, namespace)
    assert namespace["msg"] == "loss 1.000, acc 0.50" and namespace["total"] == 3


def test_a_cell_with_a_syntax_error_is_left_out_and_named(tmp_path):
    converted = convert(write(tmp_path / "nb.ipynb", [code(SVM), code("def broken(:\n    pass")]))
    assert "def svm_loss_naive" in converted.source and "broken" not in converted.source
    assert any("cell 2 has a syntax error" in n for n in converted.notes)
