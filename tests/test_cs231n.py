"""Real CS231n hand-ins, graded under their year's course profile (grader/profiles.py).

tests/cs231n/y<year>/ are CS231n-layout packages written the way students of that year wrote them (starter
imports, Python 2 in 2016, ties, no clamp, in-place writes CS231n allows, 0.5·reg softmax, Adam's t = 1 in
2017, x/dx argument names, relative imports from 2020): each gets full marks under its profile, and each real
bug loses points at the check that names it. The bundled reference gets full marks under every profile and
setting.
"""
import importlib.util
import os
import shutil

import numpy as np
import pytest

from grader import legacy, profiles, spec
from grader.course import Course
from grader.run import grade
from grader.sandbox import worker
from helpers import REFERENCE, ROOT
from partial import graded

HANDINS = os.path.join(ROOT, "tests", "cs231n")
YEARS = {"y2016": "cs231n-2016", "y2017": "cs231n-2017", "y2019": "cs231n-2019", "y2021": "cs231n-2021",
         "y2025": "cs231n-2025"}
NAMES = ("knn", "linear_classifiers", "conv_pool", "dropout", "optimizers")
KNN, SVM, SOFTMAX = "cs231n/classifiers/k_nearest_neighbor.py", "cs231n/classifiers/linear_svm.py", \
    "cs231n/classifiers/softmax.py"
LAYERS, OPTIM = "cs231n/layers.py", "cs231n/optim.py"


@pytest.mark.parametrize("year", sorted(YEARS))
def test_a_right_handin_gets_full_marks_under_its_profile(year):
    report = grade(os.path.join(HANDINS, year), NAMES, Course(profile=YEARS[year]))
    wrong = [(o.check.name, o.output[:300]) for o in report.outcomes if o.status != "passed"]
    assert not wrong and report.score == report.max_score > 0
    own = sum(spec.get(n).max_score for n in NAMES)
    assert report.max_score < own      # the course's own functions (avg pool, Nesterov, ...) are not graded
    if year == "y2016":                # Python 2: graded through a reported conversion
        assert any("layers.py is Python 2 code" in n and "print statements" in n and "xrange" in n
                   for n in report.notes), report.notes
    if year == "y2017":                # np.int and np.lib.pad: restored, and said so
        assert any("np.int at" in n and "np.lib.pad" in n for n in report.notes), report.notes
    if year == "y2025":                # no linear_svm.py that year: the SVM is not graded
        assert not any(o.check.name.startswith("svm") for o in report.outcomes)


def bugged(tmp_path, year, file, edits):
    dest = tmp_path / year
    shutil.copytree(os.path.join(HANDINS, year), dest)
    target = dest / file
    text = target.read_text()
    for old, new in edits:
        assert old in text, "bug does not apply: %r not in %s/%s" % (old, year, file)
        text = text.replace(old, new, 1)
    target.write_text(text)
    return str(dest)


