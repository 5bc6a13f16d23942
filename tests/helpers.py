"""Grading helpers for the project's tests."""
import os
import shutil

from grader.course import Course
from grader.run import grade
from grader.sandbox.client import Limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "reference")
STUBS = os.path.join(ROOT, "assignments")

FAST_LIMITS = Limits(call_timeout=2.0, budget=6.0, start_timeout=20.0)


def outcomes(path, assignment, course=None, isolation=None):
    """{check name: Outcome} for one assignment (at the strongest isolation here unless told)."""
    report = grade(path, [assignment], course or Course(), isolation=isolation)
    return {o.check.name: o for o in report.outcomes}, report


def mutant(tmp_path, assignment, file, old, new):
    """A copy of the reference of `assignment` with one textual change (which must apply)."""
    dest = tmp_path / assignment
    shutil.copytree(os.path.join(REFERENCE, assignment), dest)
    target = dest / file
    source = target.read_text()
    assert source.count(old) >= 1, "mutant does not apply: %r not in %s" % (old, file)
    target.write_text(source.replace(old, new))
    return str(dest)


def failed(result):
    return sorted(name for name, o in result.items() if o.status != "passed")


def device():
    """The torch device oracles run on: CUDA when this machine has it, else the CPU."""
    import torch
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def rel_error(x, y):
    """CS231n's relative error (the grader's own implementation)."""
    from grader.checks.validate import rel_error as cs231n_rel_error
    return cs231n_rel_error(x, y)


def mutant_edits(tmp_path, assignment, file, edits):
    """A copy of the reference of `assignment` with every (old, new) edit of `edits` applied to `file`."""
    (old, new), rest = edits[0], edits[1:]
    path = mutant(tmp_path, assignment, file, old, new)
    target = tmp_path / assignment / file
    source = target.read_text()
    for old, new in rest:
        assert old in source, "mutant does not apply: %r not in %s" % (old, file)
        source = source.replace(old, new)
    target.write_text(source)
    return path


def assert_caught(result, check, still=(), says="", report=None):
    """The mutant fails `check` (whose output mentions `says`), costs points, and still passes `still`."""
    assert result[check].status == "failed", (check, failed(result))
    assert says in result[check].output, result[check].output
    if report is not None:
        assert report.score < report.max_score
    for other in still:
        assert result[other].status == "passed", (other, result[other].output)


def mutant_tree(tmp_path, assignment, file, edits, uses=()):
    """reference/<assignment> with every (old, new) edit applied to `file`, beside the references in `uses` that it
    imports (the models reference imports conv_pool's layers, ...): grade the returned folder."""
    for name in tuple(uses) + (assignment,):
        shutil.copytree(os.path.join(REFERENCE, name), tmp_path / name)
    target = tmp_path / assignment / file
    source = target.read_text()
    for old, new in edits:
        assert old in source, "mutant does not apply: %r not in %s" % (old, file)
        source = source.replace(old, new)
    target.write_text(source)
    return str(tmp_path)


def _inlined(source):
    """A reference module with its imports of other assignments' references (`try: from reference.conv_pool.layers
    import ... except ImportError: ...`, as the models reference has) replaced by those modules' code."""
    import ast
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in reversed(tree.body):
        if isinstance(node, ast.Try) and any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("reference.")
                                             for n in node.body):
            code = []
            for n in node.body:
                with open(os.path.join(ROOT, *n.module.split(".")) + ".py", encoding="utf-8") as f:
                    code.append(_inlined(f.read()))
            lines[node.lineno - 1:node.end_lineno] = "\n\n".join(code).splitlines()
    return "\n".join(lines) + "\n"


def standalone_reference(dest, name):
    """reference/<name> written to `dest` as a student's folder stands alone: the layers it imports from other
    assignments' references pasted in (as the stubs ask students to paste theirs)."""
    shutil.copytree(os.path.join(REFERENCE, name), dest, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for module in os.listdir(dest):
        if module.endswith(".py"):
            with open(os.path.join(dest, module), encoding="utf-8") as f:
                text = _inlined(f.read())
            with open(os.path.join(dest, module), "w", encoding="utf-8") as f:
                f.write(text)
    return str(dest)


# ---------------------------------------------------------------- computations a bounded evaluation must stop

def forever():
    """Never ends (a CPU-time limit stops it)."""
    while True:
        pass


def hog():
    """Allocates 64 GiB a MiB at a time (a memory limit stops it)."""
    return len([bytearray(1 << 20) for _ in range(1 << 16)])
