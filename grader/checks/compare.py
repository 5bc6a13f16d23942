"""compare: the student's outputs against the reference's on the same inputs."""
from dataclasses import dataclass

from ..spec import Check
from .cases import Cases, case_check_run
from .validate import Fail, check_items, describe


@dataclass
class Compare(Check):
    cases: Cases = None
    build: object = None          # (plan, inputs) -> a ref to the output (a tuple when several labels), or a
                                  # tuple of refs, one per label
    labels: tuple = ("output",)   # the output's name, or the names of the tuple's items
    tol: float = 1e-7
    hints: object = None          # inputs -> list of diagnosis rules (student, expected) -> str | None; or
                                  # (inputs, setting values in force) -> rules
    exact: bool = False
    examples: int = 0             # drawn examples (from cases.strategy) after the public cases
    figures: object = None        # (inputs, student, expected, label) -> figures for a failure (grader/figures.py)
    settings: object = None       # course settings for this check, overriding the course file: a dict such as
                                  # {"FLOPS_PER_MAC": 2}, or inputs -> dict (settings drawn with the case)
    tensors: bool = False         # outputs are torch tensors (compared as the arrays they cross the wire as)
    accept: object = None         # (ctx, inputs, student, expected) -> expected, on the lists of returned values:
                                  # the behaviours the exercise allows (ties, a subgradient), as the expected
                                  # answer nearest the student's
    kind: str = "compare"

    def run(self, ctx):
        def one(params):
            inputs = self.cases.make(params)
            settings = self.settings(inputs) if callable(self.settings) else self.settings
            first = None
            for alternative in ctx.alternatives(self.symbols, settings):   # a choice left to the student
                try:
                    return self.compare(ctx, inputs, alternative)
                except Fail as fail:
                    first = first or fail    # reported under the course's first choice
            raise first
        return case_check_run(self, ctx, one)

    def compare(self, ctx, inputs, settings):
        """One case under one settings alternative: raises Fail when the student's answer differs."""
        several = []

        def refs(plan):   # build returns one ref, or a tuple of refs (one per label)
            out = self.build(plan, inputs)
            several.append(isinstance(out, tuple))
            return list(out) if several[0] else [out]
        student, expected = ctx.both(refs, settings)
        rules = (self.hints(inputs, ctx.assignment.setting_values(ctx.course, **(settings or {})))
                 if _takes_settings(self.hints) else self.hints(inputs)) if self.hints else None
        if self.accept is not None:
            expected = self.accept(ctx, inputs, student, expected)
        if not several[0]:
            (student,), (expected,) = student, expected
            if len(self.labels) == 1:
                student, expected = [student], [expected]
            elif not isinstance(student, (tuple, list)) or len(student) != len(self.labels):
                raise Fail("should return %d values (%s), returned %s"
                           % (len(self.labels), ", ".join(self.labels), describe(student)
                              if not isinstance(student, (tuple, list)) else "%d" % len(student)),
                           "wrong return value", hint="return (%s)" % ", ".join(self.labels))
        def figures(fail, s, e, label):
            if self.figures is not None and fail.category == "wrong values":
                fail.figures = [f for f in self.figures(inputs, s, e, label) if f] or fail.figures
        check_items(list(zip(student, expected, self.labels)), self.tol, rules, self.exact, self.tensors,
                    on_fail=figures)


def _takes_settings(hints):
    """Whether a hints function takes (inputs, settings) rather than (inputs)."""
    import inspect
    try:
        return len(inspect.signature(hints).parameters) >= 2
    except (TypeError, ValueError):
        return False