# (name, year, file, [(old, new)], assignment, the check that must fail)
BUGS = [
    ("2016_squared_distances", "y2016", KNN, [("dists = np.sqrt(test_sq + train_sq - 2 * cross)",
                                               "dists = test_sq + train_sq - 2 * cross")],
     "knn", "distances_no_loops.values"),
    ("2016_svm_no_reg_gradient", "y2016", SVM, [("  dW += reg * W\n\n  return loss, dW", "  return loss, dW")],
     "linear_classifiers", "svm_loss_naive.values"),
    ("2016_softmax_reg_inconsistent", "y2016", SOFTMAX, [("  dW = X.T.dot(p - ind) / num_train\n  dW += reg * W",
                                                          "  dW = X.T.dot(p - ind) / num_train\n  dW += 2 * reg * W")],
     "linear_classifiers", "softmax_loss_vectorized.values"),
    ("2016_dropout_p_read_as_keep", "y2016", LAYERS, [("mask = (np.random.rand(*x.shape) >= p) / (1 - p)",
                                                       "mask = (np.random.rand(*x.shape) < p) / p")],
     "dropout", "dropout_forward.train"),
    ("2016_conv_ignores_stride", "y2016", LAYERS, [(
        "window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]\n          out",
        "window = x_pad[n, :, i:i + HH, j:j + WW]\n          out")], "conv_pool", "conv_forward_naive.values"),
    ("2016_adam_t_after", "y2016", OPTIM, [("  config['t'] += 1\n", ""),
                                           ("  return next_x, config\n", "  config['t'] += 1\n  return next_x, config\n")],
     "optimizers", "adam.cs231n"),
    ("2017_ties_to_the_larger_label", "y2017", KNN, [(
        "y_pred[i] = np.argmax(np.bincount(closest_y))",
        "y_pred[i] = len(np.bincount(closest_y)) - 1 - np.argmax(np.bincount(closest_y)[::-1])")],
     "knn", "predict_labels.values"),
    ("2017_relu_mask_inverted", "y2017", LAYERS, [("dx[x < 0] = 0", "dx[x > 0] = 0")],
     "conv_pool", "relu_backward.values"),
    ("2017_relu_forward_in_place", "y2017", LAYERS, [("    out = x * (x > 0)", "    x[x < 0] = 0\n    out = x")],
     "conv_pool", "affine_relu.inputs_unchanged"),
    ("2017_adam_t_not_stored", "y2017", OPTIM, [("config['m'], config['v'], config['t'] = m, v, t",
                                                 "config['m'], config['v'] = m, v")], "optimizers", "adam.cs231n"),
    ("2017_softmax_gradient_not_averaged", "y2017", SOFTMAX, [("dW = dW / num_train + reg * W",
                                                               "dW = dW + reg * W")],
     "linear_classifiers", "softmax_loss_naive.values"),
    ("2019_norm_banned", "y2019", KNN, [("dists[i, j] = np.sqrt(np.sum(np.square(X[i] - self.X_train[j])))",
                                         "dists[i, j] = np.linalg.norm(X[i] - self.X_train[j])")],
     "knn", "distances_two_loops.rules"),
    ("2019_pool_gradient_to_every_tied_max", "y2019", LAYERS, [(
        "a, b = np.unravel_index(np.argmax(window), window.shape)\n"
        "                    dx[n, c, i * s + a, j * s + b] += dout[n, c, i, j]",
        "dx[n, c, i * s:i * s + ph, j * s:j * s + pw] += (window == window.max()) * dout[n, c, i, j]")],
     "conv_pool", "max_pool.ties_route_to_first_max"),
    ("2019_dropout_scales_at_test_time", "y2019", LAYERS, [("        out = x\n", "        out = x * p\n")],
     "dropout", "dropout_forward.test_mode"),
    ("2019_db_from_one_sample", "y2019", LAYERS, [("db[f] += dout[n, f].sum()", "db[f] = dout[n, f].sum()")],
     "conv_pool", "conv_backward_naive.values"),
    ("2021_correct_class_margin_counted", "y2021", SVM, [("    margins[np.arange(N), y] = 0\n", "")],
     "linear_classifiers", "svm_loss_vectorized.values"),
    ("2021_vectorized_by_map", "y2021", SVM, [("    S = X @ W\n", "    S = np.array(list(map(lambda row: row @ W, X)))\n")],
     "linear_classifiers", "svm.speed"),
    ("2025_softmax_half_reg", "y2025", SOFTMAX, [("np.log(prob[np.arange(n), y]).sum() / n + reg * np.sum(W * W)",
                                                  "np.log(prob[np.arange(n), y]).sum() / n + 0.5 * reg * np.sum(W * W)"),
                                                 ("X.T.dot(prob - onehot) / n + 2 * reg * W",
                                                  "X.T.dot(prob - onehot) / n + reg * W")],
     "linear_classifiers", "softmax_loss_vectorized.values"),
    ("2025_rmsprop_eps_inside", "y2025", OPTIM, [('(np.sqrt(config["cache"]) + config["epsilon"])',
                                                  'np.sqrt(config["cache"] + config["epsilon"])')],
     "optimizers", "rmsprop.tiny_gradients"),
]


@pytest.mark.parametrize("name,year,file,edits,assignment,check", BUGS, ids=[b[0] for b in BUGS])
def test_a_real_bug_loses_points_at_its_check(tmp_path, name, year, file, edits, assignment, check):
    result = graded(bugged(tmp_path, year, file, edits), assignment, (check,), Course(profile=YEARS[year]))
    assert result[check].status == "failed", (check, result[check].output)


def test_rules_only_where_the_years_docstrings_state_them(tmp_path):
    """np.linalg.norm is banned from 2019 only; CS231n never asks for a raise on a non-integer output size."""
    edits = [("dists[i, j] = np.sqrt(np.sum(np.square(X[i] - self.X_train[j])))",
              "dists[i, j] = np.linalg.norm(X[i] - self.X_train[j])")]
    path = bugged(tmp_path, "y2019", KNN, edits)
    assert graded(path, "knn", ("distances_two_loops.rules",), Course(profile="cs231n-2018"))[
        "distances_two_loops.rules"].status == "passed"
    for profile in ("cs231n-2016", "cs231n-2025"):
        names = {c.name for c in spec.get("conv_pool").graded(Course(profile=profile)).checks}
        assert "conv_forward_naive.raises" not in names and "conv_forward_fast.values" not in names
    assert "conv_forward_naive.raises" in {c.name for c in spec.get("conv_pool").graded(Course()).checks}


