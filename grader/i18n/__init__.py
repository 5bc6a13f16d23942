"""Student-facing messages in the student's language (`--lang en|fa`).

The catalogs `en.json` and `fa.json` beside this file hold:
  phrases     the report's fixed phrases (PASS/FAIL, "hidden check failed", totals, ...), str.format fields
  kinds       a description template per check kind, so every check of every suite is described in every
              language even when its suite wrote English only
  categories  the category of every Fail(...) in grader/, keyed by its English text
  hints       every hint, keyed by its English text; a key with %-fields (`define `%s` ...`) is a template:
              it matches the formatted text and its translation names the fields {0}, {1}, ...
  notes       notes about the submission (notebook cells left out, ...), templates as above
  messages    every line of a failure's details (`dists differs from the expected values: ...`), templates as
              above; the strings formatted into a template (`along a random direction`) are translated too
`keys.py` finds every category, hint and note in grader/, `messages.py` every message line;
tests/test_i18n.py renders every key in every language and fails when one is missing or left in English.
A translation puts code in backticks (`{0}`): it is shown left to right, as code. Lines no table has
(a traceback, the line of a syntax error, the failing case) are code and stay as they are.
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


FRAGMENT_TABLES = ("messages", "hints", "categories")   # where a string formatted into a template is looked up
MAX_NESTING = 4
MIN_FRAGMENT_LETTERS = 6      # a template needs this many letters of its own to translate a fragment
CODE_LINE = re.compile(r'\s*(File ".*", line \d+|\d+ \| |\| )')   # a traceback frame, a syntax error's line


def english(key):
    """A key's English text in catalog form: a template's %-fields as {0}, {1}, ..., its braces doubled and %% as
    % (str.format fills it in); any other key as it is (it is looked up, never formatted)."""
    specs, out, n = FIELD.findall(key), [], 0
    if not specs:
        return key
    for i, part in enumerate(FIELD.split(key)):
        out.append(part.replace("{", "{{").replace("}", "}}"))
        if i < len(specs):
            out.append("%" if specs[i] == "%%" else "{%d}" % n)
            n += specs[i] != "%%"
    return "".join(out)


def pieces(key):
    """The literal text between a template's fields (%% is text too)."""
    out, pos = [""], 0
    for m in FIELD.finditer(key):
        out[-1] += key[pos:m.start()]
        if m.group() == "%%":
            out[-1] += "%"
        else:                          # a field: the next piece starts
            out.append("")
        pos = m.end()
    out[-1] += key[pos:]
    return out


def split(parts, text):
    """The fields of `text` if it is the template whose literal pieces are `parts`, else None. Each piece is found
    at its first place after the previous one (no backtracking: a student's text cannot make this slow)."""
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return None
    pos, end, fields = len(first), len(text) - len(last), []
    for piece in parts[1:-1]:
        i = text.find(piece, pos, end)
        if i < 0:
            return None
        fields.append(text[pos:i])
        pos = i + len(piece)
    return fields + [text[pos:end]]


@lru_cache(maxsize=None)
def templates(lang, table):
    """[(its literal pieces, its longest one, translation, letters of its own)] of a table's templates, the most
    specific first."""
    data = load(lang).get(table, {})
    keys = sorted((k for k in data if template_regex(k)), key=lambda k: (-len(FIELD.sub("", k)), k))
    return [(pieces(k), max(pieces(k), key=len), data[k], len(re.findall(r"[A-Za-z]", FIELD.sub("", k))))
            for k in keys]


