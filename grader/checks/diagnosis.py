"""Why is an answer wrong? Lines for the student: where the error is, how big, and a likely cause.

Generic rules look at the two arrays only (transposed, off by a constant factor, sign); an assignment adds
its own rules (`hints`: callables (student, expected) -> str or None), e.g. "the regularization gradient is
missing" when the difference equals 2·reg·W.
"""
import numpy as np

KNOWN_FACTORS = {2.0: "×2", 0.5: "×1/2", -1.0: "the sign is flipped", -2.0: "×(−2)", -0.5: "×(−1/2)"}


def where(mask):
    """The first index where mask is true, as a readable [i, j]."""
    idx = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return "[%s]" % ", ".join(str(int(i)) for i in idx) if mask.ndim else "the value"


def diagnose(student, expected, hints=None):
    lines = []
    s, e = np.asarray(student, dtype=float), np.asarray(expected, dtype=float)
    if s.shape != e.shape:
        return lines
    if s.ndim:
        err = np.abs(s - e) / np.maximum(1e-8, np.abs(s) + np.abs(e))
        i = np.unravel_index(int(np.argmax(err)), err.shape)
        lines.append("largest error at %s: yours %.6g, expected %.6g (max abs error %.3g; %d of %d entries "
                     "off by more than 1e-6 relative)" % (list(map(int, i)), s[i], e[i], np.max(np.abs(s - e)),
                                                           int((err > 1e-6).sum()), err.size))
    rule_hint = assignment_hint(s, e, hints)
    if rule_hint:
        return lines + [rule_hint]
    factor = scale_factor(s, e)
    if factor is not None:
        name = KNOWN_FACTORS.get(round(factor, 6), "×%.4g" % factor)
        lines.append("hint: yours equals the expected values %s — a constant factor is wrong "
                     "(averaging over N? a 0.5 or 2 from the regularization convention?)" % name
                     if factor > 0 else "hint: yours equals the expected values %s" % name)
    elif s.ndim == 2 and s.shape[0] == s.shape[1] and np.allclose(s, e.T, rtol=1e-6, atol=1e-9):
        lines.append("hint: yours is the transpose of the expected matrix")
    return lines


def assignment_hint(student, expected, hints):
    """The first assignment rule that explains the difference, as a "hint: ..." line, or None. Also used
    where the generic diagnosis does not apply (a wrong shape, exact values)."""
    for rule in hints or ():
        try:
            message = rule(student, expected)
        except Exception:  # a hint must never break grading
            message = None
        if message:
            return "hint: " + message
    return None


OR = " — or: "       # between the likely causes of one hint (the catalogs translate each: i18n.Catalog.hint)


def either(messages):
    """One hint from the explanations that fit an answer: the only one, or "a — or: b" when several give that same
    answer (e.g. a missing bias and a missing BN scale add the same count); None when none fits."""
    return OR.join(messages) or None


def scale_factor(s, e, tol=1e-6):
    """c when s ≈ c·e for a constant c ≠ 1, else None. A c within 0.1% of 1 is no convention's factor (it would
    print as "×1"): a small numerical slip, which the largest-error line already shows."""
    denom = float(np.sum(e * e))
    if denom == 0 or not np.all(np.isfinite(s)):
        return None
    c = float(np.sum(s * e)) / denom
    if abs(c - 1) < 1e-3 or abs(c) < 1e-12:
        return None
    resid = np.max(np.abs(s - c * e)) / max(1e-12, np.max(np.abs(s)) + np.max(np.abs(c * e)))
    return c if resid < tol else None
