"""Reference tests for `optimizers`: CS231n update rules.

Oracles: CS231n's published expected matrices, torch.optim (CUDA when available,
else CPU) with the update conventions mapped, the lecture's Nesterov look-ahead
form, and convergence on convex quadratics and Rosenbrock.
"""
import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from reference.optimizers import optim
from reference.optimizers.optim import (adagrad, adam, nesterov_momentum, rmsprop, sgd,
                                        sgd_momentum)
from helpers import device, rel_error

RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "nesterov_momentum": nesterov_momentum,
         "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam}


def notebook_arrays():
    N, D = 4, 5
    w = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
    dw = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
    return N, D, w, dw


# ---------------------------------------------------------------- CS231n's published values

def test_cs231n_sgd_momentum():
    N, D, w, dw = notebook_arrays()
    v = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    config = {"learning_rate": 1e-3, "velocity": v}
    next_w, _ = sgd_momentum(w, dw, config=config)
    expected_next_w = np.asarray([
        [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
        [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
        [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
        [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096]])
    expected_velocity = np.asarray([
        [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
        [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
        [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
        [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096]])
    assert rel_error(next_w, expected_next_w) < 1e-8       # notebook: "around e-8 or less"
    assert rel_error(expected_velocity, config["velocity"]) < 1e-8


def test_cs231n_rmsprop():
    N, D, w, dw = notebook_arrays()
    cache = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    config = {"learning_rate": 1e-2, "cache": cache}
    next_w, _ = rmsprop(w, dw, config=config)
    expected_next_w = np.asarray([
        [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
        [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
        [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
        [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619]])
    expected_cache = np.asarray([
        [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
        [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
        [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
        [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926]])
    assert rel_error(expected_next_w, next_w) < 1e-7       # notebook: "around e-7 or less"
    assert rel_error(expected_cache, config["cache"]) < 1e-7


ADAM_EXPECTED_NEXT_W = np.asarray([
    [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
    [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
    [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
    [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459]])


def test_cs231n_adam():
    N, D, w, dw = notebook_arrays()
    m = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    v = np.linspace(0.7, 0.5, num=N * D).reshape(N, D)
    config = {"learning_rate": 1e-2, "m": m, "v": v, "t": 5}
    next_w, _ = adam(w, dw, config=config)
    expected_v = np.asarray([
        [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
        [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
        [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
        [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966]])
    expected_m = np.asarray([
        [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
        [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
        [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
        [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85]])
    assert rel_error(ADAM_EXPECTED_NEXT_W, next_w) < 1e-6  # t-after-use gives 1.5e-3
    assert rel_error(expected_v, config["v"]) < 1e-7
    assert rel_error(expected_m, config["m"]) < 1e-7
    assert config["t"] == 6


def test_sgd_by_hand():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    next_w, config = sgd(w, dw)
    np.testing.assert_allclose(next_w, [1.0 - 5e-3, -2.0 - 2.5e-3], rtol=1e-15)
    assert config == {"learning_rate": 1e-2}


# ---------------------------------------------------------------- config defaults and state

DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE = {"sgd": [], "sgd_momentum": ["velocity"], "nesterov_momentum": ["velocity"],
         "adagrad": ["cache"], "rmsprop": ["cache"], "adam": ["m", "v", "t"]}


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("empty", [None, "{}"])
def test_defaults_and_state_written_back(name, empty):
    config_in = None if empty is None else {}
    w, dw = np.array([[0.5, -1.0, 2.0]]), np.array([[0.1, 0.2, -0.3]])
    next_w, config = RULES[name](w, dw, config_in)
    assert next_w.shape == w.shape
    assert set(config) == set(DEFAULTS[name]) | set(STATE[name])
    for key, value in DEFAULTS[name].items():
        assert config[key] == value, key
    for key in STATE[name]:
        if key == "t":
            assert config["t"] == 1
        else:
            assert config[key].shape == w.shape, key
    if config_in is not None:
        assert config is config_in   # state lives in the caller's dict


@pytest.mark.parametrize("name", sorted(RULES))
def test_user_hyperparameters_are_kept(name):
    custom = {k: v * 0.5 for k, v in DEFAULTS[name].items()}
    _, config = RULES[name](np.ones(3), np.ones(3), dict(custom))
    for key, value in custom.items():
        assert config[key] == value


@pytest.mark.parametrize("name", sorted(RULES))
def test_inputs_not_modified_and_dtype_kept(name):
    w = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    dw = np.linspace(0.5, -0.5, 6, dtype=np.float32).reshape(2, 3)
    w0, dw0 = w.copy(), dw.copy()
    next_w, _ = RULES[name](w, dw, None)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(dw, dw0)
    assert next_w.dtype == np.float32


@pytest.mark.parametrize("name", sorted(RULES))
def test_state_carries_over_between_calls(name):
    rs = np.random.RandomState(0)
    w, grads = rs.randn(4), rs.randn(3, 4)
    config = None
    for g in grads:
        w, config = RULES[name](w, g, config)
    fresh_w, _ = RULES[name](w, grads[-1], {k: v for k, v in DEFAULTS[name].items()})
    continued_w, _ = RULES[name](w, grads[-1], config)
    if name == "sgd":
        np.testing.assert_array_equal(fresh_w, continued_w)   # sgd has no state
    else:
        assert not np.allclose(fresh_w, continued_w)


def test_adam_initial_t_setting(monkeypatch):
    w, dw = np.ones(3), np.full(3, 0.5)
    _, config = adam(w, dw)
    assert config["t"] == 1
    monkeypatch.setattr(optim, "ADAM_INITIAL_T", 1)   # CS231n spring 2017
    next_w, config = adam(w, dw)
    assert config["t"] == 2
    m, v = 0.1 * dw, 0.001 * dw ** 2
    expected = w - 1e-3 * (m / (1 - 0.9 ** 2)) / (np.sqrt(v / (1 - 0.999 ** 2)) + 1e-8)
    np.testing.assert_allclose(next_w, expected, rtol=1e-14)


# ---------------------------------------------------------------- formulas, step by step

def test_adagrad_accumulates_the_sum_of_squares():
    rs = np.random.RandomState(1)
    w, grads = rs.randn(5), rs.randn(10, 5)
    config = {"learning_rate": 0.1}
    for k, g in enumerate(grads):
        expected = w - 0.1 * g / (np.sqrt(np.sum(grads[:k + 1] ** 2, axis=0)) + 1e-8)
        w, config = adagrad(w, g, config)
        np.testing.assert_allclose(w, expected, rtol=1e-13)
    np.testing.assert_allclose(config["cache"], np.sum(grads ** 2, axis=0), rtol=1e-13)


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_epsilon_is_outside_the_sqrt(name):
    """With tiny gradients eps dominates: sqrt(c) + eps and sqrt(c + eps) differ ~100x.
    (CS231n's notebook values cannot tell them apart: there the cache is ~0.5.)"""
    g = 1e-6
    w, dw = np.zeros(3), np.full(3, g)
    next_w, config = RULES[name](w, dw, None)
    lr, eps = config["learning_rate"], config["epsilon"]
    root = {"adagrad": g, "rmsprop": np.sqrt(1 - config.get("decay_rate", 0)) * g,
            "adam": g}[name]   # sqrt of the (bias-corrected) second moment after one step
    np.testing.assert_allclose(next_w, -lr * g / (root + eps), rtol=1e-12)


@given(st.integers(1, 6).flatmap(lambda d: st.tuples(
    arrays(np.float64, (d,), elements=st.floats(0.5, 2)),
    arrays(np.float64, (d,), elements=st.floats(-3, 3)),
    arrays(np.float64, (d,), elements=st.floats(-1, 1)))),
    st.floats(0.0, 0.95), st.floats(1e-3, 0.2))
def test_nesterov_is_the_lookahead_method_in_phi_coordinates(problem, mu, lr):
    """Classic Nesterov: v = mu*v - lr*grad(theta + mu*v); theta += v.
    The reference stores phi = theta + mu*v and must follow phi exactly."""
    a, theta, v = problem
    grad = lambda x: a * x
    phi, config = theta + mu * v, {"learning_rate": lr, "momentum": mu, "velocity": v.copy()}
    for _ in range(25):
        v = mu * v - lr * grad(theta + mu * v)
        theta = theta + v
        phi, config = nesterov_momentum(phi, grad(phi), config)
        np.testing.assert_allclose(phi, theta + mu * v, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(config["velocity"], v, rtol=1e-9, atol=1e-12)


@given(st.floats(0.0, 0.99), st.floats(1e-4, 0.5))
def test_momentum_zero_is_sgd_and_nesterov_zero_is_sgd(mu_unused, lr):
    rs = np.random.RandomState(0)
    w, dw = rs.randn(3, 3), rs.randn(3, 3)
    expected, _ = sgd(w, dw, {"learning_rate": lr})
    for rule in (sgd_momentum, nesterov_momentum):
        got, _ = rule(w, dw, {"learning_rate": lr, "momentum": 0.0})
        np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)


# ---------------------------------------------------------------- against torch.optim

def torch_optimizer(name, params, config):
    """torch.optim equivalent of a CS231n rule. Conventions mapped:
    - SGD momentum: torch buf = mu*buf + g, w -= lr*buf; CS231n v = mu*v - lr*g, w += v,
      so with a constant lr, velocity == -lr * buf.
    - SGD nesterov=True: torch w -= lr*(g + mu*buf) is the lecture's phi-form update.
    - Adagrad: initial_accumulator_value=0, lr_decay=0, eps added outside the sqrt (same).
    - RMSprop: alpha = decay_rate, eps outside the sqrt, no momentum, not centered (same).
    - Adam: betas = (beta1, beta2), step counted from 1, bias-corrected (same).
    """
    c = config
    if name == "sgd":
        return torch.optim.SGD(params, lr=c["learning_rate"])
    if name in ("sgd_momentum", "nesterov_momentum"):
        return torch.optim.SGD(params, lr=c["learning_rate"], momentum=c["momentum"],
                               nesterov=name == "nesterov_momentum")
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=c["learning_rate"], eps=c["epsilon"],
                                   initial_accumulator_value=0.0, lr_decay=0.0)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=c["learning_rate"], alpha=c["decay_rate"],
                                   eps=c["epsilon"], momentum=0.0, centered=False)
    if name == "adam":
        return torch.optim.Adam(params, lr=c["learning_rate"],
                                betas=(c["beta1"], c["beta2"]), eps=c["epsilon"])
    raise KeyError(name)


TORCH_CONFIGS = {
    "sgd": {"learning_rate": 0.05},
    "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 0.05, "momentum": 0.9},
    "adagrad": {"learning_rate": 0.3, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 0.01, "decay_rate": 0.9, "epsilon": 1e-8},
    "adam": {"learning_rate": 0.02, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8},
}


def torch_state_as_cs231n(name, state, config):
    """The torch optimizer's state expressed in CS231n's config keys."""
    if name in ("sgd_momentum", "nesterov_momentum"):
        return {"velocity": -config["learning_rate"] * state["momentum_buffer"]}
    if name == "adagrad":
        return {"cache": state["sum"]}
    if name == "rmsprop":
        return {"cache": state["square_avg"]}
    if name == "adam":
        return {"m": state["exp_avg"], "v": state["exp_avg_sq"], "t": int(state["step"])}
    return {}


@pytest.mark.parametrize("name", sorted(RULES))
@given(st.integers(1, 5).flatmap(lambda d: st.tuples(
    arrays(np.float64, (d,), elements=st.floats(0.5, 2)),
    arrays(np.float64, (d,), elements=st.floats(-2, 2)),
    arrays(np.float64, (d,), elements=st.floats(-2, 2)))))
def test_trajectory_matches_torch_optim(name, problem):
    # f(w) = sum(0.5*a*w^2 + b*w - cos(w)): smooth, not quadratic, so states differ per step
    a, b, w = problem
    config = dict(TORCH_CONFIGS[name])
    p = torch.tensor(w, dtype=torch.float64, device=device(), requires_grad=True)
    at, bt = (torch.tensor(z, dtype=torch.float64, device=device()) for z in (a, b))
    opt = torch_optimizer(name, [p], config)
    for _ in range(20):
        w, config = RULES[name](w, a * w + b + np.sin(w), config)
        opt.zero_grad()
        (0.5 * at * p * p + bt * p - torch.cos(p)).sum().backward()
        opt.step()
        np.testing.assert_allclose(w, p.detach().cpu().numpy(), rtol=1e-10, atol=1e-12)
    for key, value in torch_state_as_cs231n(name, opt.state[p], config).items():
        value = value.detach().cpu().numpy() if torch.is_tensor(value) else value
        np.testing.assert_allclose(config[key], value, rtol=1e-10, atol=1e-12, err_msg=key)


# ---------------------------------------------------------------- convergence

CONVERGENCE = {   # (config, steps, floor): f(w_final) <= 1e-3 * f(w_0) + floor
    "sgd": ({"learning_rate": 0.3}, 100, 1e-6),
    "sgd_momentum": ({"learning_rate": 0.1, "momentum": 0.5}, 100, 1e-6),
    "nesterov_momentum": ({"learning_rate": 0.1, "momentum": 0.5}, 100, 1e-6),
    "adagrad": ({"learning_rate": 1.0}, 200, 1e-6),
    # RMSProp's first steps are ~lr/sqrt(1 - decay_rate) = 10*lr whatever the gradient's size,
    # and with a constant lr it keeps oscillating at that scale near the minimum.
    "rmsprop": ({"learning_rate": 0.01}, 600, 1e-2),
    "adam": ({"learning_rate": 0.02}, 600, 1e-6),
}


@pytest.mark.parametrize("name", sorted(RULES))
@given(st.integers(1, 6).flatmap(lambda d: st.tuples(
    arrays(np.float64, (d,), elements=st.floats(0.5, 2)),
    arrays(np.float64, (d,), elements=st.floats(-3, 3)))))
def test_converges_on_a_convex_quadratic(name, problem):
    a, w = problem
    f = lambda x: 0.5 * np.sum(a * x * x)
    config, steps, floor = CONVERGENCE[name]
    config, f0 = dict(config), f(w)
    for _ in range(steps):
        w, config = RULES[name](w, a * w, config)
    assert f(w) <= 1e-3 * f0 + floor


def rosenbrock(p):
    x, y = p
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


ROSENBROCK = {   # (config, (factor, floor)): after 2000 steps f <= factor * f0 + floor
    "sgd": ({"learning_rate": 1e-3}, (0.1, 0.2)),
    "sgd_momentum": ({"learning_rate": 2e-4, "momentum": 0.9}, (0.1, 0.2)),
    "nesterov_momentum": ({"learning_rate": 2e-4, "momentum": 0.9}, (0.1, 0.2)),
    # AdaGrad's steps shrink as the sum of squared gradients grows: it stalls in the valley
    # when it starts on the far side of the banana (the notebook's inline question).
    "adagrad": ({"learning_rate": 0.5}, (0.5, 0.5)),
    "rmsprop": ({"learning_rate": 5e-3}, (0.1, 0.2)),
    "adam": ({"learning_rate": 1e-2}, (0.1, 0.2)),
}


@pytest.mark.parametrize("name", sorted(RULES))
@given(st.tuples(st.floats(-2, 2), st.floats(-1, 3)))
def test_makes_progress_on_rosenbrock(name, start):
    w = np.array(start)
    (config, (factor, floor)), f0 = ROSENBROCK[name], rosenbrock(w)
    config = dict(config)
    for _ in range(2000):
        w, config = RULES[name](w, rosenbrock_grad(w), config)
    assert np.all(np.isfinite(w))
    assert rosenbrock(w) <= factor * f0 + floor


# ---------------------------------------------------------------- the student stubs

@pytest.mark.parametrize("name", sorted(RULES))
def test_stub_has_the_reference_signature_and_raises(name):
    import inspect

    import assignments.optimizers.optim as stub
    assert inspect.signature(getattr(stub, name)) == inspect.signature(RULES[name])
    assert stub.ADAM_INITIAL_T == optim.ADAM_INITIAL_T
    with pytest.raises(NotImplementedError):
        getattr(stub, name)(np.ones(3), np.ones(3), None)
