"""The first test of every assignment: the reference scores full marks, the stubs score zero."""
import pytest

from grader import spec
from helpers import REFERENCE, STUBS, outcomes

NAMES = [a.name for a in spec.assignments()]


@pytest.mark.parametrize("name", NAMES)
def test_reference_scores_full_marks(name):
    result, report = outcomes(REFERENCE, name)
    bad = {n: o.output for n, o in result.items() if o.status != "passed"}
    assert not bad, bad
    assert report.score == report.max_score > 0


@pytest.mark.parametrize("name", NAMES)
def test_stubs_score_zero_with_one_clear_line_each(name):
    result, report = outcomes(STUBS, name)
    assert report.score == 0
    for o in result.values():
        assert o.status == "failed", (o.check.name, o.status, o.output)
        assert "Traceback" not in o.output
        assert len(o.output.splitlines()) == 1, o.output
