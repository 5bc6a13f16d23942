"""Every submission form grades the same code the same way; unreadable ones get a clear message."""
import os
import shutil
import zipfile

import nbformat
import pytest

from helpers import REFERENCE, outcomes

LINEAR = os.path.join(REFERENCE, "linear_classifiers")


def full_marks(path, assignment="linear_classifiers"):
    result, report = outcomes(str(path), assignment)
    bad = {n: o.output for n, o in result.items() if o.status != "passed"}
    assert not bad, bad
    return report


def cs231n_package(root, relative):
    pkg = root / "cs231n" / "classifiers"
    pkg.mkdir(parents=True)
    (root / "cs231n" / "__init__.py").write_text("")
    imp = "from .linear_svm import *\nfrom .softmax import *\n" if relative else \
        "from cs231n.classifiers.linear_svm import *\nfrom cs231n.classifiers.softmax import *\n"
    (pkg / "__init__.py").write_text(imp)
    shutil.copy(os.path.join(LINEAR, "linear_svm.py"), pkg)
    softmax = open(os.path.join(LINEAR, "softmax.py")).read()
    header = "from .linear_svm import *\n" if relative else "from cs231n.classifiers.linear_svm import *\n"
    (pkg / "softmax.py").write_text(header + softmax)
    # files students have in the package that must not disturb grading
    (root / "cs231n" / "data_utils.py").write_text("import imageio  # not installed: never imported\n")
    return root


def test_single_py_file(tmp_path):
    source = open(os.path.join(LINEAR, "linear_svm.py")).read() + open(os.path.join(LINEAR, "softmax.py")).read()
    (tmp_path / "my_solution.py").write_text(source)
    full_marks(tmp_path / "my_solution.py")


@pytest.mark.parametrize("relative", [False, True], ids=["absolute_imports", "relative_imports"])
def test_cs231n_package_layout(tmp_path, relative):
    full_marks(cs231n_package(tmp_path, relative))


def test_the_package_folder_itself(tmp_path):
    root = cs231n_package(tmp_path, relative=False)
    full_marks(root / "cs231n")


def test_zip_with_a_wrapping_folder(tmp_path):
    root = cs231n_package(tmp_path / "assignment1", relative=True)
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for dirpath, _, files in os.walk(root):
            for f in files:
                full = os.path.join(dirpath, f)
                zf.write(full, os.path.join("assignment1", os.path.relpath(full, root)))
    full_marks(archive)


def test_notebook_with_magics_and_experiments(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# SVM"),
                nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\n!ls"),
                nbformat.v4.new_code_cell(open(os.path.join(LINEAR, "linear_svm.py")).read()),
                nbformat.v4.new_code_cell("loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.000005)  # no W here"),
                nbformat.v4.new_code_cell(open(os.path.join(LINEAR, "softmax.py")).read())]
    path = tmp_path / "svm.ipynb"
    nbformat.write(nb, str(path))
    full_marks(path)


def test_python2_file_is_graded_after_a_reported_conversion(tmp_path):
    (tmp_path / "linear_svm.py").write_text("import numpy as np\n\ndef svm_loss_naive(W, X, y, reg):\n"
                                            "    print 'hello'\n    for i in xrange(3):\n        pass\n")
    result, report = outcomes(str(tmp_path), "linear_classifiers")
    assert report.score == 0
    assert any("linear_svm.py is Python 2 code" in n and "print statements" in n for n in report.notes), report.notes
    out = result["svm_loss_naive.values"].output   # graded: it returns None, which is its own bug
    assert "should return 2 values" in out and "Python 2" not in out and "Traceback" not in out


def test_missing_function_names_the_files_looked_at(tmp_path):
    (tmp_path / "linear_svm.py").write_text("def svm_loss(W, X, y, reg):\n    return 0\n")
    result, _ = outcomes(str(tmp_path), "linear_classifiers")
    out = result["svm_loss_naive.values"].output
    assert "svm_loss_naive" in out and "linear_svm.py" in out


@pytest.mark.parametrize("content,phrase", [
    ("{not json", "not valid JSON"), ("import numpy as np\ndef f():\n    pass\n", "rename it to .py"),
    ('{"a": 1}', "not a Jupyter notebook")], ids=["malformed", "really_py", "json_not_notebook"])
def test_broken_notebooks_are_graded_zero_with_a_message(tmp_path, content, phrase):
    path = tmp_path / "hw.ipynb"
    path.write_text(content)
    result, report = outcomes(str(path), "linear_classifiers")
    assert report.score == 0 and result
    assert all(phrase in o.output for o in result.values()), next(iter(result.values())).output


def test_zip_slip_and_symlinks_are_skipped(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.py", "x = 1\n")
        info = zipfile.ZipInfo("link.py")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("linear_svm.py", open(os.path.join(LINEAR, "linear_svm.py")).read())
    result, report = outcomes(str(archive), "linear_classifiers")
    assert result["svm_loss_naive.values"].status == "passed"
    assert any("outside the submission" in n for n in report.notes)
    assert any("symbolic links" in n for n in report.notes)
    assert not (tmp_path.parent / "escaped.py").exists()


def test_not_a_zip(tmp_path):
    path = tmp_path / "sub.zip"
    path.write_bytes(b"PK\x03\x04 truncated")
    result, report = outcomes(str(path), "linear_classifiers")
    assert report.score == 0 and "could not be opened" in next(iter(result.values())).output


def test_cs231n_assignment2_layout_layers_and_optim(tmp_path):
    """CS231n's a2 package: conv/pool and dropout in cs231n/layers.py, the update rules in cs231n/optim.py."""
    pkg = tmp_path / "cs231n"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    dropout = open(os.path.join(REFERENCE, "dropout", "dropout.py")).read()
    (pkg / "layers.py").write_text(open(os.path.join(REFERENCE, "conv_pool", "layers.py")).read() + "\n\n" +
                                   "\n".join(l for l in dropout.splitlines() if not l.startswith(("from .", "import "))))
    shutil.copy(os.path.join(REFERENCE, "optimizers", "optim.py"), pkg / "optim.py")
    full_marks(tmp_path, "conv_pool")
    full_marks(tmp_path, "optimizers")
    result, _ = outcomes(str(tmp_path), "dropout")
    assert result["dropout_forward.notebook"].status == "passed"
    assert all(o.status == "passed" for n, o in result.items() if not n.startswith(("noninverted", "expected_",
                                                                                     "empirical_")))
