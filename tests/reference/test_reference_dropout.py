"""Reference tests for `dropout`: inverted dropout and the non-inverted variant.

Random masks are checked by statistics (binomial bounds), never by exact values:
every order of RNG calls is a legitimate implementation.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st

from reference.dropout import dropout as dropout_module
from reference.dropout.dropout import dropout_backward, dropout_forward
from reference.dropout.expectation import (dropout_backward_noninverted,
                                           dropout_forward_noninverted,
                                           empirical_activation, expected_activation)
from helpers import device, rel_error

SIGMAS = 5.0   # two-sided 5-sigma bounds: a correct implementation fails ~1 in 1.7 million draws
keeps = st.sampled_from([0.1, 0.25, 0.4, 0.5, 0.7, 0.8, 0.95])
seeds = st.integers(0, 2**31 - 1)


def kept_fraction_ok(mask_like, keep):
    n = mask_like.size
    kept = np.count_nonzero(mask_like) / n
    return abs(kept - keep) <= SIGMAS * np.sqrt(keep * (1 - keep) / n) + 1e-12


# ---------------------------------------------------------------- the notebook's check

def test_cs231n_notebook_statistics():
    np.random.seed(231)
    x = np.random.randn(500, 500) + 10
    for p in [0.25, 0.4, 0.7]:
        out, _ = dropout_forward(x, {"mode": "train", "p": p})
        out_test, _ = dropout_forward(x, {"mode": "test", "p": p})
        assert abs(out.mean() - x.mean()) < 0.05 * x.mean()
        assert out_test.mean() == x.mean()
        assert abs((out == 0).mean() - (1 - p)) < 0.01


# ---------------------------------------------------------------- statistics in train mode

@given(keeps, seeds, st.integers(200, 3000))
def test_fraction_zeroed_within_binomial_bound(keep, seed, n):
    x = np.random.RandomState(seed).rand(n) + 0.5   # no zeros in x itself
    out, (_, mask) = dropout_forward(x, {"p": keep, "mode": "train", "seed": seed})
    assert kept_fraction_ok(out, keep)
    np.testing.assert_array_equal(out != 0, mask != 0)


@given(keeps, seeds)
def test_mean_is_preserved(keep, seed):
    x = np.random.RandomState(seed).randn(4000) + 3.0
    out, _ = dropout_forward(x, {"p": keep, "mode": "train", "seed": seed})
    # out_i = x_i * B_i / keep, B_i ~ Bernoulli(keep): E = x_i, Var = x_i^2 (1 - keep) / keep
    std_of_mean = np.sqrt(np.sum(x ** 2) * (1 - keep) / keep) / x.size
    assert abs(out.mean() - x.mean()) <= SIGMAS * std_of_mean


@given(keeps, seeds)
def test_kept_units_are_scaled_by_one_over_keep(keep, seed):
    x = np.random.RandomState(seed).randn(7, 11)
    out, (_, mask) = dropout_forward(x, {"p": keep, "mode": "train", "seed": seed})
    assert set(np.unique(mask)) <= {0.0, 1.0}
    np.testing.assert_allclose(out, x * mask / keep, rtol=1e-15)


@given(keeps, seeds)
def test_each_sample_has_its_own_mask(keep, seed):
    n, d = 400, 30
    x = np.ones((n, d))
    out, _ = dropout_forward(x, {"p": keep, "mode": "train", "seed": seed})
    # per column, across the batch, the kept fraction is ~keep (a shared mask gives 0 or 1)
    for column in out.T:
        assert kept_fraction_ok(column, keep)
    # and per sample, across features
    assert kept_fraction_ok(out, keep)


def test_kept_values_match_torch_dropout_scaling():
    x = torch.linspace(1.0, 2.0, 1000, dtype=torch.float64, device=device())
    keep = 0.4
    t_out = torch.nn.functional.dropout(x, p=1 - keep, training=True).cpu().numpy()
    out, _ = dropout_forward(x.cpu().numpy(), {"p": keep, "mode": "train", "seed": 1})
    x = x.cpu().numpy()
    # both keep a unit as x / keep or drop it to 0
    np.testing.assert_allclose(t_out[t_out != 0], x[t_out != 0] / keep, rtol=1e-12)
    np.testing.assert_allclose(out[out != 0], x[out != 0] / keep, rtol=1e-12)
    assert kept_fraction_ok(t_out, keep) and kept_fraction_ok(out, keep)


def test_keep_one_is_the_identity_in_train_mode():
    x = np.random.RandomState(0).randn(10, 10)
    out, _ = dropout_forward(x, {"p": 1.0, "mode": "train"})
    np.testing.assert_array_equal(out, x)


# ---------------------------------------------------------------- test mode, seeds, dtype

@given(keeps, seeds)
def test_test_mode_is_the_identity(keep, seed):
    x = np.random.RandomState(seed).randn(5, 6)
    out, (param, mask) = dropout_forward(x, {"p": keep, "mode": "test"})
    np.testing.assert_array_equal(out, x)
    assert mask is None and param["mode"] == "test"
    dout = np.random.RandomState(seed + 1).randn(5, 6)
    np.testing.assert_array_equal(dropout_backward(dout, (param, mask)), dout)


@given(keeps, seeds)
def test_same_seed_same_output(keep, seed):
    x = np.random.RandomState(seed).randn(20, 20)
    param = {"p": keep, "mode": "train", "seed": seed}
    out1, _ = dropout_forward(x, param)
    np.random.rand(3)   # disturb the global RNG in between
    out2, _ = dropout_forward(x, param)
    np.testing.assert_array_equal(out1, out2)


def test_different_seeds_different_masks():
    x = np.ones(1000)
    out1, _ = dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 1})
    out2, _ = dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 2})
    assert not np.array_equal(out1, out2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode", ["train", "test"])
def test_out_has_the_dtype_of_x(dtype, mode):
    x = np.random.RandomState(0).randn(10, 10).astype(dtype)
    out, _ = dropout_forward(x, {"p": 0.3, "mode": mode, "seed": 0})
    assert out.dtype == dtype and out.shape == x.shape


def test_input_not_modified():
    x = np.random.RandomState(0).randn(30, 30)
    x_copy = x.copy()
    dropout_forward(x, {"p": 0.3, "mode": "train", "seed": 0})
    np.testing.assert_array_equal(x, x_copy)


@pytest.mark.parametrize("param", [{"p": 0.5, "mode": "eval"}, {"p": 0.0, "mode": "train"},
                                   {"p": 1.5, "mode": "train"}])
def test_bad_params_raise(param):
    with pytest.raises(ValueError):
        dropout_forward(np.ones(3), param)


# ---------------------------------------------------------------- backward

@given(keeps, seeds)
def test_backward_is_dout_times_mask_over_keep(keep, seed):
    rs = np.random.RandomState(seed)
    x, dout = rs.randn(8, 9), rs.randn(8, 9)
    _, cache = dropout_forward(x, {"p": keep, "mode": "train", "seed": seed})
    dx = dropout_backward(dout, cache)
    np.testing.assert_allclose(dx, dout * cache[1] / keep, rtol=1e-15)


@pytest.mark.parametrize("p", [0.2, 0.8])
def test_backward_matches_numerical_gradient_cs231n_setup(p):
    np.random.seed(231)
    x = np.random.randn(10, 10) + 10
    dout = np.random.randn(*x.shape)
    param = {"mode": "train", "p": p, "seed": 123}
    _, cache = dropout_forward(x, param)
    dx = dropout_backward(dout, cache)
    h = 1e-5
    dx_num = np.zeros_like(x)
    for ix in np.ndindex(*x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = dropout_forward(x, param)[0].copy()
        x[ix] = old - h
        neg = dropout_forward(x, param)[0].copy()
        x[ix] = old
        dx_num[ix] = np.sum((pos - neg) * dout) / (2 * h)
    assert rel_error(dx, dx_num) < 1e-10   # the notebook: "around e-10 or less"


def test_backward_matches_torch_autograd_for_the_same_mask():
    keep = 0.6
    rs = np.random.RandomState(5)
    x, dout = rs.randn(6, 7), rs.randn(6, 7)
    out, cache = dropout_forward(x, {"p": keep, "mode": "train", "seed": 3})
    mask = torch.tensor(cache[1], device=device())
    xt = torch.tensor(x, device=device(), requires_grad=True)
    yt = xt * mask / keep
    yt.backward(torch.tensor(dout, device=device()))
    np.testing.assert_allclose(out, yt.detach().cpu().numpy(), rtol=1e-15)
    np.testing.assert_allclose(dropout_backward(dout, cache), xt.grad.cpu().numpy(), rtol=1e-15)


# ---------------------------------------------------------------- the 2016-17 convention

def test_drop_probability_convention(monkeypatch):
    monkeypatch.setattr(dropout_module, "DROPOUT_P_IS_KEEP", False)
    x = np.ones(20000)
    drop = 0.25
    out, cache = dropout_forward(x, {"p": drop, "mode": "train", "seed": 0})
    assert kept_fraction_ok(out, 1 - drop)
    np.testing.assert_allclose(out[out != 0], 1 / (1 - drop))
    dout = np.arange(20000.0)
    np.testing.assert_allclose(dropout_backward(dout, cache), dout * cache[1] / (1 - drop))
    assert expected_activation(2.0, drop, "noninverted", "test") == 2.0 * (1 - drop)


# ---------------------------------------------------------------- the non-inverted variant

@given(keeps, seeds)
def test_noninverted_train_does_not_rescale_and_test_scales_by_keep(keep, seed):
    x = np.random.RandomState(seed).randn(40, 50) + 2
    out, (_, mask) = dropout_forward_noninverted(x, {"p": keep, "mode": "train", "seed": seed})
    np.testing.assert_array_equal(out, x * mask)
    assert kept_fraction_ok(mask, keep)
    out_test, (_, mask_test) = dropout_forward_noninverted(x, {"p": keep, "mode": "test"})
    assert mask_test is None
    np.testing.assert_allclose(out_test, keep * x, rtol=1e-15)


@given(keeps, seeds)
def test_noninverted_backward(keep, seed):
    rs = np.random.RandomState(seed)
    x, dout = rs.randn(5, 5), rs.randn(5, 5)
    _, cache = dropout_forward_noninverted(x, {"p": keep, "mode": "train", "seed": seed})
    np.testing.assert_array_equal(dropout_backward_noninverted(dout, cache), dout * cache[1])
    _, cache = dropout_forward_noninverted(x, {"p": keep, "mode": "test"})
    np.testing.assert_allclose(dropout_backward_noninverted(dout, cache), keep * dout, rtol=1e-15)


@given(st.floats(-10, 10), keeps, st.sampled_from(["inverted", "noninverted"]))
def test_train_and_test_expectations_agree(a, keep, variant):
    train = expected_activation(a, keep, variant, "train")
    test = expected_activation(a, keep, variant, "test")
    assert abs(train - test) <= 1e-12 * (1 + abs(a))
    assert abs(test - (a if variant == "inverted" else keep * a)) <= 1e-12 * (1 + abs(a))


def test_expected_activation_elementwise_on_arrays():
    a = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(expected_activation(a, 0.5, "noninverted", "train"), 0.5 * a)
    np.testing.assert_allclose(expected_activation(a, 0.5, "inverted", "train"), a)


@pytest.mark.parametrize("variant", ["inverted", "noninverted"])
@pytest.mark.parametrize("mode", ["train", "test"])
@pytest.mark.parametrize("keep", [0.3, 0.8])
def test_monte_carlo_agrees_with_the_exact_expectation(variant, mode, keep):
    a, n = 1.5, 100_000
    estimate = empirical_activation(a, keep, variant, mode, num_samples=n, seed=7)
    exact = expected_activation(a, keep, variant, mode)
    per_sample_std = abs(a) * np.sqrt((1 - keep) / keep) if variant == "inverted" \
        else abs(a) * np.sqrt(keep * (1 - keep))
    bound = SIGMAS * per_sample_std / np.sqrt(n) if mode == "train" else 1e-12
    assert abs(estimate - exact) <= bound


def test_bad_variant_or_mode_raises():
    with pytest.raises(ValueError):
        expected_activation(1.0, 0.5, "reversed", "train")
    with pytest.raises(ValueError):
        expected_activation(1.0, 0.5, "inverted", "eval")


# ---------------------------------------------------------------- the student stubs

def test_stubs_have_the_reference_api_and_raise():
    import inspect

    import assignments.dropout.dropout as stub_dropout
    import assignments.dropout.expectation as stub_expectation
    from reference.dropout import expectation as ref_expectation
    for ref, stub in [(dropout_module, stub_dropout), (ref_expectation, stub_expectation)]:
        for name, obj in vars(ref).items():
            if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == ref.__name__:
                assert inspect.signature(obj) == inspect.signature(getattr(stub, name)), name
    assert stub_dropout.DROPOUT_P_IS_KEEP is True
    x = np.ones((2, 3))
    with pytest.raises(NotImplementedError):
        stub_dropout.dropout_forward(x, {"p": 0.5, "mode": "train"})
    with pytest.raises(NotImplementedError):
        stub_dropout.dropout_forward(x, {"p": 0.5, "mode": "test"})
    with pytest.raises(NotImplementedError):
        stub_dropout.dropout_backward(x, ({"p": 0.5, "mode": "train"}, x))
    for call in [lambda: stub_expectation.dropout_forward_noninverted(x, {"p": 0.5, "mode": "train"}),
                 lambda: stub_expectation.dropout_backward_noninverted(x, ({"p": 0.5, "mode": "train"}, x)),
                 lambda: stub_expectation.expected_activation(1.0, 0.5, "inverted", "train"),
                 lambda: stub_expectation.empirical_activation(1.0, 0.5, "inverted", "train")]:
        with pytest.raises(NotImplementedError):
            call()
