"""Reference tests for `normalization`: the NumPy layers against torch (the oracle), against centred differences,
against CS231n's notebook expectations; the staged and simplified batch-norm backward agree; the suite's
groupings and the mistakes it diagnoses are what they claim to be."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from benchmarks.gradcheck_cost import eval_numerical_gradient_array as numerical
from grader.suites import normalization as suite
from reference.normalization import layers, mistakes, oracle
from helpers import rel_error

seeds = st.integers(0, 2 ** 31 - 1)


def case(layer, **params):
    return suite.maker(layer)(dict({"seed": 0}, **params))


def call(layer, i, **over):
    v = dict(i, **over)
    extra = (v["G"],) if layer is suite.GROUPNORM else ()
    return getattr(layers, layer.forward)(v["x"], v["gamma"], v["beta"], *extra, v["param"])


@pytest.mark.parametrize("layer", suite.LAYERS, ids=lambda l: l.name)
@given(params=st.data())
def test_forward_backward_and_running_stats_equal_torch(layer, params):
    i = suite.maker(layer)(params.draw(suite.drawn(layer)))
    param, torch_param = dict(i["param"]), dict(i["param"])
    out, cache = call(layer, i, param=param)
    extra = (i["G"],) if layer is suite.GROUPNORM else ()
    expected, torch_cache = getattr(oracle, layer.forward)(i["x"], i["gamma"], i["beta"], *extra, torch_param)
    assert rel_error(out, expected) < 1e-9
    for got, want in zip(getattr(layers, layer.backward)(i["dout"], cache), oracle.backward(i["dout"], torch_cache)):
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-9, atol=1e-11)
    if layer.running:
        for key in ("running_mean", "running_var"):
            np.testing.assert_allclose(param[key], torch_param[key], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layer", suite.LAYERS, ids=lambda l: l.name)
def test_gradients_equal_cs231n_numerical_gradients(layer):
    i = case(layer, **{"N": 4, "D": 5} if not layer.spatial else {"N": 2, "C": 4, "H": 2, "W": 3, "G": 2})
    dx, dgamma, dbeta = getattr(layers, layer.backward)(i["dout"], call(layer, i)[1])
    x, gamma, beta = (i[k].copy() for k in ("x", "gamma", "beta"))
    assert rel_error(dx, numerical(lambda v: call(layer, i, x=v)[0], x, i["dout"])) < 1e-7
    assert rel_error(dgamma, numerical(lambda v: call(layer, i, gamma=v)[0], gamma, i["dout"])) < 1e-7
    assert rel_error(dbeta, numerical(lambda v: call(layer, i, beta=v)[0], beta, i["dout"])) < 1e-7


@given(st.integers(2, 30), st.integers(1, 8), seeds, st.sampled_from(["train", "test"]))
def test_staged_and_simplified_backward_agree_on_one_cache(N, D, seed, mode):
    i = case(suite.BATCHNORM, N=N, D=D, seed=seed, running=True)
    _, cache = call(suite.BATCHNORM, i, param=dict(i["param"], mode=mode))
    for a, b in zip(layers.batchnorm_backward(i["dout"], cache), layers.batchnorm_backward_alt(i["dout"], cache)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_cs231n_notebook_statistics():
    """The BatchNormalization notebook: per-feature means 0 and stds 1, then means beta and stds gamma; after 50
    training batches the test-time output is roughly normalized too."""
    i = case(suite.BATCHNORM, **suite.NOTEBOOK_BN)
    out, _ = layers.batchnorm_forward(i["x"], np.ones(3), np.zeros(3), {"mode": "train"})
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12) and np.allclose(out.std(axis=0), 1, atol=1e-5)
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([11.0, 12.0, 13.0])
    out, _ = layers.batchnorm_forward(i["x"], gamma, beta, {"mode": "train"})
    assert np.allclose(out.mean(axis=0), beta) and np.allclose(out.std(axis=0), gamma, rtol=1e-5)
    rs, bn_param = np.random.RandomState(231), {"mode": "train"}
    W1, W2 = rs.randn(50, 60), rs.randn(60, 3)
    for _ in range(50):
        layers.batchnorm_forward(np.maximum(0, rs.randn(200, 50).dot(W1)).dot(W2), np.ones(3), np.zeros(3), bn_param)
    bn_param["mode"] = "test"
    out, _ = layers.batchnorm_forward(np.maximum(0, rs.randn(200, 50).dot(W1)).dot(W2), np.ones(3), np.zeros(3),
                                      bn_param)
    assert np.all(np.abs(out.mean(axis=0)) < 0.3) and np.all(np.abs(out.std(axis=0) - 1) < 0.3)


def test_invalid_mode_and_running_stats_written_back():
    i = case(suite.BATCHNORM, N=5, D=2)
    with pytest.raises(ValueError, match="Invalid forward batchnorm mode"):
        layers.batchnorm_forward(i["x"], i["gamma"], i["beta"], {"mode": "eval"})
    param = {"mode": "train", "momentum": 0.5}
    layers.batchnorm_forward(i["x"], i["gamma"], i["beta"], param)
    np.testing.assert_allclose(param["running_mean"], 0.5 * i["x"].mean(axis=0))
    np.testing.assert_allclose(param["running_var"], 0.5 * i["x"].var(axis=0))


@given(seeds)
def test_groupnorm_takes_both_gamma_shapes_and_returns_gammas(seed):
    i = case(suite.GROUPNORM, N=2, C=6, H=2, W=3, G=3, seed=seed)
    results = []
    for shape in ((6,), (1, 6, 1, 1)):
        out, cache = layers.spatial_groupnorm_forward(i["x"], i["gamma"].reshape(shape), i["beta"].reshape(shape), 3, {})
        dx, dgamma, dbeta = layers.spatial_groupnorm_backward(i["dout"], cache)
        assert dgamma.shape == dbeta.shape == shape
        results.append((out, dx, dgamma.ravel(), dbeta.ravel()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_groupnorm_extremes_are_layer_and_instance_norm():
    """G = 1 normalizes each sample over C, H, W (layer norm of the flattened sample); G = C each (sample, channel)."""
    x = np.random.RandomState(5).randn(2, 4, 3, 3) * 3 + 1
    one, zero = np.ones((1, 4, 1, 1)), np.zeros((1, 4, 1, 1))
    ln, _ = layers.layernorm_forward(x.reshape(2, -1), np.ones(36), np.zeros(36), {})
    np.testing.assert_allclose(layers.spatial_groupnorm_forward(x, one, zero, 1, {})[0].reshape(2, -1), ln, atol=1e-12)
    inst, _ = layers.layernorm_forward(x.reshape(8, -1), np.ones(9), np.zeros(9), {})
    np.testing.assert_allclose(layers.spatial_groupnorm_forward(x, one, zero, 4, {})[0].reshape(8, -1), inst,
                               atol=1e-12)


# ---- the suite's groupings and mistakes ----------------------------------------------------------------

GROUPINGS_2D = ("feature", "sample")
GROUPINGS_4D = ("sample", "channel", "position", "reshape", "instance", "group", "interleaved", "batch_group")


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_every_grouping_is_a_partition_and_unrows_inverts_it(N, G, k, H, W):
    x = np.arange(N * G * k * H * W).reshape(N, G * k, H, W)
    for grouping in GROUPINGS_4D + GROUPINGS_2D:
        a = x if grouping in GROUPINGS_4D else x.reshape(N, -1)
        r = suite.rows(grouping, a, G)
        assert r.ndim == 2 and sorted(r.ravel()) == list(range(a.size))
        np.testing.assert_array_equal(mistakes._unrows(grouping, r, a.shape, G), a)


@pytest.mark.parametrize("layer", suite.LAYERS, ids=lambda l: l.name)
def test_every_mistake_is_visible_on_a_public_case(layer):
    """Each mistake the value checks can name gives a wrong answer on at least one public case (a hint fires only
    where the right answer differs from the mistake's: suite.mistake_hints)."""
    seen = {}
    for params in suite.PUBLIC[layer]:
        i = suite.maker(layer)(params)
        out, cache = call(layer, i)
        right = {"train": (out,), "backward": getattr(layers, layer.backward)(i["dout"], cache)}
        if layer.running:
            right["test"] = (call(layer, i, param=suite.test_param(i))[0],)
        for kind, answer in right.items():
            for name, values in mistakes.variants(kind, layer, i):
                values = values if isinstance(values, tuple) else (values,)
                seen.setdefault((kind, name), False)
                seen[(kind, name)] |= any(v.shape != a.shape or not np.allclose(v, a, rtol=1e-7, atol=1e-9)
                                          for v, a in zip(values, answer))
    assert seen and all(seen.values()), [k for k, v in seen.items() if not v]
