"""What a check sees while it runs: the student's runner, the reference's, the submission and the course."""
import numpy as np

from ..sandbox.plan import Plan
from .validate import Fail


class Context:
    def __init__(self, assignment, submission, student, reference, course, student_id=None, notes=None, book=None):
        self.assignment, self.submission = assignment, submission
        self.book = book                 # the cases cache of this course and assignment (grader/cache.py), or None
        self.closing = []                # what `close` ends: helpers a check started for this grading (a forked
                                         # evaluator of answers)
        self.student, self.reference, self.course = student, reference, course
        self.student_id = student_id     # given by the grader (`--student-id`); picks written-answer variants
        self.notes = notes if notes is not None else []   # the report's notes: things the student should know
        self._answers = None
        self.profile = assignment_profile(course)   # the course profile's conventions (grader/profiles.py)
        self.modules, self.missing = {}, {}
        for symbol, hints in assignment.symbols.items():
            src, why = submission.find(symbol, hints, assignment.name)
            if src is None:
                self.missing[symbol] = why
            else:
                self.modules[symbol] = src.module
        self.binds = []                  # spec.StandIn: the student's own code for provided code that cannot run
        for stand_in in assignment.stand_ins:
            binds, names = submission.stand_in(stand_in, assignment.name)
            self.binds += binds
            if names:
                self.notes.append("%s: %s.py needs %s, compiled from Cython, which a hand-in does not contain: your %s "
                                  "stand in for %s (the same values, slower)" % ((assignment.name,) + names))

    def close(self):
        """End what checks started for this grading (grader/run.py calls it when the assignment is graded)."""
        while self.closing:
            self.closing.pop()()

    def plan(self, **settings):
        """A new call plan; it starts by applying the course settings (with `settings` overriding them)."""
        constants = self.assignment.constants(self.course, **settings)
        always = [symbol for s in self.assignment.course_settings if s.always for symbol, _, _ in s.targets]
        plan = Plan(symbols=self.modules, constants=[c for c in constants if c[0] in self.modules], always=always,
                    binds=self.binds)
        plan.settings = self.assignment.setting_values(self.course, **settings)
        return plan

    def setting(self, name, **overrides):
        """The value in force of course setting `name` (the first, when the course leaves a choice)."""
        return self.assignment.setting_values(self.course, **overrides)[name]

    def alternatives(self, symbols, settings=None):
        """The settings overrides a check tries in turn: [settings] when every course setting of `symbols` has
        one value; else one dict per combination of the values left to the student (e.g. softmax's 0.5 or 1
        regularization factor up to 2024), the course's first choice first. A student's answer is right
        when it equals the reference's under one of them."""
        import itertools
        base = dict(settings or {})
        chosen = self.assignment.setting_choices(self.course, **base)
        used = {s for s in symbols}
        open_ = [(st.name, chosen[st.name]) for st in self.assignment.course_settings
                 if st.name not in base and len(chosen[st.name]) > 1
                 and any(symbol in used for symbol, _, _ in st.targets)]
        if not open_:
            return [base]
        names = [n for n, _ in open_]
        return [dict(base, **dict(zip(names, combo))) for combo in itertools.product(*(v for _, v in open_))]

    def answers(self):
        """The submission's answers file, read once as untrusted text (grader/checks/answer.py)."""
        if self._answers is None:
            from .answer import read_answers
            self._answers = read_answers(self.submission, self.notes, self.assignment.name)
        return self._answers

    def require(self, symbols):
        for s in symbols:
            head = s.split(".")[0]
            if head not in self.missing:
                continue
            broken = self.unreadable(head)
            if broken is not None:     # the real cause: a file that does not parse hides everything in it
                python2 = broken.problem.startswith("this is Python 2")
                raise Fail("`%s` was not found because %s could not be read: %s" % (s, broken.shown, broken.problem),
                           "Python 2 code" if python2 else "syntax error", abort=True,
                           hint="the grader runs Python 3: print(...), range instead of xrange, `except X as e`"
                           if python2 else "fix the syntax error on line %s of %s: nothing in that file can be "
                                           "graded until it parses" % (broken.error_line, broken.shown))
            raise Fail("`%s` is missing: %s" % (s, self.missing[head]), "missing function",
                       hint="define `%s` with the name and signature of the stub" % s, abort=True)

    def unreadable(self, symbol):
        """The file that could not be parsed and holds `symbol` (a `def`/`class` line of it, or the module the
        assignment names), or None."""
        broken = self.submission.broken()
        hints = self.assignment.symbols.get(symbol, ())
        named = [f for f in broken if symbol in f.seen] or [f for f in broken if f.module.rsplit(".", 1)[-1] in hints]
        return named[0] if named else None

    def rng(self, *names):
        return np.random.default_rng(self.course.seed(self.assignment.name, *names))

    def run_student(self, plan, timeout=None):
        """Run on the student's side; a raised exception or a dead worker becomes a Fail."""
        reply = self.student.run(plan, timeout)
        if reply.failure:
            raise Fail(reply.failure, "crashed or timed out", hint="the code crashed, exited or ran too long",
                       abort=True)
        if reply.error:
            raise self._explained(student_error(reply.error, plan), reply.error)
        return reply.values

    def _explained(self, fail, error):
        """A NameError of a notebook global the grader left out (notebook.py says why): say which, and why."""
        import re
        m = re.search(r"name '(\w+)' is not defined", error.get("message", ""))
        why = getattr(self.submission, "undefined", {}).get(m.group(1)) if m else None
        if why and error.get("type") == "NameError":
            return Fail("%s\n%s" % (fail.message.splitlines()[0], why), "undefined notebook global",
                        hint="define it in a graded cell (a constant, an import, a function) or pass it as an argument")
        return fail

    def run_reference(self, plan):
        reply = self.reference.run(plan)
        if not reply.ok:
            raise RuntimeError("the reference failed on this input: " + reply.explain())
        return reply.values

    def both(self, build, settings=None):
        """Build one plan with `build(plan) -> list of refs`; run it on both sides; (student, expected).
        `settings` overrides course settings for this plan (Setting names -> values)."""
        plan = self.plan(**(settings or {}))
        plan.returns(*build(plan))
        expected = self.run_reference(plan)
        return self.run_student(plan), expected


