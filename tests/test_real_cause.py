"""Messages name the real cause: a syntax error (its line and a caret, not "missing function"), a notebook with no
code (named as the student knows it, not as the module made of it), a broken course file (named)."""
import os
import subprocess
import sys

import nbformat
import pytest

from grader.course import Course
from grader.run import grade, select
from grader.submission import prepare
from helpers import REFERENCE, ROOT


def knn_with(tmp_path, old, new):
    source = open(os.path.join(REFERENCE, "knn", "k_nearest_neighbor.py")).read()
    assert old in source
    path = tmp_path / "k_nearest_neighbor.py"
    path.write_text(source.replace(old, new, 1))
    return path


def test_a_syntax_error_is_named_with_its_line_and_a_caret(tmp_path):
    path = knn_with(tmp_path, "def predict_labels(self, dists, k=1):", "def predict_labels(self, dists, k=1)")
    line = open(path).read().splitlines().index("    def predict_labels(self, dists, k=1)") + 1
    assert [a.name for a in select(prepare(str(path), str(tmp_path / "p")), ())] == ["knn"]   # not all eleven
    report = grade(str(path), isolation="l0")
    first = next(o for o in report.outcomes if o.check.name == "distances_two_loops.values")
    assert first.category == "syntax error" and first.status == "failed"
    assert "line %d of k_nearest_neighbor.py" % line in first.extra["hint"]
    assert "syntax error on line %d: expected ':'" % line in first.output
    code, caret = first.output.splitlines()[-2:]
    assert code.endswith("| def predict_labels(self, dists, k=1)") and caret.rstrip().endswith("^")
    assert len(caret.rstrip()) == len(code) + 1                   # the caret points where the colon is missing
    assert not any(o.category == "missing function" for o in report.outcomes if o.assignment == "knn"
                   and o.check.name != "cross_validate_k.values" and o.check.name != "choose_best_k.values")
    text = report.to_text(lang="fa")
    assert "خطای نحوی" in text and "^" in text


def test_python2_code_the_conversion_cannot_handle_is_named_as_such(tmp_path):
    """Python 2 that grader/legacy.py converts is graded (test_cs231n); an octal literal it cannot convert names the
    Python 2 line and why the conversion failed, in Persian too."""
    path = knn_with(tmp_path, "class KNearestNeighbor:", "class KNearestNeighbor:\n    print 'hi'\n    mode = 0777\n")
    report = grade(str(path), ["knn"], isolation="l0")
    first = report.outcomes[0]
    assert first.category == "Python 2 code" and "print(...)" in first.extra["hint"]
    assert "a Python 2 print statement on line" in first.output and "conversion to Python 3 failed" in first.output
    assert first.output.splitlines()[-1].endswith("| print 'hi'")
    text = report.to_text(lang="fa")
    assert "دستور print پایتون ۲ در خط" in text and "تبدیل خودکار" in text


def test_nothing_gradable_names_the_real_cause(tmp_path):
    """What `grade` prints before exiting 2 (run.nothing_gradable): the file as the student knows it and the
    line of its syntax error (the report, which Gradescope shows, has the line and a caret too); a notebook with
    no code by its own name."""
    from grader.run import NothingToGrade
    broken = tmp_path / "knn_broken.py"
    broken.write_text("def helper(x:\n    return x\n")
    with pytest.raises(NothingToGrade) as err:
        grade(str(broken), ["knn"], isolation="l0", strict=True)
    assert str(err.value) == "knn_broken.py could not be read: syntax error on line 1: '(' was never closed"
    output = err.value.report.outcomes[0].output
    assert output.splitlines()[-2:] == ["    1 | def helper(x:", "      |           ^"], output
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# my answers")]
    nbformat.write(nb, str(tmp_path / "hw1.ipynb"))
    with pytest.raises(NothingToGrade) as err:
        grade(str(tmp_path / "hw1.ipynb"), ["knn"], isolation="l0", strict=True)
    assert str(err.value).startswith("hw1.ipynb has no code: write your functions in its code cells")
    assert "چیزی برای نمره‌دهی نیست" in err.value.report.to_text(lang="fa")


def test_a_notebook_without_code_is_named_as_the_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# my answers")]
    path = tmp_path / "hw1.ipynb"
    nbformat.write(nb, str(path))
    report = grade(str(path), ["knn"], isolation="l0")
    assert "hw1.ipynb" in report.outcomes[0].output and "hw1.py" not in report.outcomes[0].output
    assert any("the notebook has no code" in n for n in report.notes)
    folder = tmp_path / "folder"
    folder.mkdir()
    nbformat.write(nb, str(folder / "knn.ipynb"))
    assert "knn.ipynb" in grade(str(folder), ["knn"], isolation="l0").outcomes[0].output


@pytest.mark.parametrize("text, says", [
    ('secret = "x"\n[limits\n', "Expected ']'"),
    ('secret = "x"\nbogus = 1\n', "unknown course settings: bogus"),
    ('[limits]\ncall_timout = 3\n', "unknown [limits] setting(s): call_timout"),
    ('[settings.nope]\nX = 1\n', "[settings.nope]: no such assignment"),
])
def test_a_bad_course_file_is_named(tmp_path, text, says):
    path = tmp_path / "course.toml"
    path.write_text(text)
    with pytest.raises(ValueError) as err:
        Course.load(str(path))
    assert str(err.value).startswith(str(path) + ": ") and says in str(err.value)
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", os.path.join(REFERENCE, "knn"), "-a", "knn",
                           "--course", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and str(path) in proc.stderr and "Traceback" not in proc.stderr
