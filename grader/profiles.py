"""Course profiles: the conventions of one CS231n year, or the course's own, in one table.

A course file picks one (`profile = "cs231n-2017"`; default "dlgrader", this course's own exercises). The
profile decides
- the course settings' values (module constants set on the student's copy and the reference's alike:
  spec.Setting(convention=...)), e.g. SVM_REG_SCALE, DROPOUT_P, ADAM_INITIAL_T. A tuple value means "any of
  these: the year's starter code leaves it to the student" (softmax's regularization factor up to 2024);
- which checks are graded: a check whose symbols the year's starter code does not have (Assignment.cs231n
  lists the CS231n symbols and the years they exist in; the others are this course's own), or whose rule the
  year's docstrings do not state (Check.when names a convention below), is not graded, and the maximum score
  is the sum of what is graded;
- how the worker runs old code: Python 2 files converted (grader/py2.py), NumPy 1 names restored
  (sandbox/compat.py), both reported in the result's notes.

How a suite uses it (see grader/suites/README.md):
    Assignment(..., cs231n={"svm_loss_naive": (2016, 2024), "layernorm_forward": 2018})   # exists from/until
    Check(..., when="raises")            # graded only where the profile's "raises" convention is true
    Static(..., rules=(Only("norm_ban", ForbidCalls(...)),))                       # one rule of a check
    Setting("DROPOUT_P", "keep", ("keep", "drop"), targets, convention="dropout_p")  # value from the profile
    ctx.profile["relu_grad_at_zero"]     # a convention a check reads while it runs
"""
from dataclasses import dataclass, field

OWN = "dlgrader"
FIRST, LAST = 2016, 2026
EITHER = (1.0, 0.5)   # a regularization factor the starter code leaves to the student

# convention -> (the course's own value, [(CS231n year from which a value holds, value), ...]).
# Every change between CS231n years the grader must know is one row here (README "Course profiles").
TABLE = {
    # the Python the starter code was written for: 2 (print statements, xrange, integer `/`) or 3
    "python": (3, [(2016, 2), (2017, 3)]),
    # regularization factor of the SVM loss (the provided naive loss line) and of the softmax loss
    "svm_reg_scale": (1.0, [(2016, 0.5), (2017, 1.0)]),
    "softmax_reg_scale": (1.0, [(2016, EITHER), (2025, 1.0)]),
    # dropout_param['p']: the probability of keeping a unit, or of dropping it
    "dropout_p": ("keep", [(2016, "drop"), (2018, "keep")]),
    # Adam's t when config has none (2017's given code: config.setdefault('t', 1))
    "adam_initial_t": (0, [(2016, 0), (2017, 1), (2018, 0)]),
    # the update rules' argument names (the checks call them positionally)
    "optim_args": (("w", "dw"), [(2016, ("x", "dx")), (2018, ("w", "dw"))]),
    # kNN: the docstrings forbid np.linalg.norm in the distance functions
    "norm_ban": (True, [(2016, False), (2019, True)]),
    # FullyConnectedNet's keyword for dropout, and for normalization (issue 16's models)
    "fc_dropout_kw": ("dropout_keep_ratio", [(2016, "dropout"), (2021, "dropout_keep_ratio")]),
    "normalization_kw": ("normalization", [(2016, "use_batchnorm"), (2018, "normalization")]),
    # FullyConnectedNet has normalization="layernorm" (layer normalization came in 2018)
    "layernorm": (True, [(2016, False), (2018, True)]),
    # assignment 1's neural_net.py: the regularization factor of reg·(ΣW1² + ΣW2²) ("multiply the
    # regularization loss by 0.5" in 2016; the file is gone from 2021)
    "neural_net_reg_scale": (1.0, [(2016, 0.5), (2017, 1.0)]),
    # the initialisation of neural_net.py's TwoLayerNet and LinearClassifier's lazy W is the student's (this
    # course); CS231n's starter code provides both
    "own_init": (True, [(2016, False)]),
    # assignment 2's layers.py has softmax_loss to fill in (again: students paste their assignment-1 one); this
    # course grades it once, in two_layer_net
    "a2_softmax_loss": (False, [(2016, False), (2021, True)]),
    # starter imports: absolute `from cs231n.layers import *` or relative `from ..layers import *`
    "relative_imports": (True, [(2016, False), (2020, True)]),
    # rules of this course's own exercises that no CS231n docstring states
    "raises": (True, [(2016, False)]),                # a non-integer output size raises ValueError
    "sqrt_clamp": (True, [(2016, False)]),            # no-loop distances clamp tiny negatives before sqrt
    "relu_grad_at_zero": ((0.0,), [(2016, (0.0, 1.0))]),   # accepted dx/dout where x == 0
    "backward_writes_dout": (False, [(2016, True)]),  # a backward may write into dout (harmless in CS231n)
    "max_pool_ties": ("first", [(2016, "any")]),      # tied maxima: the first only, or any split among them
    # NumPy 1 names removed in NumPy 2 (np.int, np.lib.pad, ...) are restored in the worker, and reported
    "numpy_compat": (False, [(2016, True)]),
}


