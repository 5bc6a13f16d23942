"""Unit tests of the plan and setting extensions: library calls, uncalled symbols, methods on items, module
constants set from course settings (restored on the reference side), tensors on the wire and in validation."""
import sys
import types

import numpy as np
import pytest
import torch

from grader import spec
from grader.checks.validate import Fail, check_value
from grader.course import Course
from grader.run import assignment_limits
from grader.sandbox import worker as wire
from grader.sandbox.client import Limits
from grader.sandbox.plan import LocalRunner, Plan
from helpers import STUBS
from partial import graded


@pytest.fixture
def module():
    """A module `fake_mod` with a constant SCALE and a function reading it when it runs."""
    mod = types.ModuleType("fake_mod")
    exec("SCALE = 1\n\ndef scaled(x):\n    return SCALE * x\n\ndef apply(f, x):\n    return f(x)\n", mod.__dict__)
    sys.modules["fake_mod"] = mod
    yield mod
    del sys.modules["fake_mod"]


def runner(mod):
    return LocalRunner(lambda name: getattr(mod, name))


def test_library_calls_are_whitelisted():
    plan = Plan()
    with pytest.raises(ValueError):
        plan.library("os.system", "true")
    with pytest.raises(LookupError):
        wire.library("os.system")
    assert wire.library("torch.from_numpy") is torch.from_numpy


def test_library_call_and_uncalled_symbol(module):
    plan = Plan(symbols={"apply": "fake_mod", "scaled": "fake_mod"})
    t = plan.library("torch.from_numpy", np.arange(3.0))
    plan.returns(t, plan.call("apply", plan.symbol("scaled"), 5))
    tensor, value = runner(module).run(plan).values
    assert isinstance(tensor, wire.TensorValue) and np.array_equal(tensor.array, np.arange(3.0))
    assert value == 5


def test_constants_are_set_for_the_plan_and_restored(module):
    plan = Plan(symbols={"scaled": "fake_mod"}, constants=[("scaled", "SCALE", 3), ("scaled", "NEW", 1)])
    plan.returns(plan.call("scaled", 2))
    assert runner(module).run(plan).values == [6]
    assert module.SCALE == 1 and not hasattr(module, "NEW")


def test_constants_only_for_the_modules_a_plan_uses():
    plan = Plan(symbols={"f": "m1", "g": "m2"}, constants=[("f", "A", 1), ("g", "B", 2), ("h", "C", 3)])
    plan.call("f")
    assert [(s["of"], s["setconst"]) for s in plan.constant_steps()] == [("f", "A")]
    steps = plan.encode([])
    assert steps[0]["setconst"] == "A" and steps[0]["module"] == "m1" and steps[1]["call"] == "f"


def test_method_on_an_item_of_a_stored_value(module):
    plan = Plan()
    pair = plan.let(("ab", "cd"))
    plan.returns(plan.method(pair[1], "upper"))
    assert runner(module).run(plan).values == ["CD"]


def test_zero_dimensional_tensors_stay_zero_dimensional():
    out = []
    back = wire.decode(wire.encode(torch.tensor(2.5), out), out)
    assert isinstance(back, wire.TensorValue) and back.array.shape == () and back.array == 2.5


def test_tensors_are_compared_only_where_asked():
    a = wire.TensorValue(np.ones(3))
    assert check_value(a, wire.TensorValue(np.ones(3)), "out", 1e-9, tensors=True) == 0
    with pytest.raises(Fail, match="should be a torch tensor"):
        check_value(np.ones(3), wire.TensorValue(np.ones(3)), "out", 1e-9, tensors=True)
    with pytest.raises(Fail, match="torch tensor"):
        check_value(a, np.ones(3), "out", 1e-9)
    with pytest.raises(Fail, match="wrong|differs"):
        check_value(wire.TensorValue(np.zeros(3)), wire.TensorValue(np.ones(3)), "out", 1e-9, tensors=True)


@pytest.mark.parametrize("student", [np.array(["block1"]), 3, None, ["block1"]])
def test_strings_compare_without_array_truthiness(student):
    with pytest.raises(Fail):
        check_value(student, "block1", "stage", 0)


def test_course_file_settings(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[settings.resnet]\nBOTTLENECK_VERSION = "v1"\n[settings.inception]\nFLOPS_PER_MAC = 2\n')
    course = Course.load(str(path))
    resnet = spec.get("resnet")
    assert resnet.setting_values(course)["BOTTLENECK_VERSION"] == "v1"
    constants = dict(((s, c), v) for s, c, v in resnet.constants(course))
    assert constants[("Bottleneck", "STRIDE_ON_3X3")] is False
    assert constants[("resnet_layer_table", "BOTTLENECK_VERSION")] == "v1"
    assert dict(((s, c), v) for s, c, v in resnet.constants(course, BOTTLENECK_VERSION="v1.5"))[
        ("Bottleneck", "STRIDE_ON_3X3")] is True
    for bad in ('[settings.nope]\nX = 1\n', '[settings.inception]\nFLOPS_PER_MAC = 2.0\n',
                '[settings.densenet]\nCOUNT_BN_MOVING_STATS = 1\n', '[settings.resnet]\nSHORTCUT = "D"\n'):
        path.write_text(bad)
        with pytest.raises(ValueError):
            Course.load(str(path))


def test_assignment_limits_only_raise():
    limits = Limits(call_timeout=10.0, budget=60.0, memory_mb=8192)
    raised = assignment_limits(spec.get("resnet"), limits)
    assert raised.call_timeout == 30.0 and raised.budget == 120.0 and raised.memory_mb == 8192
    assert assignment_limits(spec.get("knn"), limits) == limits


def test_errors_name_the_failing_call_despite_setting_steps():
    out = graded(STUBS + "/densenet", "densenet", ("densenet_params.densenet121",))["densenet_params.densenet121"]
    assert "`densenet_params` is not implemented" in out.output
