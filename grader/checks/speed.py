"""speed: the student's vectorized version against the student's own naive one, timed in the same worker.

Inputs are stored in the worker first, so each timed round trip carries no data; times are wall-clock,
measured by the parent (the student's process cannot forge them). A round trip costs about a millisecond of
its own, as much as a vectorized loss takes, so both versions are timed like `timeit`'s autorange: as many
calls in one plan as fill `target` seconds at the best speed seen so far, the time divided among them. A
machine busy with other work only slows calls down, never speeds them up, so each version's best time counts,
and a ratio below the bar is measured again (up to `rounds` times) before it is failed.

Only a slow reading of the baseline can make a wrong version pass (a slow reading of the fast version fails
it, and a failing ratio is measured again), so a pass is taken only from baseline plans that last at least
target / SETTLED at the baseline's best speed. One preemption adds a scheduler slice (several ms) to whatever
plan it interrupts: a single 1 ms call of a cheap naive version can read 10× slower, and a wrong "fast"
version would pass on that reading; the plans sized from it are longer, and a delay weighs less in each. With
delays of up to 10 ms on every plan, a settled baseline reads at most 4× slow (tests/test_speed_check.py).
Found under load: a batchnorm alt looping over 1024 features passed with "vectorized 10.43 ms, naive 7.0 ms"
against a staged version of 0.8 ms, then timed by one call alone.
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
    repeats: int = 3              # timed plans of the fast version per round (the baseline's: one); the best counts
    rounds: int = 3               # rounds of measurement before a ratio below min_ratio is failed
    target: float = 0.02          # seconds one timed plan of either version should last
    kind: str = "speed"
    MAX_CALLS = 100               # calls in one timed plan at the most (class constants, not fields)
    SETTLED = 1.5                 # a pass counts once the baseline's plan lasts target / SETTLED at its best speed

    def run(self, ctx):
        ctx.require(self.symbols)
        plan = ctx.plan()
        self.setup(plan, self.make(ctx.rng(self.name)))
        ctx.run_student(plan)
        baseline = "one loop over the examples" if self.floor is not None else "naive"
        versions = [(baseline, self.floor or self.slow), ("vectorized", self.fast)]
        trip = self.round_trip(ctx)
        best = {}
        for label, build in versions:           # one call alone each, twice where short (the first one is cold)
            best[label] = self.timed(ctx, label, build, 1)
            if best[label] < self.target:
                best[label] = min(best[label], self.timed(ctx, label, build, 1))
        first = {label: max(t - trip, t / 2) for label, t in best.items()}   # what the plans are sized by at first
        for round_ in range(self.rounds):
            calls = {label: self.calls_for(first[label] if round_ == 0 else t) for label, t in best.items()}
            for label, build in versions:
                times = self.repeats if label == "vectorized" else 1   # a slow baseline reading only helps a pass,
                                                                       # and `settled` bounds how slow it can be
                if round_ == 0 and calls[label] == 1:
                    times -= 1                  # the call timed alone was this round's first plan
                for _ in range(times):
                    best[label] = min(best[label], self.timed(ctx, label, build, calls[label]))
            ratio = best[baseline] / max(best["vectorized"], 1e-7)
            settled = calls[baseline] == self.MAX_CALLS or \
                calls[baseline] * best[baseline] >= self.target / self.SETTLED
            if ratio >= self.min_ratio and settled:
                break
        line = ("vectorized %.2f ms, naive %.1f ms: %.1f× faster" if self.floor is None else
                "vectorized %.2f ms, one loop over the examples %.1f ms: %.1f× faster") % (
            1e3 * best["vectorized"], 1e3 * best[baseline], ratio)
        if ratio < self.min_ratio:
            raise Fail("%s; needs at least %g× (best of %d measurements)" % (line, self.min_ratio, self.rounds),
                       "too slow", hint="replace Python loops by array operations (broadcasting, matrix products)")
        return line

    @staticmethod
    def round_trip(ctx):
        """Seconds of an empty plan: a call timed alone carries one round trip, a plan of many calls shares it."""
        reply = ctx.student.run(ctx.plan())
        return reply.elapsed if reply.ok else 0.0

    def calls_for(self, seconds):
        """How many calls of `seconds` each fill `target` seconds (at most MAX_CALLS)."""
        return max(1, min(self.MAX_CALLS, int(math.ceil(self.target / max(seconds, 1e-6)))))

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
