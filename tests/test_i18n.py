"""Every student-facing message exists in every language and is rendered in it: the categories, hints, notes and
message lines found anywhere in grader/ (new suites included: keys.every_key reads the source), the report's
phrases, a description for every registered check; Persian output has no English sentence outside code."""
import re
import string

import pytest

from grader import spec
from grader.i18n import FIELD, LANGUAGES, Catalog, english, load, template_regex
from grader.i18n.keys import every_key
from grader.i18n.messages import Collector, is_key

KEYS = every_key()
PERSIAN = re.compile(r"[\u0600-\u06FF]")
WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:]+[A-Za-z][A-Za-z'’]*){2,}")
SAMPLE = {"d": 7, "i": 7, "s": "x", "r": "x", "g": 1.5, "f": 1.5, "e": 1.5e-06}


def fields(text):
    return sorted({f[1] for f in string.Formatter().parse(text) if f[1] is not None})


def english_sentences(text):
    """Runs of three or more English words outside `code` (identifiers and numbers are not words here)."""
    text = re.sub(r"`[^`]*`", " ", text)
    return [run for run in WORDS.findall(text) if sum(w.isalpha() and w.islower() and len(w) > 1
                                                     for w in re.split(r"[ ,;:]+", run)) >= 3]


def sample(key):
    """What a template produces with plain values for its fields (the key itself when it has none)."""
    specs = [f for f in FIELD.findall(key) if f != "%%"]
    return key % tuple(SAMPLE[f[-1]] for f in specs) if template_regex(key) else key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_used_in_grader_has_a_translation(lang):
    data = load(lang)
    missing = {table: sorted(keys - set(data.get(table, {}))) for table, keys in KEYS.items()}
    assert not any(missing.values()), "add these keys to grader/i18n/%s.json (python -m grader.i18n): %r" % (
        lang, missing)
    for table in KEYS:
        for key, text in data[table].items():
            assert text.strip(), (lang, key)
            n = len([f for f in FIELD.findall(key) if f != "%%"])
            if template_regex(key):     # a template: its translation names every field {0}..{n-1}
                assert set(fields(text)) == {str(i) for i in range(n)}, (lang, key, text)


@pytest.mark.parametrize("table", sorted(KEYS))
def test_every_key_renders_in_both_languages(table):
    """Each key, formatted with sample values, is found again in English (word for word) and comes out in
    Persian with no English sentence left outside code."""
    en, fa = Catalog("en"), Catalog("fa")
    problems = []
    for key in sorted(set(load("en")[table]) | KEYS[table]):
        text = sample(key)
        out, found = en.translate(table, text)
        if (out, found) != (text, True):
            problems.append(("en", key, out))
        out, found = fa.translate(table, text)
        if not found or not PERSIAN.search(out) or english_sentences(out):
            problems.append(("fa", key, out, english_sentences(out)))
    assert not problems, problems


def test_catalogs_have_the_same_keys_and_persian_is_persian():
    en, fa = load("en"), load("fa")
    assert fa["dir"] == "rtl" and en["dir"] == "ltr"
    for table in ("phrases", "kinds", "categories", "hints", "notes", "messages"):
        assert set(en[table]) == set(fa[table]), (table, set(en[table]) ^ set(fa[table]))
    for key, text in en["phrases"].items():
        assert fields(text) == fields(fa["phrases"][key]), key
    for key, text in en["kinds"].items():
        assert fields(text) == fields(fa["kinds"][key]), key
    for table in ("phrases", "kinds", "categories", "hints", "notes", "messages"):
        for key, text in fa[table].items():
            assert PERSIAN.search(text), (table, key, text)
            assert not english_sentences(re.sub(r"\{\w*\}", " x ", text)), (table, key, text)
    for table in ("categories", "hints", "notes", "messages"):
        for key, text in en[table].items():
            assert text == english(key), (table, key)


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
                assert PERSIAN.search(text) and not english_sentences(text), text


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


def test_fields_are_translated_inside_templates_and_code_stays_code():
    fa = Catalog("fa")
    line = ("dW disagrees with the numerical gradient of your own forward along a random direction: yours 1.5, "
            "numerical 2 (relative error 0.4 > 1e-06)")
    out, found = fa.translate("messages", line)
    assert found and "در راستای یک جهت تصادفی" in out and out.startswith("dW ") and "`0.4`، بیش از `1e-06`" in out
    out, _ = fa.translate("messages", "`predict` raised IndexError: index 5 is out of `bounds`")
    assert out == "`predict` خطای `IndexError` داد: `index 5 is out of 'bounds'`"      # the student's text is code
    out, _ = fa.translate("messages", "output size of the last conv of each stage has shape (2,), expected (4,)")
    assert out.startswith("شکل اندازهٔ خروجی آخرین conv هر مرحله برابر")             # translated, so not code
    assert fa.line("hint: yours are the squared distances: take the square root") == (
        "راهنمایی: فاصله‌های شما مجذورند: جذر بگیرید", True)
    assert fa.line('  File "k.py", line 3, in predict: return d') == ('  File "k.py", line 3, in predict: return d',
                                                                      False)


def test_collect_follows_strings_into_messages(tmp_path):
    source = '''
def hinted(message, category, hint=None):
    return Fail(message + ("\\nhint: " + hint if hint else ""), category, hint=hint)

def check(x, label):
    extra = diagnose(x)
    if x:
        raise hinted("the %s is wrong" % where(x), "cat")
    raise Fail("\\n".join(["%s has a bad value" % label] + extra), "cat")

def diagnose(x):
    lines = []
    lines.append("largest error at %s" % x)
    return lines

def where(x):
    return "first row" if x else "the value"

def caller():
    check(1, "the loss of the batch")
    check(1, "dx")
'''
    import ast
    keys = Collector([ast.parse(source)]).collect()
    assert keys == {"the %s is wrong", "first row", "the value", "%s has a bad value", "largest error at %s",
                    "the loss of the batch"}
    assert not is_key("dists") and not is_key("predict(X_train, k=1)") and is_key("conv(x shifted by %d) is wrong")


def test_collect_sees_literals_templates_conditionals_and_rule_whys(tmp_path):
    from grader.i18n.keys import collect
    (tmp_path / "m.py").write_text(
        "def f(x):\n"
        "    raise Fail('msg', 'cat one' if x else 'cat two', hint='use %s here' % x)\n"
        "def g():\n    raise Fail('m', category=f'cat {3}', hint=WHY)\n"
        "R = MaxLoops(0, 'vectorize it')\n"
        "def loss_hints(inputs):\n    def rule(s, e):\n        return 'a likely cause'\n    return [rule]\n")
    categories, hints = collect(str(tmp_path))
    assert categories == {"cat one", "cat two", "cat %s"}
    assert hints == {"use %s here", "vectorize it", "a likely cause"}


@pytest.fixture(scope="module")
def graded_fa(tmp_path_factory):
    """Real reports of typical mistakes, rendered in Persian (the backstop for strings no collector sees)."""
    from grader.run import grade
    from helpers import REFERENCE, STUBS, mutant
    work = tmp_path_factory.mktemp("fa")
    knn = mutant(work, "knn", "k_nearest_neighbor.py", "return np.sqrt(np.maximum(sq, 0.0))",
                 "return np.maximum(sq, 0.0)")
    broken = work / "broken"
    broken.mkdir()
    (broken / "linear_svm.py").write_text(open(REFERENCE + "/linear_classifiers/linear_svm.py").read().replace(
        "def svm_loss_vectorized(W, X, y, reg):", "def svm_loss_vectorized(W, X, y, reg)"))
    reports = [grade(knn, ["knn"], isolation="l0"), grade(str(broken), ["linear_classifiers"], isolation="l0"),
               grade(STUBS + "/dropout", ["dropout"], isolation="l0")]
    return [(r.to_markdown("fa"), r.to_text(lang="fa"), r.to_html("fa")) for r in reports]


def test_persian_reports_have_no_english_sentence_outside_code(graded_fa):
    for markdown, text, page in graded_fa:
        assert "مجموع" in text and "total" not in text
        prose = re.sub(r"(?s)(`{3,}).*?\1", " ", markdown)                 # fenced code
        prose = re.sub(r"(?s)<footer>.*?</footer>|^---.*", " ", prose)
        found = english_sentences(prose)
        assert not found, found
        body = re.sub(r"(?s)<(pre|code|style|script|svg)\b.*?</\1>", " ", page)
        body = html_text(body)
        assert not english_sentences(body), english_sentences(body)


def html_text(page):
    import html
    return html.unescape(re.sub(r"<[^>]+>", " ", page))
