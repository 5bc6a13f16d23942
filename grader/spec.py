"""What is graded: an assignment is data — its symbols, where the reference lives, and a list of checks.

Each suite in `grader/suites/<name>.py` defines `ASSIGNMENT = Assignment(...)`; `assignments()` finds them.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field

from .profiles import applies, choices
from .profiles import get as get_profile

VISIBLE, HIDDEN = "visible", "hidden"


@dataclass
class Check:
    """One graded test. Subclasses (grader/checks) implement `run(ctx)`: return a message or raise Fail."""
    name: str
    points: float
    symbols: tuple = ()            # the student symbols this check needs
    visibility: str = VISIBLE
    description: str = ""
    kind: str = "check"
    requires: tuple = ()           # names of checks that must pass first (static and speed checks of a stub
                                   # would otherwise pass on a function that does nothing)
    when: str | None = None        # graded only where this profile convention is true (grader/profiles.py),
                                   # e.g. "raises"; "not:name" for where it is false
    rests_on: tuple | None = None  # value checks whose degenerate failure means this one is not graded; None:
                                   # derived (grader/checks/grounds.py)

    def run(self, ctx):
        raise NotImplementedError


@dataclass(frozen=True)
class Setting:
    """A course setting of one assignment: a module constant that the course file may change.

    Its value is, from weakest to strongest: `default`; the course profile's `convention` (grader/profiles.py);
    the course file's top-level shorthand `course_key` (`reg_scale = 0.5`); its `[settings.<assignment>]` table
    (`BOTTLENECK_VERSION = "v1"`). A list or tuple there (or in the profile) is a choice left to the student:
    checks accept any of its values (Context.alternatives). Every call plan then sets it, before its first
    step, on the student's copy (in the worker) and on the reference's (restored after the plan). `targets` are
    (symbol, CONSTANT, mapping): the constant lives in the module that defines `symbol`; `mapping` (course
    value -> constant value) or None for the value itself. A check may override settings for one plan:
    `ctx.plan(FLOPS_PER_MAC=2)`.
    """
    name: str
    default: object
    allowed: tuple
    targets: tuple
    description: str = ""
    convention: str | None = None  # the profile convention that gives its value (grader/profiles.py)
    course_key: str | None = None  # a top-level course-file key that sets it (reg_scale, dropout_p)
    always: bool = False           # set in every plan of the assignment, not only where a step calls into the
                                   # target's module (its constant is read through imports: expectation.py
                                   # calls dropout.py's keep_probability)


@dataclass(frozen=True)
class StandIn:
    """The student's own code standing in for provided code that cannot run in the worker.

    CS231n's provided fast_layers.py needs a compiled Cython extension (im2col_cython) that no hand-in contains
    (only .py files are read), so its conv_backward_fast fails with a NameError. Where a submission's module
    named `provider` uses one of `needs` and no module of that name is in the submission, every module that
    imports from `provider` (and `provider` itself) gets each name of `names` rebound, in the worker only,
    to the student's symbol it maps to (found like any symbol, preferring `hints`): the student's own naive
    layers, which compute the same values. The report's notes say so.
    """
    provider: str                  # module name, e.g. "fast_layers"
    names: dict                    # name in the provider -> the student's symbol standing in for it
    needs: tuple                   # names the provider needs and the submission cannot have (Cython functions)
    hints: tuple = ()              # modules the stand-in symbols are expected in


@dataclass
class Assignment:
    name: str
    title: str
    symbols: dict                  # symbol -> module names it is expected in (hints), e.g. ("linear_svm",)
    checks: list
    reference_modules: tuple = ()  # modules of reference/<name>/ that hold the symbols
    needs_torch: bool = False
    description: str = ""
    memory_mb: int | None = None   # RLIMIT_AS for this assignment's worker (torch needs more)
    answers: bool = False          # graded from the student's answers file (answers.toml/.json), not code
    call_timeout: float | None = None  # at least this many seconds per plan (e.g. importing torch: ~1.5 s)
    budget: float | None = None    # at least this many seconds of student code in all
    course_settings: tuple = ()    # Setting(...)s: module constants the course file may set
    preload: tuple = ()            # libraries both sides need (torch): the worker imports them as it starts,
                                   # the parent meanwhile, so the two imports overlap instead of adding up
    provided: dict = field(default_factory=dict)   # a PROVIDED helper file of the stubs -> the assignments whose
                                   # graded functions it implements: a kit that also holds one of them ships
                                   # the file as stubs to fill with the student's own (studentkit/release.py)
    cs231n: dict | None = None     # symbol -> the CS231n years it exists in (an int: from that year on; (first,
                                   # last)); symbols not listed are this course's own, graded only under the
                                   # "dlgrader" profile. None: the assignment has no CS231n counterpart.
    stand_ins: tuple = ()          # StandIn(...)s: provided code the student's own replaces in the worker

    def setting_choices(self, course, **overrides):
        """{setting name: tuple of accepted values} (one value, or a choice left to the student): the default,
        the profile's convention, the course file's shorthand key, its [settings.<name>], then `overrides`."""
        declared = {s.name: s for s in self.course_settings}
        chosen = dict(getattr(course, "settings", {}).get(self.name, {}), **overrides)
        for key in chosen:
            if key not in declared:
                raise ValueError("%s has no course setting %r (it has: %s)"
                                 % (self.name, key, ", ".join(sorted(declared)) or "none"))
        profile = course_profile(course)
        out = {}
        for name, s in declared.items():
            value = s.default
            if s.convention and s.convention in profile.conventions:
                value = profile[s.convention]
            if s.course_key and getattr(course, s.course_key, None) is not None:
                value = getattr(course, s.course_key)
            value = chosen.get(name, value)
            values = tuple(float(v) if type(v) is int and type(s.default) is float else v for v in choices(value))
            for v in values:
                if v not in s.allowed or type(v) is not type(s.default):
                    raise ValueError("%s.%s must be one of %s (or a list of them), not %r"
                                     % (self.name, name, ", ".join(map(repr, s.allowed)), v))
            out[name] = values
        return out

    def setting_values(self, course, **overrides):
        """{setting name: value}: the first accepted value of each setting (see setting_choices)."""
        return {k: v[0] for k, v in self.setting_choices(course, **overrides).items()}

    def constants(self, course, **overrides):
        """[(symbol, CONSTANT, value)] for call plans (see Setting)."""
        values = self.setting_values(course, **overrides)
        return [(symbol, const, mapping[values[s.name]] if mapping else values[s.name])
                for s in self.course_settings for symbol, const, mapping in s.targets]

    @property
    def max_score(self):
        return sum(c.points for c in self.checks)

    def graded(self, course):
        """This assignment with only the checks the course's profile grades: a check is dropped when one of
        its symbols is not in the profile's CS231n starter code (see `cs231n`) or its `when` convention is
        false. Requirements on dropped checks are dropped too. The max score is then what is graded."""
        import dataclasses
        profile = course_profile(course)

        def kept(check):
            if not applies(profile, check.when):
                return False
            if self.cs231n is None:
                return True
            return all(profile.has(self.cs231n.get(s.split(".")[0])) for s in check.symbols)
        checks = [c for c in self.checks if kept(c)]
        names = {c.name for c in checks}
        checks = [dataclasses.replace(c, requires=tuple(r for r in c.requires if r in names))
                  if any(r not in names for r in c.requires) else c for c in checks]
        return dataclasses.replace(self, checks=checks)

    def subset(self, names):
        """This assignment with only the named checks and, transitively, the checks they require (in order)."""
        import dataclasses
        wanted, todo = set(), [n for n in names if any(c.name == n for c in self.checks)]
        while todo:
            name = todo.pop()
            if name not in wanted:
                wanted.add(name)
                from .checks.grounds import rests_on
                todo += list(self.check(name).requires) + list(rests_on(self, self.check(name)))
        return dataclasses.replace(self, checks=[c for c in self.checks if c.name in wanted])

    def check(self, name):
        return next(c for c in self.checks if c.name == name)

    def reference(self, course):
        """{symbol: reference object}. Course settings are module constants every plan sets (Setting)."""
        modules = [importlib.import_module("reference.%s.%s" % (self.name, m)) for m in self.reference_modules]
        table = {}
        for symbol in self.symbols:
            for mod in modules:
                if hasattr(mod, symbol):
                    table[symbol] = getattr(mod, symbol)
                    break
            else:
                raise LookupError("reference for %s.%s not found" % (self.name, symbol))
        return table


def course_profile(course):
    """The course's Profile (a course without one: the course's own conventions)."""
    return get_profile(getattr(course, "profile", None) or "dlgrader")


def assignments(names=None):
    """All assignments, in course order; with `names`, only the suites of those are imported (a suite's module
    is named after its assignment), which keeps `dlgrader grade -a NAME` from loading the whole course."""
    from . import suites
    found = []
    for info in pkgutil.iter_modules(suites.__path__):
        if names is not None and info.name not in names:
            continue
        try:
            module = importlib.import_module("grader.suites." + info.name)
        except ImportError as exc:   # in the student bundle, a suite that needs the reference to load is left out
            from . import studentkit as bundle
            if bundle.active() and (exc.name or "").startswith("reference"):
                continue
            raise
        if hasattr(module, "ASSIGNMENT"):
            found.append(module.ASSIGNMENT)
    order = ["knn", "linear_classifiers", "linear_training", "neural_net", "norms", "backprop", "activations",
             "image_kernels", "conv_pool", "dilation", "conv_variants", "dropout", "normalization", "optimizers",
             "schedules", "two_layer_net", "models", "inception", "densenet", "resnet", "architectures", "analytic"]
    from . import studentkit
    if studentkit.active():          # a kit released for some assignments grades those only
        found = [a for a in found if a.name in studentkit.manifest()["assignments"]]
    return sorted(found, key=lambda a: (order.index(a.name) if a.name in order else len(order), a.name))


def get(name):
    for a in assignments([name]) or assignments():
        if a.name == name:
            return a
    raise KeyError(name)


@dataclass
class Outcome:
    check: Check
    assignment: str
    score: float
    status: str                    # passed | failed | error
    output: str
    seconds: float = 0.0
    category: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def max_score(self):
        return self.check.points
