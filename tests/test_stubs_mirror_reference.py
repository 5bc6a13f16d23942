"""Every stub module has the reference's public API: the same functions, classes, methods, signatures and
course-setting constants — so that `dlgrader grade reference/` and `dlgrader grade assignments/` ask the
same questions. Stub bodies that differ from the reference must raise NotImplementedError (checked by
grading the stubs to zero in test_engine_reference_and_stubs.py)."""
import importlib
import inspect
import os

import pytest

from helpers import REFERENCE, STUBS

PAIRS = sorted(
    (name, module[:-3])
    for name in os.listdir(STUBS) if os.path.isdir(os.path.join(STUBS, name)) and not name.startswith("_")
    for module in os.listdir(os.path.join(STUBS, name)) if module.endswith(".py") and module != "__init__.py")


def shape(obj):
    """A function's signature, a class's methods and their signatures."""
    if inspect.isfunction(obj):
        return str(inspect.signature(obj))
    return {m: str(inspect.signature(f)) for m, f in vars(obj).items()
            if inspect.isfunction(f) and (not m.startswith("_") or m == "__init__")}


def api(module):
    out = {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
            out[name] = shape(obj)
        elif name.isupper() and isinstance(obj, (bool, int, float, str)):
            out[name] = "constant"
    return out


def reexported(ref, stub_api):
    """What the reference imports from another assignment where the stub has it to fill in (the models
    reference re-uses the conv_pool, dropout and normalization layers; its stub has them pasted)."""
    out = {}
    for name in stub_api:
        obj = getattr(ref, name, None)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("reference.") \
                and obj.__module__.split(".")[1] != ref.__name__.split(".")[1]:
            out[name] = shape(obj)
    return out


@pytest.mark.parametrize("assignment,module", PAIRS, ids=["%s.%s" % p for p in PAIRS])
def test_stub_module_mirrors_the_reference(assignment, module):
    assert os.path.exists(os.path.join(REFERENCE, assignment, module + ".py"))
    stub = importlib.import_module("assignments.%s.%s" % (assignment, module))
    ref = importlib.import_module("reference.%s.%s" % (assignment, module))
    assert api(stub) == dict(api(ref), **reexported(ref, api(stub)))



HANDED_OUT_AS_IS = [("architectures", "specs")]   # stub files the students receive complete (the networks as data)


@pytest.mark.parametrize("name,module", HANDED_OUT_AS_IS)
def test_a_file_the_stubs_hand_out_complete_is_the_references_byte_for_byte(name, module):
    """The reference grades with the same file the students are given, so the two never say different things
    (each assignment folder needs its own copy: a loose-file submission is graded with what lies beside it)."""
    stub, ref = (os.path.join(top, name, module + ".py") for top in (STUBS, REFERENCE))
    with open(stub, "rb") as a, open(ref, "rb") as b:
        assert a.read() == b.read(), "%s/%s.py differs between assignments/ and reference/" % (name, module)
