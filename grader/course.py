"""Course settings: the secret behind hidden inputs, the CS231n year conventions, and the limits.

Read from a TOML file (`--course FILE` or $DLGRADER_COURSE); every key is optional:

    secret = "change-me"            # seeds hidden inputs; keep it out of the student bundle
    profile = "cs231n-2017"          # the conventions of one CS231n year (grader/profiles.py); default "dlgrader"
    reg_scale = 1.0                  # shorthand: both losses' reg_scale * reg * ||W||^2 (default: the profile's)
    dropout_p = "keep"               # shorthand: [settings.dropout] DROPOUT_P, "keep" or "drop" (the profile's)
    variants = false                 # written answers: each student's own parameters (needs a student id)
    [settings.resnet]                # per-assignment module constants (`dlgrader list` shows each assignment's)
    BOTTLENECK_VERSION = "v1"        # e.g. the paper's stride placement instead of torchvision's
    [settings.inception]
    FLOPS_PER_MAC = 2
    [limits]
    call_timeout = 10.0              # seconds for one call plan
    budget = 60.0                    # seconds of student code per submission and assignment
    memory_mb = 4096
"""
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field

from .sandbox.client import Limits

DEFAULT_SECRET = "dlgrader-default-secret"
ALLOW_ENV = "DLGRADER_ALLOW_DEFAULT_SECRET"   # =1: the same as --allow-default-secret (CI, the project's tests)


class DefaultSecretError(ValueError):
    """Hidden checks would run with the public default secret (the message says what to do)."""


def allow_default_secret(flag=None):
    """Whether hidden checks may run with the default secret: the flag when given, else the environment."""
    if flag is not None:
        return bool(flag)
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes")


def refuse_default_secret(course, allowed=None):
    """Raise DefaultSecretError when `course` has the default secret and that is not allowed: the secret is in
    the grader's public source, so anyone can recompute every hidden input from it."""
    if course.secret == DEFAULT_SECRET and not allow_default_secret(allowed):
        raise DefaultSecretError(
            "hidden checks need a course secret: without one they use dlgrader's default secret, which is public, "
            "so anyone with the source can recompute every hidden input. Give --course FILE (or $DLGRADER_COURSE) "
            "with `secret = \"...\"`, or --allow-default-secret to grade anyway (recorded in the results as "
            "default_secret: true)")


@dataclass
class Course:
    secret: str = DEFAULT_SECRET
    profile: str = "dlgrader"          # grader/profiles.py: "dlgrader" or "cs231n-<year>"
    reg_scale: float | None = None     # shorthand for the reg_scale settings of linear_classifiers (None: profile's)
    dropout_p: str | None = None       # shorthand for [settings.dropout] DROPOUT_P (None: the profile's)
    examples: int = 12                 # hypothesis examples per hidden property check
    variants: bool = False             # analytic answers graded against each student's variant
    limits: Limits = field(default_factory=Limits)
    settings: dict = field(default_factory=dict)   # assignment -> {SETTING: value} (spec.Setting)

    @classmethod
    def load(cls, path=None):
        path = path or os.environ.get("DLGRADER_COURSE")
        if not path:
            from . import studentkit as bundle
            return bundle.course() if bundle.active() else cls()   # the bundle's public settings, no secret
        try:
            return cls._load(path)
        except OSError as exc:
            raise ValueError("%s: %s" % (path, exc.strerror or exc)) from None
        except (ValueError, TypeError) as exc:     # tomllib.TOMLDecodeError is a ValueError
            raise ValueError("%s: %s" % (path, exc)) from None

    @classmethod
    def _load(cls, path):
        import tomllib   # here, not at the top: only a course file needs it
        with open(path, "rb") as f:
            data = tomllib.load(f)
        limits = data.pop("limits", {})
        if not isinstance(limits, dict):
            raise ValueError("[limits] must be a table")
        unknown_limits = set(limits) - set(Limits.__dataclass_fields__)
        if unknown_limits:
            raise ValueError("unknown [limits] setting(s): %s (known: %s)" % (
                ", ".join(sorted(unknown_limits)), ", ".join(Limits.__dataclass_fields__)))
        limits = Limits(**limits)
        unknown = set(data) - {"secret", "profile", "reg_scale", "dropout_p", "examples", "variants", "settings"}
        if unknown:
            raise ValueError("unknown course settings: %s" % ", ".join(sorted(unknown)))
        course = cls(limits=limits, **data)
        if not isinstance(course.variants, bool):
            raise ValueError("variants must be true or false")
        course.check_settings()
        return course

    @property
    def conventions(self):
        """The course's Profile (grader/profiles.py)."""
        from .profiles import get
        return get(self.profile)

    def check_settings(self):
        """The profile must exist; every [settings.<assignment>] key must be a declared Setting of that
        assignment, and every value (shorthands such as reg_scale included) an allowed one."""
        from . import spec
        self.conventions   # raises ValueError for an unknown profile
        for key in ("reg_scale", "dropout_p"):   # shorthands: checked by the settings that read them
            if getattr(self, key) is not None:
                for a in spec.assignments():
                    if any(s.course_key == key for s in a.course_settings):
                        a.setting_values(self)
        for name, values in self.settings.items():
            try:
                assignment = spec.get(name)
            except KeyError:
                raise ValueError("[settings.%s]: no such assignment" % name) from None
            if not isinstance(values, dict):
                raise ValueError("[settings.%s] must be a table" % name)
            assignment.setting_values(self)

    def seed(self, *names):
        """A deterministic 32-bit seed for a check, from the secret and the check's names."""
        digest = hashlib.sha256("\0".join((self.secret,) + names).encode()).digest()
        return int.from_bytes(digest[:4], "big")

    def config_hash(self):
        """Identifies the settings (not the secret itself) in every result."""
        data = asdict(self)
        data["secret"] = hashlib.sha256(self.secret.encode()).hexdigest()[:12]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
