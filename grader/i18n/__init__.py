"""Student-facing messages in the student's language (`--lang en|fa`).

The catalogs `en.json` and `fa.json` beside this file hold:
  phrases     the report's fixed phrases (PASS/FAIL, "hidden check failed", totals, ...), str.format fields
  kinds       a description template per check kind, so every check of every suite is described in every
              language even when its suite wrote English only
  categories  the category of every Fail(...) in grader/, keyed by its English text
  hints       every hint, keyed by its English text; a key with %-fields (`define `%s` ...`) is a template:
              it matches the formatted text and its translation names the fields {0}, {1}, ...
  notes       notes about the submission (notebook cells left out, ...), templates as above
`keys.py` finds every category and hint in grader/; tests/test_i18n.py fails when a language lacks one.
Technical detail lines (numbers, indices, code) stay as the check wrote them; the first line of each
failure — category and hint — is translated. What no catalog has is shown in English.
"""
import json
import os
import re
from functools import lru_cache

HERE = os.path.dirname(os.path.abspath(__file__))
LANGUAGES = ("en", "fa")
FIELD = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\d+|\*)?(?:\.\d+)?[sdirfgeExXc%]")


@lru_cache(maxsize=None)
def load(lang):
    with open(os.path.join(HERE, lang + ".json"), encoding="utf-8") as f:
        return json.load(f)


def template_regex(key):
    """A regex matching what `key % args` produces, one group per field (None: not a template)."""
    parts = FIELD.split(key)
    if len(parts) == 1:
        return None
    fields = FIELD.findall(key)
    pattern = re.escape(parts[0])
    for spec, literal in zip(fields, parts[1:]):
        pattern += re.escape("%") if spec == "%%" else "(.*?)"
        pattern += re.escape(literal)
    return re.compile(pattern, re.S)


class Catalog:
    def __init__(self, lang="en"):
        if lang not in LANGUAGES:
            raise ValueError("unknown language %r (%s)" % (lang, ", ".join(LANGUAGES)))
        self.lang, self.data, self.en = lang, load(lang), load("en")
        self.dir = self.data.get("dir", "ltr")
        self._templates = {}
        for table in ("categories", "hints", "notes"):
            keys = sorted((k for k in self.data.get(table, {}) if template_regex(k)),
                          key=lambda k: -len(FIELD.sub("", k)))          # the most specific template first
            self._templates[table] = [(template_regex(k), self.data[table][k]) for k in keys]

    def phrase(self, key, **fields):
        text = self.data["phrases"].get(key) or self.en["phrases"].get(key, key)
        return text.format(**fields)

    def _lookup(self, table, text):
        if not text:
            return text
        exact = self.data.get(table, {}).get(text)
        if exact is not None:
            return exact
        for regex, translation in self._templates[table]:
            m = regex.fullmatch(text)
            if m:
                return translation.format(*m.groups())
        return text

    def category(self, text):
        return self._lookup("categories", text)

    def hint(self, text):
        return self._lookup("hints", text)

    def note(self, text):
        return self._lookup("notes", text)

    def status(self, status):
        return self.phrase("status." + status)

    # ---------------------------------------------------------------- checks
    def describe(self, check):
        """The check in one line: the suite's own words in English, a template of its kind otherwise."""
        if self.lang == "en" and check.description:
            return check.description
        kinds = self.data.get("kinds", {})
        template = kinds.get(check.kind) or kinds.get("check")
        return template.format(**describe_fields(check, self))

    # ---------------------------------------------------------------- outcomes
    def first_line(self, o):
        """What went wrong, for the student, in this language: category and hint."""
        if o.status == "passed":
            return self.phrase("passed")
        if o.status == "skipped":
            return self.phrase("skipped")
        if o.status == "error":
            return self.phrase("grader_error")
        hint = (o.extra or {}).get("hint")
        if o.category == "depends on a failed check":
            m = re.search(r"needs (.*) to pass first", o.output or "")
            return self.phrase("needs_first", checks=m.group(1) if m else "")
        if o.check.visibility == "hidden":
            line = self.phrase("hidden_failed", category=self.category(o.category))
        else:
            line = self.category(o.category) or self.phrase("failed")
        if hint:
            line += " — " + self.hint(hint)
        return line

    def details(self, o):
        """The technical lines (English, as the check wrote them); nothing for a hidden check."""
        if o.status == "passed" or o.check.visibility == "hidden" or o.status == "skipped" \
                or o.category == "depends on a failed check":
            return ""
        return o.output or ""

    def feedback(self, o):
        first, details = self.first_line(o), self.details(o)
        return first + ("\n" + details if details else "")


def describe_fields(check, catalog):
    """The values description templates may use."""
    cases = getattr(check, "cases", None)
    public = len(cases.public) if cases is not None else 0
    drawn = getattr(check, "examples", 0) if cases is not None and cases.strategy is not None else 0
    if check.visibility == "hidden":
        where = catalog.phrase("cases.hidden")
    elif public and drawn:
        where = catalog.phrase("cases.public_drawn", public=public, drawn=drawn)
    elif drawn:
        where = catalog.phrase("cases.drawn", drawn=drawn)
    else:
        where = catalog.phrase("cases.public", public=public)
    symbols = ", ".join("`%s`" % s for s in check.symbols) or "`%s`" % check.name
    return {"name": check.name, "symbols": symbols, "cases": where,
            "labels": ", ".join(getattr(check, "labels", ()) or ("output",)),
            "wrt": ", ".join("d" + w for w in getattr(check, "wrt", ())) or "d?",
            "target": "`%s`" % (getattr(check, "target", "") or check.name),
            "min_ratio": "%g" % getattr(check, "min_ratio", 1), "points": "%g" % check.points}
