"""The student's HTML report: self-contained, right-to-left in Persian, figures where they help, hidden checks
without values; rendered by headless Chromium (Debian's `chromium`) without console errors and not blank."""
import os
import re
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest

from grader import spec
from grader.figures import curves, png
from grader.isolation import probe
from grader.report import Report
from grader.run import grade
from helpers import mutant

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """knn with squared distances in the two-loop version (a public and a hidden failure)."""
    path = mutant(tmp_path_factory.mktemp("m"), "knn", "k_nearest_neighbor.py",
                  "dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))",
                  "dists[i, j] = np.sum((X[i] - self.X_train[j]) ** 2)")
    r = grade(path, ["knn"], isolation=probe("l0"))
    assert {o.check.name for o in r.outcomes if o.status == "failed"} >= {"distances_two_loops.values",
                                                                          "distances_two_loops.hidden"}
    return r


def card(page, name):
    """The failure card of check `name` (failures are cards, first on the page)."""
    start = page.index('<article class="failure failed" id="c-%s">' % name)
    return page[start:page.index("</article>", start)]


def test_failures_come_first_and_passing_checks_are_one_line_per_function(report):
    page = report.to_html("en")
    failures, passed = page.index('<section class="to-fix">'), page.index('<section class="passed">')
    assert failures < passed < page.index('<details class="all">')
    assert page.index('id="c-distances_two_loops.values"') < passed        # the first failure is above
    listed = page[passed:page.index("</section>", passed)]
    assert listed.count("<li") == len({o.check.name.split(".")[0] for o in report.outcomes if o.status == "passed"})
    assert ">distances_one_loop<" in listed and ">values<" in listed and ">rules<" in listed
    md = report.to_markdown("en")
    assert md.index("## What to fix") < md.index("#### `distances_two_loops.values`") < md.index("## Passed")
    text = report.to_text()
    assert text.index("distances_two_loops.values") < text.index("`distances_one_loop`: `values`, `hidden`")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_page_is_self_contained(report, lang):
    page = report.to_html(lang)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|<link|url\(""", page, re.I)
    assert '<meta charset="utf-8">' in page


def test_persian_is_right_to_left_with_a_persian_font_stack(report):
    page = report.to_html("fa")
    assert '<html lang="fa" dir="rtl">' in page and "Vazirmatn" in page and "Noto Naskh Arabic" in page
    assert "مقدارها نادرست‌اند" in page and "فاصله‌های شما مجذورند" in page
    assert '<pre dir="ltr">' in page                       # code and numbers stay left to right
    assert '<html lang="en" dir="ltr">' in report.to_html("en")
    md = report.to_markdown("fa")
    assert md.startswith('<div dir="rtl" lang="fa">') and md.rstrip().endswith("</div>")


def test_public_failure_shows_the_case_as_code_and_the_matrices_side_by_side(report):
    part = card(report.to_html("en"), "distances_two_loops.values")
    assert "The smallest failing case, as code you can paste" in part and "X = np.array([[" in part
    assert "yours are the squared distances" in part               # the diagnosis, in the card's first line
    assert part.count('src="data:image/png;base64,') == 3      # yours, expected, |yours − expected|
    assert "yours" in part and "expected" in part
    o = next(o for o in report.outcomes if o.check.name == "distances_two_loops.values")
    (fig,) = o.extra["figures"]
    assert fig["kind"] == "matrices" and fig["panels"][0][1].shape == fig["panels"][1][1].shape


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_hidden_failure_shows_category_and_hint_only(report, lang):
    o = next(o for o in report.outcomes if o.check.name == "distances_two_loops.hidden")
    assert o.extra["figures"] == []
    part = card(report.to_html(lang), "distances_two_loops.hidden")
    assert "data:image" not in part and "np.array" not in part and "<pre" not in part
    assert not re.search(r"\d\.\d", part.split('class="first"')[1])   # no values at all
    text = report.to_text(lang=lang)
    line = next(l for l in text.splitlines() if "distances_two_loops.hidden" in l)
    assert ("hidden check failed: wrong values" in line) if lang == "en" else ("بررسی پنهان قبول نشد" in line)


def test_loss_curves_and_error_heatmaps_render():
    check = spec.get("knn").check("predict.values")
    o = spec.Outcome(check, "knn", 0.0, "failed", "loss differs", category="wrong values",
                     extra={"hint": None, "figures": [
                         curves("loss on the same problem", [("figure.yours", [3, 2, 1.5, 1.4]),
                                                             ("figure.reference", [3, 1.5, 0.7, 0.2])],
                                xlabel="iteration"),
                         {"kind": "heatmap", "title": "out[0, 1, :, :]", "label": "figure.error",
                          "data": np.arange(12.0).reshape(3, 4)}]})
    page = Report(path="x", outcomes=[o]).to_html("fa")
    assert page.count("<polyline") == 2 and "مال شما" in page and "مرجع" in page
    assert page.count('src="data:image/png;base64,') == 1


def decode_png(data):
    """(H, W, channels) uint8 from an 8-bit RGB(A) PNG without interlacing (what Chromium writes)."""
    pos, idat, header = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        header = struct.unpack(">IIBBBBB", body) if kind == b"IHDR" else header
        idat += [body] if kind == b"IDAT" else []
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = header
    assert depth == 8 and interlace == 0 and ctype in (2, 6)
    bpp = 3 if ctype == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, 1 + w * bpp)
    out, prev = np.zeros((h, w * bpp), np.uint8), np.zeros(w * bpp, np.int64)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int64)
        if f == 0:
            cur = line
        elif f == 1:
            cur = line.reshape(w, bpp).cumsum(axis=0).reshape(-1)
        elif f == 2:
            cur = line + prev
        else:
            L, P, C = line.tolist(), prev.tolist(), [0] * (w * bpp)
            for i in range(w * bpp):
                a, b = (C[i - bpp] if i >= bpp else 0), P[i]
                if f == 3:
                    C[i] = (L[i] + (a + b) // 2) & 255
                else:
                    c = P[i - bpp] if i >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    C[i] = (L[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = np.array(C)
        prev = cur & 255
        out[y] = prev
    return out.reshape(h, w, bpp)


def test_png_encoder_roundtrip():
    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3)).astype(np.uint8)
    assert np.array_equal(decode_png(png(rgb)), rgb)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_chromium_renders_the_report_without_errors_and_not_blank(report, tmp_path, lang):
    page = tmp_path / ("report-%s.html" % lang)
    page.write_text(report.to_html(lang), encoding="utf-8")
    shot = tmp_path / "shot.png"
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr",
            "--v=0", "--user-data-dir=%s" % (tmp_path / "profile")]
    env = dict(os.environ, HOME=str(tmp_path))
    dom = subprocess.run(base + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60, env=env)
    assert 'data-ready="1"' in dom.stdout, dom.stderr[-2000:]     # the page's script ran to its end
    proc = subprocess.run(base + ["--screenshot=%s" % shot, "--window-size=900,900", page.as_uri()],
                          capture_output=True, text=True, timeout=60, env=env)
    console = [l for l in (dom.stderr + proc.stderr).splitlines() if ":CONSOLE" in l or "Uncaught" in l]
    assert not console, console
    img = decode_png(shot.read_bytes())[..., :3]
    colours = len(np.unique(img.reshape(-1, 3), axis=0))
    not_white = float(np.mean(np.any(img < 240, axis=2)))
    assert colours > 50 and not_white > 0.03, (colours, not_white)
