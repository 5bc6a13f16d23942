"""property: an invariant of the student's code alone, checked on cases drawn by hypothesis."""
from dataclasses import dataclass

from ..spec import Check
from .cases import Cases, case_check_run


@dataclass
class Property(Check):
    cases: Cases = None
    body: object = None           # (ctx, inputs) -> None, raises Fail
    examples: int = 10
    kind: str = "property"

    def run(self, ctx):
        return case_check_run(self, ctx, lambda params: self.body(ctx, self.cases.make(params)))
