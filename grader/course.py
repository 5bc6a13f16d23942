"""Course settings: the secret behind hidden inputs, the CS231n year conventions, and the limits.

Read from a TOML file (`--course FILE` or $DLGRADER_COURSE); every key is optional:

    secret = "change-me"            # seeds hidden inputs; keep it out of the student bundle
    reg_scale = 1.0                  # loss regularization: reg_scale * reg * ||W||^2 (0.5 = CS231n 2016)
    dropout_p = "keep"               # "keep" (CS231n 2018+) or "drop" (2016-17)
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


@dataclass
class Course:
    secret: str = DEFAULT_SECRET
    reg_scale: float = 1.0
    dropout_p: str = "keep"
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
        import tomllib   # here, not at the top: the student kit also runs on Python 3.10 (no course file there)
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
        unknown = set(data) - {"secret", "reg_scale", "dropout_p", "examples", "variants", "settings"}
        if unknown:
            raise ValueError("unknown course settings: %s" % ", ".join(sorted(unknown)))
        course = cls(limits=limits, **data)
        if course.reg_scale not in (1.0, 0.5):
            raise ValueError("reg_scale must be 1.0 or 0.5")
        if course.dropout_p not in ("keep", "drop"):
            raise ValueError("dropout_p must be 'keep' or 'drop'")
        if not isinstance(course.variants, bool):
            raise ValueError("variants must be true or false")
        course.check_settings()
        return course

    def check_settings(self):
        """Every [settings.<assignment>] key must be a declared Setting of that assignment, with an allowed value."""
        from . import spec
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