@dataclass(frozen=True)
class Profile:
    name: str
    year: int | None                      # the CS231n year; None for the course's own exercises
    conventions: dict = field(default_factory=dict, compare=False)

    @property
    def cs231n(self):
        return self.year is not None

    def __getitem__(self, convention):
        return self.conventions[convention]

    def get(self, convention, default=None):
        return self.conventions.get(convention, default)

    def has(self, years):
        """Whether a symbol that exists in `years` (None: only in the course's own exercises; an int: from
        that year on; (first, last)) is in this profile's starter code."""
        if not self.cs231n:
            return True
        if years is None:
            return False
        first, last = (years, None) if isinstance(years, int) else years
        return first <= self.year and (last is None or self.year <= last)


def _value(convention, year):
    own, changes = TABLE[convention]
    if year is None:
        return own
    value = changes[0][1]
    for since, v in changes:
        if since <= year:
            value = v
    return value


def names():
    return [OWN] + ["cs231n-%d" % y for y in range(FIRST, LAST + 1)]


def get(name):
    """The profile called `name` ("dlgrader" or "cs231n-2016" ... "cs231n-2026")."""
    if name == OWN:
        year = None
    else:
        prefix, _, digits = name.partition("-")
        if prefix != "cs231n" or not digits.isdigit() or not FIRST <= int(digits) <= LAST:
            raise ValueError("unknown profile %r: use one of %s" % (name, ", ".join(names())))
        year = int(digits)
    return Profile(name, year, {c: _value(c, year) for c in TABLE})


def choices(value):
    """The values a convention or setting accepts: a tuple is a choice left to the student."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


@dataclass(frozen=True)
class Only:
    """A static rule that applies only where the profile's `when` convention is true (e.g. the norm ban)."""
    when: str
    rule: object

    def __call__(self, node, tree, label):
        return self.rule(node, tree, label)


def applies(profile, when):
    """Whether a check or rule with `when` (a convention name, "not:" + name, or None) is in force."""
    if when is None:
        return True
    negate = when.startswith("not:")
    value = bool(profile[when[4:] if negate else when])
    return not value if negate else value


def table_markdown():
    """The table of README "Course profiles": one row per convention, one column per value change."""
    lines = ["| convention | dlgrader | CS231n years |", "|---|---|---|"]
    for name, (own, changes) in TABLE.items():
        spans = []
        for i, (since, value) in enumerate(changes):
            until = changes[i + 1][0] - 1 if i + 1 < len(changes) else LAST
            spans.append("%s: %s" % (since if since == until else "%d–%s" % (since, "" if until == LAST else until),
                                     _show(value)))
        lines.append("| `%s` | %s | %s |" % (name, _show(own), "; ".join(spans)))
    return "\n".join(lines)


def _show(value):
    if isinstance(value, tuple) and all(isinstance(v, float) for v in value):
        return " or ".join("%g" % v for v in value)
    if isinstance(value, tuple):
        return "(%s)" % ", ".join(map(str, value))
    return "%g" % value if isinstance(value, float) else str(value)
