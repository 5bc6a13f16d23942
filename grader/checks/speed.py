"""speed: the student's vectorized version against the student's own naive one, timed in the same worker.

Inputs are stored in the worker first, so each timed round trip carries no data; times are wall-clock,
measured by the parent (the student's process cannot forge them). A round trip costs about a millisecond of
its own, as much as a vectorized loss takes, so the fast version is timed like `timeit`'s autorange: as many
calls in one plan as fill `target` seconds, the time divided among them. A machine busy with other work only
slows calls down, never speeds them up, so each version's best time counts, and a ratio below the bar is
measured again (up to `rounds` times) before it is failed.
"""
import math
from dataclasses import dataclass

from ..spec import Check
from .validate import Fail


@dataclass
class Speed(Check):
    make: object = None           # rng -> inputs dict
    setup: object = None          # (plan, inputs) -> None: store what the timed calls need (named lets)
    slow: object = None           # plan -> None: the naive call
    fast: object = None           # plan -> None: the vectorized call
    floor: object = None          # plan -> None: the least work any loop over the examples must do (e.g. one
                                  # np.dot per example). Given, it is the baseline instead of the naive version:
                                  # a correct vectorized version passes however vectorized the naive one is, and
                                  # one that hides a loop over the examples (map, apply_along_axis) fails
    min_ratio: float = 10.0
    repeats: int = 3              # timed plans per version per round; the best counts
    rounds: int = 3               # rounds of measurement before a ratio below min_ratio is failed
    target: float = 0.02          # seconds one timed plan of the fast version should last
    kind: str = "speed"

    def run(self, ctx):
        ctx.require(self.symbols)
        plan = ctx.plan()
        self.setup(plan, self.make(ctx.rng(self.name)))
        ctx.run_student(plan)
        baseline = "one loop over the examples" if self.floor is not None else "naive"
        calls = {baseline: 1, "vectorized": self.calls_per_plan(ctx)}
        versions = [(baseline, self.floor or self.slow), ("vectorized", self.fast)]
        best = {}
        for _ in range(self.rounds):
            for label, build in versions:
                for _ in range(self.repeats if label == "vectorized" else 1):
                    t = self.timed(ctx, label, build, calls[label])
                    best[label] = min(best.get(label, t), t)
            ratio = best[baseline] / max(best["vectorized"], 1e-7)
            if ratio >= self.min_ratio:
                break
        line = ("vectorized %.2f ms, naive %.1f ms: %.1f× faster" if self.floor is None else
                "vectorized %.2f ms, one loop over the examples %.1f ms: %.1f× faster") % (
            1e3 * best["vectorized"], 1e3 * best[baseline], ratio)
        if ratio < self.min_ratio:
            raise Fail("%s; needs at least %g× (best of %d measurements)" % (line, self.min_ratio, self.rounds),
                       "too slow", hint="replace Python loops by array operations (broadcasting, matrix products)")
        return line

    def calls_per_plan(self, ctx):
        """How many fast calls fill `target` seconds (at most 100), from one call timed alone."""
        once = self.timed(ctx, "vectorized", self.fast, 1)
        return max(1, min(100, int(math.ceil(self.target / max(once, 1e-6)))))

    @staticmethod
    def timed(ctx, label, build, calls):
        plan = ctx.plan()
        for _ in range(calls):
            build(plan)
        reply = ctx.student.run(plan)
        if not reply.ok:
            raise Fail("could not time the %s version: %s" % (label, reply.explain().splitlines()[0]),
                       "could not be timed", abort=True)
        return reply.elapsed / calls
