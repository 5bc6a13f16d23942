"""What a property or gradient check rests on: the value checks of the functions it exercises.

A property (shift invariance, naive equals vectorized, symmetry) or a gradient check against the student's own
forward is a statement about outputs; a function that returns a constant (`return 0.0, np.zeros_like(W)`), NaN,
or nothing usable satisfies many of them vacuously. Such a check therefore pays only when the value checks it
rests on did not fail for a degenerate output (a failure category in DEGENERATE: constant, not finite, wrong
type or shape, not implemented, missing...). A value check that failed on real values ("wrong values": another
CS231n year's convention, say) still lets it run: the gradient of the student's own forward is credited then.

Declared in data: a check's `rests_on` names them; left None, they are derived here: the visible value checks
(kind `compare`, or named `<function>.values`) listed before the check whose symbols are all among its own.
Only `property` and `gradient` checks rest on value checks (static and speed checks already `require` theirs).
"""

DEGENERATE = frozenset({
    "degenerate output", "not finite", "wrong shape", "wrong type", "wrong dtype", "wrong return value",
    "missing keys", "not implemented", "missing function", "crashed or timed out", "depends on a failed check",
    "unreadable submission", "grader error"})
RESTING_KINDS = ("property", "gradient")


def is_value_check(check):
    return check.kind == "compare" or check.name.endswith(".values")


def rests_on(assignment, check):
    """Names of the checks whose degenerate failure means `check` is not graded."""
    declared = getattr(check, "rests_on", None)
    if declared is not None:
        return tuple(declared)
    if check.kind not in RESTING_KINDS or is_value_check(check):
        return ()
    mine, found = set(check.symbols), []
    for other in assignment.checks:
        if other is check:
            break
        if other.visibility == "visible" and is_value_check(other) and set(other.symbols) <= mine:
            found.append(other.name)
    return tuple(found)


def blocked_by(assignment, check, outcomes):
    """The checks `check` rests on that failed with a degenerate output: [(name, category)] (outcomes: name ->
    Outcome of the checks graded so far)."""
    return [(name, outcomes[name].category) for name in rests_on(assignment, check)
            if name in outcomes and outcomes[name].status == "failed" and outcomes[name].category in DEGENERATE]
