"""speed: the student's vectorized version against the student's own naive one, timed in the same worker.

Inputs are stored in the worker first, so each timed round trip carries no data; times are wall-clock,
measured by the parent (the student's process cannot forge them), best of `repeats` for the fast version.
"""
from dataclasses import dataclass

from ..spec import Check
from .validate import Fail


@dataclass
class Speed(Check):
    make: object = None           # rng -> inputs dict
    setup: object = None          # (plan, inputs) -> None: store what the timed calls need (named lets)
    slow: object = None           # plan -> None: the naive call
    fast: object = None           # plan -> None: the vectorized call
    min_ratio: float = 10.0
    repeats: int = 3
    kind: str = "speed"

    def run(self, ctx):
        ctx.require(self.symbols)
        plan = ctx.plan()
        self.setup(plan, self.make(ctx.rng(self.name)))
        ctx.run_student(plan)
        times = {}
        for label, build, n in (("naive", self.slow, 1), ("vectorized", self.fast, self.repeats)):
            best = None
            for _ in range(n):
                plan = ctx.plan()
                build(plan)
                reply = ctx.student.run(plan)
                if not reply.ok:
                    raise Fail("could not time the %s version: %s" % (label, reply.explain().splitlines()[0]),
                               "could not be timed", abort=True)
                best = reply.elapsed if best is None else min(best, reply.elapsed)
            times[label] = best
        ratio = times["naive"] / max(times["vectorized"], 1e-6)
        line = "vectorized %.1f ms, naive %.1f ms: %.0f× faster" % (
            1e3 * times["vectorized"], 1e3 * times["naive"], ratio)
        if ratio < self.min_ratio:
            raise Fail("%s; needs at least %.0f×" % (line, self.min_ratio), "too slow",
                       hint="replace Python loops by array operations (broadcasting, matrix products)")
        return line
