"""Every student-facing message exists in every language: categories and hints used anywhere in grader/,
the report's phrases, and a description for every registered check."""
import re
import string

import pytest

from grader import spec
from grader.i18n import FIELD, LANGUAGES, Catalog, load, template_regex
from grader.i18n.keys import collect

NOTES = set()
CATEGORIES, HINTS = collect(notes=NOTES)
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def fields(text):
    return sorted({f[1] for f in string.Formatter().parse(text) if f[1] is not None})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_category_and_hint_in_grader_has_a_translation(lang):
    data = load(lang)
    missing = {"categories": sorted(CATEGORIES - set(data["categories"])),
               "hints": sorted(HINTS - set(data["hints"])), "notes": sorted(NOTES - set(data["notes"]))}
    assert not any(missing.values()), "add these keys to grader/i18n/%s.json (python -m grader.i18n): %r" % (
        lang, missing)
    for table in ("categories", "hints", "notes"):
        for key, text in data[table].items():
            assert text.strip(), (lang, key)
            n = len([f for f in FIELD.findall(key) if f != "%%"])
            if template_regex(key):     # a template: its translation names every field {0}..{n-1}
                assert fields(text) == [str(i) for i in range(n)], (lang, key, text)


def test_catalogs_have_the_same_keys_and_persian_is_persian():
    en, fa = load("en"), load("fa")
    assert fa["dir"] == "rtl" and en["dir"] == "ltr"
    for table in ("phrases", "kinds", "categories", "hints", "notes"):
        assert set(en[table]) == set(fa[table]), table
    for key, text in en["phrases"].items():
        assert fields(text) == fields(fa["phrases"][key]), key
    for key, text in en["kinds"].items():
        assert fields(text) == fields(fa["kinds"][key]), key
    for table in ("phrases", "kinds", "categories", "hints", "notes"):
        for key, text in fa[table].items():
            assert PERSIAN.search(text), (table, key, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_registered_check_is_described(lang):
    catalog = Catalog(lang)
    kinds = load(lang)["kinds"]
    for a in spec.assignments():
        for check in a.checks:
            assert check.kind in kinds, "add a description template for kind %r to %s.json" % (check.kind, lang)
            text = catalog.describe(check)
            assert text.strip() and not re.search(r"\{\w+\}", text), (a.name, check.name, text)
            if lang == "fa":
                assert PERSIAN.search(text)


def test_templates_match_formatted_text_most_specific_first():
    fa = Catalog("fa")
    assert fa.hint("define `svm_loss_naive` with the name and signature of the stub").startswith(
        "`svm_loss_naive` ")
    long = ("yours equals the expected values ×2 — a constant factor is wrong (averaging over N? a 0.5 or 2 from "
            "the regularization convention?)")
    assert "×2" in fa.hint(long) and "ضریب ثابت" in fa.hint(long)
    assert fa.hint("something no catalog has") == "something no catalog has"
    note = fa.note("`f` is defined in cells 1, 3: the last definition (cell 3) is graded, as when the notebook runs "
                   "top to bottom")
    assert note.startswith("`f` در سلول‌های 1, 3") and "(سلول 3)" in note
    assert fa.note("knn: your code printed 12 bytes while being graded").endswith("12 بایت چاپ کرد")
    assert Catalog("en").hint(long) == long


def test_collect_sees_literals_templates_conditionals_and_rule_whys(tmp_path):
    (tmp_path / "m.py").write_text(
        "def f(x):\n"
        "    raise Fail('msg', 'cat one' if x else 'cat two', hint='use %s here' % x)\n"
        "def g():\n    raise Fail('m', category=f'cat {3}', hint=WHY)\n"
        "R = MaxLoops(0, 'vectorize it')\n"
        "def loss_hints(inputs):\n    def rule(s, e):\n        return 'a likely cause'\n    return [rule]\n")
    categories, hints = collect(str(tmp_path))
    assert categories == {"cat one", "cat two", "cat %s"}
    assert hints == {"use %s here", "vectorize it", "a likely cause"}
