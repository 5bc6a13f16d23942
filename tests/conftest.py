"""Shared test configuration: hypothesis profiles, and the default secret.

`ci` (default) is fast and derandomized so CI is reproducible; `nightly` explores more.
Select with HYPOTHESIS_PROFILE=nightly.

The tests grade with `Course()` (the public default secret) on purpose: they check grading, not secrecy.
Hidden checks refuse that secret unless told, so the tests tell them, the one way a TA would in CI
(`DLGRADER_ALLOW_DEFAULT_SECRET=1`, which also reaches the `dlgrader` commands the tests run). The refusal
itself is tested with the variable removed (tests/test_security.py).
"""
import os

from hypothesis import HealthCheck, settings

os.environ.setdefault("DLGRADER_ALLOW_DEFAULT_SECRET", "1")

settings.register_profile(
    "ci", max_examples=15, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "nightly", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
