"""Shared test configuration: hypothesis profiles.

`ci` (default) is fast and derandomized so CI is reproducible; `nightly` explores more.
Select with HYPOTHESIS_PROFILE=nightly.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=15, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "nightly", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
