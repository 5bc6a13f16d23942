"""`hypothesis.strategies`, imported only when a case is drawn: `from ..checks import strategies as st`.

Importing hypothesis costs about 0.2 s, and a grading whose drawn cases are already known (grader/cache.py:
hypothesis' draws are replayed) never needs it. Every `st.<name>(...)` made before hypothesis is imported is a
`Lazy` description, built into the real strategy (`real(s)`) when one is first drawn from; once hypothesis is
imported (the tests import it first), `st.<name>(...)` is the real strategy itself, so `@given(suite.DRAWN)`
works as with hypothesis' own module. `signature(s)` names a strategy by what it draws, the same in every
process, for the cache's keys.
"""
import sys

_MODULE = "hypothesis.strategies"


def _loaded():
    return sys.modules.get(_MODULE)


def _text(value):
    if isinstance(value, Lazy):
        return value.text
    if callable(value) and hasattr(value, "__code__"):
        code = value.__code__
        return "%s:%s:%d" % (getattr(value, "__module__", "?"), value.__qualname__, code.co_firstlineno)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%r: %s" % (k, _text(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_text(v) for v in value)
        return "[%s]" % inner if isinstance(value, list) else "(%s%s)" % (inner, "," if len(value) == 1 else "")
    if hasattr(value, "__module__") and type(value).__module__.startswith("hypothesis"):
        return signature(value)
    return repr(value)


def _call_text(name, args, kwargs):
    return "%s(%s)" % (name, ", ".join([_text(a) for a in args] + ["%s=%s" % (k, _text(v))
                                                                   for k, v in sorted(kwargs.items())]))


class Lazy:
    """A strategy not built yet: `make()` builds it (importing hypothesis); `text` says what it draws."""

    def __init__(self, make, text):
        self.make, self.text, self._built = make, text, None

    def build(self):
        if self._built is None:
            self._built = _named(self.make(), self.text)
        return self._built

    def map(self, f):
        return _lazy_or_real(lambda: self.build().map(f), "%s.map(%s)" % (self.text, _text(f)))

    def filter(self, f):
        return _lazy_or_real(lambda: self.build().filter(f), "%s.filter(%s)" % (self.text, _text(f)))

    def flatmap(self, f):
        return _lazy_or_real(lambda: self.build().flatmap(lambda v: real(f(v))),
                             "%s.flatmap(%s)" % (self.text, _text(f)))

    def __repr__(self):
        return "<strategy %s, not built yet>" % self.text


def _named(strategy, text):
    try:
        strategy._dlgrader_signature = text
    except AttributeError:
        pass
    return strategy


def _lazy_or_real(make, text):
    return _named(make(), text) if _loaded() is not None else Lazy(make, text)


def real(value):
    """`value` with every Lazy strategy in it (in dicts, lists, tuples) built."""
    if isinstance(value, Lazy):
        return value.build()
    if type(value) is dict:
        return {k: real(v) for k, v in value.items()}
    if type(value) is list:
        return [real(v) for v in value]
    if type(value) is tuple:
        return tuple(real(v) for v in value)
    return value


def signature(strategy):
    """What `strategy` draws, as text: the same in every process for the same suite source."""
    if isinstance(strategy, Lazy):
        return strategy.text
    text = getattr(strategy, "_dlgrader_signature", None)
    return text if text is not None else repr(strategy)


def _factory(name):
    def make_strategy(*args, **kwargs):
        def make():
            import importlib
            return getattr(importlib.import_module(_MODULE), name)(*real(args), **real(kwargs))
        return _lazy_or_real(make, _call_text(name, args, kwargs))
    make_strategy.__name__ = name
    return make_strategy


def composite(f):
    """@st.composite: the decorated function runs while hypothesis draws, when `st.*` are real strategies."""
    built = []

    def strategy(*args, **kwargs):
        def make():
            if not built:
                import importlib
                built.append(importlib.import_module(_MODULE).composite(f))
            return built[0](*args, **kwargs)
        return _lazy_or_real(make, _call_text(_text(f), args, kwargs))
    strategy.__name__ = f.__name__
    strategy.__doc__ = f.__doc__
    return strategy


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _factory(name)