def test_softmax_regularization_is_the_students_choice_until_2024(tmp_path):
    """2017's 0.5·reg softmax is right in 2017 (the stub fixes no factor) and wrong in 2025 (the provided naive
    loss is reg·‖W‖²); the message says which factor the course expects."""
    path = os.path.join(HANDINS, "y2017")
    check = "softmax_loss_naive.values"
    assert graded(path, "linear_classifiers", (check,), Course(profile="cs231n-2017"))[check].status == "passed"
    out = graded(path, "linear_classifiers", (check,), Course(profile="cs231n-2025"))[check]
    assert out.status == "failed" and "0.5·reg·‖W‖²; this course uses reg·‖W‖²" in out.output, out.output


def test_adam_starts_at_t_1_in_2017_only():
    path = os.path.join(HANDINS, "y2017")
    check = "adam.defaults"
    assert graded(path, "optimizers", (check,), Course(profile="cs231n-2017"))[check].status == "passed"
    assert graded(path, "optimizers", (check,), Course(profile="cs231n-2018"))[check].status == "failed"


def test_python_2_that_cannot_be_converted_is_refused_with_one_clear_message(tmp_path):
    (tmp_path / "k_nearest_neighbor.py").write_text(
        "import numpy as np\nclass KNearestNeighbor(object):\n  def train(self, X, y):\n"
        "    print `X.shape`\n    self.X_train = X\n")
    out = graded(str(tmp_path), "knn", ("distances_two_loops.values",), Course(profile="cs231n-2016"))
    message = out["distances_two_loops.values"].output
    assert "Python 2 code" in message and "conversion to Python 3 failed" in message, message


# ---------------------------------------------------------------- the bundled reference, every profile

# the profile conventions each suite's checks read while they run ("python": the reference is converted too)
READS = {"knn": {"python", "sqrt_clamp", "norm_ban"}, "linear_classifiers": {"python"}, "dropout": {"python"},
         "conv_pool": {"python", "relu_grad_at_zero", "backward_writes_dout", "max_pool_ties"},
         "optimizers": {"python"}}


def test_reads_names_every_convention_a_suite_reads():
    import re
    for name, reads in READS.items():
        with open(os.path.join(ROOT, "grader", "suites", name + ".py"), encoding="utf-8") as f:
            used = set(re.findall(r'profile\["(\w+)"\]|Only\("(\w+)"', f.read()))
        assert {u for pair in used for u in pair if u} <= reads, name


def signature(assignment, course):
    """What changes grading between profiles: the checks graded, the settings, the conventions checks read."""
    graded_ = assignment.graded(course)
    conventions = tuple(sorted((k, str(course.conventions[k])) for k in READS[assignment.name]))
    return (tuple(c.name for c in graded_.checks), tuple(sorted(assignment.setting_choices(course).items())),
            conventions)


def courses():
    """One course per distinct way of grading each assignment: every profile, and the course-file settings."""
    every = [Course(profile=p) for p in profiles.names()] + [
        Course(reg_scale=0.5), Course(dropout_p="drop"), Course(profile="cs231n-2017", reg_scale=1.0),
        Course(settings={"optimizers": {"ADAM_INITIAL_T": 1}}),
        Course(profile="cs231n-2020", settings={"linear_classifiers": {"SOFTMAX_REG_SCALE": 0.5}})]
    seen, out = set(), []
    for name in NAMES:
        a = spec.get(name)
        for course in every:
            key = (name, signature(a, course))
            if key not in seen:
                seen.add(key)
                out.append((name, course))
    return out


@pytest.mark.parametrize("name,course", courses(), ids=lambda v: v if isinstance(v, str) else "%s%s%s" % (
    v.profile, "-reg%g" % v.reg_scale if v.reg_scale else "", "-" + v.dropout_p if v.dropout_p else ""))
def test_the_reference_gets_full_marks_under_every_profile_and_setting(name, course):
    report = grade(os.path.join(REFERENCE, name), [name], course)
    wrong = [(o.check.name, o.output[:300]) for o in report.outcomes if o.status != "passed"]
    assert not wrong and report.score == report.max_score


def test_assignments_without_a_cs231n_counterpart_are_graded_whole_under_every_profile():
    for a in spec.assignments():
        if a.cs231n is None:
            assert [c.name for c in a.graded(Course(profile="cs231n-2019")).checks] == [c.name for c in a.checks]


# ---------------------------------------------------------------- the profile table and the course file