class Catalog:
    def __init__(self, lang="en"):
        if lang not in LANGUAGES:
            raise ValueError("unknown language %r (%s)" % (lang, ", ".join(LANGUAGES)))
        self.lang, self.data, self.en = lang, load(lang), load("en")
        self.dir = self.data.get("dir", "ltr")

    def phrase(self, key, **fields):
        text = self.data["phrases"].get(key) or self.en["phrases"].get(key, key)
        return text.format(**fields)

    def translate(self, table, text, depth=0):
        """(text in this language, whether a key matched). A template's fields are translated too, where a
        message, hint or category matches them; a field the translation puts in backticks is code."""
        if not text:
            return text, False
        exact = self.data.get(table, {}).get(text)
        if exact is not None:
            return exact, True
        for parts, piece, translation, letters in templates(self.lang, table):
            if piece not in text or (depth and letters < MIN_FRAGMENT_LETTERS):
                continue                  # (`%s is %s` would match any fragment: it translates whole lines only)
            found = split(parts, text)
            if found is not None:         # a field in backticks is code (backticks in it become quotes),
                fields = [g.replace("`", "'") if "`{%d}`" % i in translation   # the others may be words
                          else self.fragment(g, depth + 1) for i, g in enumerate(found)]
                return translation.format(*fields), True
        return text, False

    def fragment(self, text, depth=1):
        """A string formatted into a template, translated where a table has it: a list joined by '; ' item by
        item; a label with an index, a name or a count after it (`(dx, dw, db) (vs torch)[1]`, `the sigmoid neuron
        at ...: dw0`, `print statements turned into print(...) calls (3)`) as the label."""
        if depth <= MAX_NESTING and text and re.search(r"[A-Za-z]{2}", text):
            for table in FRAGMENT_TABLES:
                out, hit = self.translate(table, text, depth)
                if hit:
                    return out
            if "; " in text:          # a list (`a (2); b (1)`): each item in turn
                items = text.split("; ")
                out = [self.fragment(item, depth + 1) for item in items]
                if out != items:
                    return self.phrase("list_separator").join(out)
            indexed = re.fullmatch(r"(.+?)((?:\[[^\[\]]*\])+|: [\w.\[\]']+| \(\d+\))", text, re.S)
            if indexed and self.fragment(indexed.group(1), depth + 1) != indexed.group(1):
                return self.fragment(indexed.group(1), depth + 1) + indexed.group(2)
        return text

    def _lookup(self, table, text):
        return self.translate(table, text)[0]

    def category(self, text):
        return self._lookup("categories", text)

    def hint(self, text):
        from ..checks.diagnosis import OR
        out, found = self.translate("hints", text)
        if not found and text and OR in text:      # several likely causes (diagnosis.either), each a hint
            return self.phrase("or").join(self.hint(part) for part in text.split(OR))
        return out if found else self.fragment(text)     # a hint made of a message (a parser's reason)

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
            names = m.group(1).split(" and ") if m else []
            return self.phrase("needs_first", checks=self.phrase("and").join("`%s`" % n for n in names))
        if o.check.visibility == "hidden":
            line = self.phrase("hidden_failed", category=self.category(o.category))
        else:
            line = self.category(o.category) or self.phrase("failed")
        if hint:
            line += " — " + self.hint(hint)
        return line

    def explain(self, o):
        """A failure's details in this language: ([(line, is prose)], the failing case as code or None). Prose
        lines are the catalog's (shown as text); the others — a traceback, the line of a syntax error — are
        code. Nothing for a hidden check, a check that passed or was not graded."""
        if o.status in ("passed", "skipped") or o.check.visibility == "hidden" \
                or o.category == "depends on a failed check" or not o.output:
            return [], None
        head, case = split_case(o.output)
        if o.status == "error":               # the grader's own traceback: for the course staff, as it is
            return [(line, False) for line in head.rstrip("\n").splitlines()], case
        shown = (o.extra or {}).get("hint")         # the first line says it already
        lines = [self.line(line) for line in head.rstrip("\n").splitlines()
                 if not (shown and line.strip() == "hint: " + shown)]
        if o.category == "unreadable submission" and lines:     # its first line is the report's note (run.grade)
            text, found = self.translate("notes", head.splitlines()[0].strip())
            lines[0] = (text, True) if found else lines[0]
        return lines, case

    def line(self, line):
        """(one line of details in this language, whether it is prose)."""
        stripped = line.strip()
        if CODE_LINE.match(line):
            return line, False
        if stripped.startswith("hint: "):
            return self.phrase("hint_line", hint=self.hint(stripped[len("hint: "):])), True
        text, found = self.translate("messages", stripped)
        return (text, True) if found else (line, False)

    def details(self, o):
        """The details as one text (the failing case after a line that says so); "" for a hidden check."""
        lines, case = self.explain(o)
        out = "\n".join(text for text, _ in lines)
        if case:
            out += "\n%s\n%s" % (self.phrase("failing_case_short"), case.rstrip("\n"))
        return out.strip("\n")

    def feedback(self, o):
        first, details = self.first_line(o), self.details(o)
        return first + ("\n" + details if details else "")


CASE_MARK = "\nfailing case:\n"


def split_case(details):
    """(explanation, failing case as code or None) of a check's output."""
    if CASE_MARK in details:
        head, case = details.split(CASE_MARK, 1)
        return head, case
    return details, None


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
            "labels": ", ".join("`%s`" % label for label in getattr(check, "labels", ()) or ("output",)),
            "wrt": ", ".join("`d%s`" % w for w in getattr(check, "wrt", ())) or "`d?`",
            "target": "`%s`" % (getattr(check, "target", "") or check.name),
            "min_ratio": "%g" % getattr(check, "min_ratio", 1), "points": "%g" % check.points}
