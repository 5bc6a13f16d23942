"""Mutants of the normalization reference: each classic mistake loses points at the check meant to catch it, and
that check's message names the mistake. Real CS231n-style files (each year's conventions) get full marks."""
import pytest

import cs231n_normalization_files as files
from grader.suites import normalization as suite
from helpers import mutant_edits
from partial import graded

L = "layers.py"
ALT_LINE = "    dx = _normalize_backward(dout * gamma, x_hat, std, axis=0)\n    return dx, dgamma, dbeta\n"
SPATIAL_IN = "    flat = x.transpose(0, 2, 3, 1).reshape(-1, C)"
SPATIAL_OUT = "    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), cache"
GROUPS = "    x_hat, std = _normalize(x.reshape(N, G, -1), axis=2, eps=eps)\n"
WRITE_BACK = '    bn_param["running_mean"] = running_mean\n    bn_param["running_var"] = running_var\n'

MUTANTS = [
    # (name, [(old, new), ...], the check that must fail, words of its output, checks that must still pass)
    ("unbiased_variance", [("sample_var = (xc ** 2).mean(axis=0)", "sample_var = x.var(axis=0, ddof=1)")],
     "batchnorm_forward.normalizes", "unbiased (ddof=1) variance", ()),
    ("unbiased_variance_values", [("sample_var = (xc ** 2).mean(axis=0)", "sample_var = x.var(axis=0, ddof=1)")],
     "batchnorm_forward.running_stats", "unbiased variance", ()),
    ("eps_outside_the_root", [("        std = np.sqrt(sample_var + eps)\n", "        std = np.sqrt(sample_var) + eps\n")],
     "batchnorm_forward.values", "eps belongs inside the square root", ("batchnorm_forward.normalizes",)),
    ("eps_outside_in_test_mode", [("        std = np.sqrt(running_var + eps)\n",
                                   "        std = np.sqrt(running_var) + eps\n")],
     "batchnorm_forward.test_mode", "eps belongs inside the square root", ("batchnorm_forward.values",)),
    ("running_stats_not_stored", [(WRITE_BACK, "")], "batchnorm_forward.running_stats",
     "must be stored back into bn_param", ("batchnorm_forward.values",)),
    ("momentum_reversed", [("running_mean = momentum * running_mean + (1 - momentum) * sample_mean",
                            "running_mean = (1 - momentum) * running_mean + momentum * sample_mean"),
                           ("running_var = momentum * running_var + (1 - momentum) * sample_var",
                            "running_var = (1 - momentum) * running_var + momentum * sample_var")],
     "batchnorm_forward.running_stats", "the momentum is reversed", ("batchnorm_forward.values",)),
    ("test_mode_on_batch_statistics", [("        std = np.sqrt(running_var + eps)\n        x_hat = (x - running_mean) / std",
                                        "        std = np.sqrt(x.var(axis=0) + eps)\n        x_hat = (x - x.mean(axis=0)) / std")],
     "batchnorm_forward.test_mode", "test mode uses the batch's statistics", ("batchnorm_forward.values",)),
    ("missing_mean_term_in_dx", [("    dx = dxc + dmean / N\n", "    dx = dxc\n")],
     "batchnorm_backward.invariances", "dx must sum to 0", ("batchnorm_forward.values",)),
    ("missing_mean_term_named", [("    dx = dxc + dmean / N\n", "    dx = dxc\n")],
     "batchnorm_backward.values", "misses the term through the mean", ()),
    ("dgamma_from_raw_x", [("    dgamma = (dout * x_hat).sum(axis=0)\n    dx_hat = dout * gamma\n    if mode",
                            "    dgamma = (dout * (xc + 0)).sum(axis=0)\n    dx_hat = dout * gamma\n    if mode")],
     "batchnorm_backward.numerical_gradient", "numerical gradient of your own forward", ("batchnorm_forward.values",)),
    ("spatial_reshape_without_transpose", [(SPATIAL_IN, "    flat = x.reshape(-1, C)"),
                                           (SPATIAL_OUT, "    return out.reshape(N, C, H, W), cache")],
     "spatial_batchnorm_forward.normalizes", "x.reshape(-1, C) mixes the channels", ()),
    ("groupnorm_interleaved_groups", [(GROUPS, "    x_hat, std = _normalize(x.reshape(N, C // G, G, -1), axis=(1, 3), "
                                               "eps=eps)\n")],
     "spatial_groupnorm_forward.normalizes", "every G-th channel", ()),
    ("groupnorm_per_channel", [(GROUPS, "    x_hat, std = _normalize(x.reshape(N, C, -1), axis=2, eps=eps)\n")],
     "spatial_groupnorm_forward.values", "instance normalization", ()),
    ("layernorm_over_the_batch", [("    x_hat, std = _normalize(x, axis=1, eps=eps)",
                                   "    x_hat, std = _normalize(x, axis=0, eps=eps)")],
     "layernorm_forward.normalizes", "that is batch normalization", ()),
    ("groupnorm_dgamma_flat", [(".sum(axis=(0, 2, 3)).reshape(gamma.shape)\n    dbeta = dout.sum(axis=(0, 2, 3))"
                                ".reshape(gamma.shape)", ".sum(axis=(0, 2, 3))\n    dbeta = dout.sum(axis=(0, 2, 3))")],
     "spatial_groupnorm_backward.values", "in the shape of gamma", ("spatial_groupnorm_forward.values",)),
    ("gamma_beta_swapped", [("        out = gamma * x_hat + beta\n        running_mean",
                             "        out = beta * x_hat + gamma\n        running_mean")],
     "batchnorm_forward.normalizes", "gamma and beta are swapped", ()),
    ("alt_calls_staged", [(ALT_LINE, "    return batchnorm_backward(dout, cache)\n")],
     "batchnorm_backward_alt.own_derivation", "refers to batchnorm_backward", ("batchnorm_backward_alt.values",)),
    ("alt_loops_over_features", [(ALT_LINE, "    dx = np.empty_like(dout)\n    for d in range(dout.shape[1]):\n"
                                            "        dx[:, d] = _normalize_backward(dout[:, d] * gamma[d], x_hat[:, d], "
                                            "std[d], axis=0)\n    return dx, dgamma, dbeta\n")],
     "batchnorm_backward_alt.speed", "hidden check failed: too slow", ("batchnorm_backward_alt.values",)),
]