def test_the_table_says_what_each_year_changes():
    p16, p17, p18, p19, p25 = (profiles.get("cs231n-%d" % y) for y in (2016, 2017, 2018, 2019, 2025))
    assert (p16["svm_reg_scale"], p17["svm_reg_scale"]) == (0.5, 1.0)
    assert p17["softmax_reg_scale"] == (1.0, 0.5) and p25["softmax_reg_scale"] == 1.0
    assert (p17["dropout_p"], p18["dropout_p"]) == ("drop", "keep")
    assert (p16["adam_initial_t"], p17["adam_initial_t"], p18["adam_initial_t"]) == (0, 1, 0)
    assert (p18["norm_ban"], p19["norm_ban"], p16["python"], p17["python"]) == (False, True, 2, 3)
    own = profiles.get("dlgrader")
    assert own["raises"] and own["sqrt_clamp"] and not p19["raises"] and not p19["sqrt_clamp"]
    assert "| `dropout_p` | keep | 2016–2017: drop; 2018–: keep |" in profiles.table_markdown()
    with pytest.raises(ValueError, match="unknown profile"):
        profiles.get("cs231n-2015")
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        assert profiles.table_markdown() in f.read(), "README's profile table is out of date: paste table_markdown()"


def test_the_course_file_picks_a_profile_and_settings_take_lists(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('profile = "cs231n-2016"\n[settings.linear_classifiers]\nSOFTMAX_REG_SCALE = [0.5, 1.0]\n')
    course = Course.load(str(path))
    lc = spec.get("linear_classifiers")
    assert lc.setting_choices(course) == {"SVM_REG_SCALE": (0.5,), "SOFTMAX_REG_SCALE": (0.5, 1.0)}
    assert spec.get("dropout").setting_values(course) == {"DROPOUT_P": "drop"}
    assert lc.setting_values(Course(profile="cs231n-2016", reg_scale=1))["SVM_REG_SCALE"] == 1.0
    for bad in ('profile = "cs231n-1999"\n', 'reg_scale = 0.7\n', 'dropout_p = "maybe"\n',
                '[settings.linear_classifiers]\nSVM_REG_SCALE = [1.0, 0.3]\n'):
        path.write_text(bad)
        with pytest.raises(ValueError):
            Course.load(str(path))


# ---------------------------------------------------------------- the worker's environment, Python 2

def test_the_future_stand_in_has_what_cs231n_imports():
    shim = worker._FutureShim()

    def load(name):
        spec_ = shim.find_spec(name)
        module = importlib.util.module_from_spec(spec_)
        spec_.loader.exec_module(module)
        return module
    past = load("past.builtins")
    assert past.xrange is range and past.range(3) == [0, 1, 2] and past.map(abs, [-1]) == [1]
    assert load("future.builtins").object is object
    assert load("future.standard_library").install_aliases() is None
    assert list(load("future.utils").iteritems({"a": 1})) == [("a", 1)]
    assert shim.find_spec("numpy") is None


def test_numpy_1_names_are_found_and_restored():
    from grader.submission import SourceFile
    import ast
    src = "import numpy as np\nfrom numpy import float_\nx = np.int(3)\ny = np.reshape(a, newshape=(2, 2))\n"
    uses = legacy.numpy_1_uses([SourceFile("m.py", "m", ast.parse(src))])
    assert set(uses) == {"int", "float_", "reshape(newshape=)"} and uses["int"] == "m.py:3"
    wrapped = worker._reshape_newshape(np.reshape)
    assert wrapped(np.arange(4), newshape=(2, 2)).shape == (2, 2)


@pytest.mark.parametrize("source,expected", [
    ("print 'a', b\n", "print('a', b)\n"),
    ("print x,\n", "print(x, end=' ')\n"),
    ("print\n", "print()\n"),
    ("print >>sys.stderr, 'e'\n", "print('e', file=sys.stderr)\n"),
    ("if a <> b: print a; c = 10L\n", "if a != b: print(a); c = 10\n"),
    ("try:\n  f()\nexcept ValueError, e:\n  raise KeyError, 'k'\n",
     "try:\n  f()\nexcept ValueError as e:\n  raise KeyError('k')\n"),
    ("for i in xrange(n): d.iteritems()\n", "for i in range(n): d.items()\n"),
    ("h = 1 + (H - HH) / s\n", "h = 1 + __py2_div__((H - HH) , s)\n"),
    ("from __future__ import division\nprint h / 2\n", "from __future__ import division\nprint(h / 2)\n"),
])
def test_python_2_conversion_keeps_every_line(source, expected):
    assert legacy.convert(source)[0] == expected


def test_python_2_division_is_integer_only_between_integers():
    div = worker.py2_div
    assert div(7, 2) == 3 and div(np.int64(7), 2) == 3 and div(7.0, 2) == 3.5
    assert div(np.array([7, 9]), 2).tolist() == [3, 4] and div(np.array([7.0]), 2).tolist() == [3.5]
    text, _ = legacy.convert("y = (a / (b)) / c + d[e / f]\n")
    assert text.count("__py2_div__(") == 3 and len(text.splitlines()) == 1
    compile(text, "t", "exec")