def assignment_profile(course):
    from ..spec import course_profile
    return course_profile(course)


HINTS = {   # exception type -> (what happened, for `where`, the error message; a hint)
    "NotImplementedError": (None, "replace the `raise NotImplementedError` with your code"),
    "IndexError": (None, "check the shapes and the index ranges"),
    "ValueError": (None, "check the shapes of the arrays you combine"),
    "TypeError": (None, "check the arguments and the return value"),
    "RecursionError": (None, "infinite recursion?"),
    "MemoryError": ("`%s` ran out of memory: %s", "an intermediate array far too large?"),
    "ImportError": ("an import in `%s` failed: %s", None),
    "ModuleNotFoundError": ("an import in `%s` failed: %s", None),
    "SystemExit": ("`%s` called sys.exit(): %s", "do not exit from graded code"),
}


def returned_instead_of_raising(ctx, plan, accepted=("ValueError",)):
    """Run `plan`, whose last call should raise one of `accepted`. None when it did; the values it returned when
    it did not (the caller says why that is wrong). A crash or timeout is a Fail, another exception the
    student's error."""
    reply = ctx.student.run(plan)
    if reply.failure:
        raise Fail(reply.failure, "crashed or timed out", abort=True)
    if reply.error and reply.error.get("type") in accepted:
        return None
    if reply.error:
        raise student_error(reply.error, plan)
    return reply.values


def student_error(error, plan):
    kind = error.get("type", "Exception")
    step = error.get("step", -1)
    if step == -1:
        return Fail("the value returned does not have the expected form (%s)" % error.get("message", ""),
                    "wrong return value", hint="return exactly what the docstring asks for")
    steps = getattr(plan, "sent", plan.steps)   # as sent: course-setting steps first
    where = steps[step].get("label", steps[step]["call"]) \
        if 0 <= step < len(steps) and "call" in steps[step] else "your code"
    what, hint = HINTS.get(kind, (None, None))
    message = error.get("message", "")
    if kind == "NameError" and "xrange" in message:
        hint = "xrange is Python 2: use range"
    if kind in ("ModuleNotFoundError", "ImportError") and ("past" in message or "future" in message):
        hint = "the grader has only the common names of the `future` package (past.builtins.xrange, builtins, " \
               "future.utils): use range and Python 3 names"
    if kind == "AttributeError" and "module 'numpy" in message:
        hint = "NumPy 2 removed this name (np.int, np.float, np.lib.pad, ...): use the builtin or current name " \
               "(int, float, np.pad), or grade with a CS231n profile, which restores them"
    if kind == "NotImplementedError":   # its message says which stub, when it was raised further in
        detail = message.partition(": ")[2].strip()
        return Fail("`%s` is not implemented yet (it raises NotImplementedError%s)"
                    % (where, ": " + detail if detail and detail != where else ""), "not implemented",
                    hint=hint, abort=True)
    shown = message[len(kind) + 2:] if message.startswith(kind + ": ") else message
    first = what % (where, shown) if what else "`%s` raised %s: %s" % (where, kind, shown)
    lines = [first] + error.get("frames", [])
    if hint:
        lines.append("hint: " + hint)
    return Fail("\n".join(lines), "not implemented" if kind == "NotImplementedError" else "raised an exception",
                hint=hint, abort=kind == "NotImplementedError")