@pytest.mark.parametrize("name,edits,check,words,still", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_mutant_is_caught_by_its_check(tmp_path, name, edits, check, words, still):
    result = graded(mutant_edits(tmp_path, "normalization", L, edits), "normalization", [check, *still])
    assert result[check].status == "failed", (check, result[check].output)
    assert words in result[check].output, result[check].output
    for other in still:
        assert result[other].status == "passed", (other, result[other].output)


# ---- right CS231n code of each year gets full marks --------------------------------------------------------

def checks_of_year(year):
    """The checks that year's course profile grades (the suite's SINCE table, through grader/profiles.py)."""
    from grader.course import Course
    return [c.name for c in suite.ASSIGNMENT.graded(Course(profile="cs231n-%d" % year)).checks]


def cs231n_package(tmp_path, source):
    pkg = tmp_path / "cs231n"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "layers.py").write_text(source)
    return str(tmp_path)


@pytest.mark.parametrize("year,source", [(2017, files.STUDENT_2017), (2021, files.STUDENT_2021)], ids=["2017", "2021"])
def test_a_right_cs231n_file_of_its_year_gets_full_marks(tmp_path, year, source):
    result = graded(cs231n_package(tmp_path, source), "normalization", checks_of_year(year))
    assert set(result) == set(checks_of_year(year))
    assert not {n: o.output for n, o in result.items() if o.status != "passed"}


def test_since_declares_every_function_and_the_2018_additions():
    assert set(suite.SINCE) == set(suite.ASSIGNMENT.symbols)
    assert {s for s, year in suite.SINCE.items() if year > 2017} == {suite.LN_F, suite.LN_B, suite.GN_F, suite.GN_B}
    assert len(checks_of_year(2017)) < len(checks_of_year(2018)) == len(suite.ASSIGNMENT.checks)


def test_dlgrader_list_shows_every_normalization_function_in_course_order(capsys):
    from grader.cli import main
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.index("\ndropout —") < out.index("\nnormalization —") < out.index("\noptimizers —")
    for symbol in suite.SINCE:
        assert "  %s." % symbol in out, symbol
