"""The TA's summary of a kNN + linear-classifiers class (tests/batch_cases.py: complete, stubs, half-done, one
assignment only, a syntax error, and the real misconceptions): per assignment only those who handed it in count,
its distribution is a figure, its checks are ranked by failure rate, its misconceptions are named with a count
and an example; the first screen (1280×2000 in headless Chromium) shows it all and nothing about assignments
nobody handed in."""
import copy
import os
import shutil
import subprocess

import numpy as np
import pytest

from batch_cases import write_ml
from grader.batch.store import make_record
from grader.reports import summary
from grader.run import grade
from helpers import REFERENCE
from test_html_report import CHROMIUM, decode_png

NAMES = ["knn", "linear_classifiers"]
MAX = {"knn": 22.0, "linear_classifiers": 34.0}
COPIES = 2        # students per kind (graded once per kind: the same files give the same result)
KINDS = ["complete", "squared_two_loops", "svm_reg_gradient_missing", "stubs", "half_done",
         "softmax_reg_gradient_missing", "knn_only", "squared_and_reg_missing", "syntax_error", "k_ignored"]


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """{student: record}: each kind graded once at L0, every student of that kind gets its result."""
    work = tmp_path_factory.mktemp("class")
    graded = {}
    for kind in KINDS:
        write_ml(str(work), kind, kind)
        graded[kind] = grade(str(work / kind), NAMES, isolation="l0")
    records, kinds = {}, {}
    for i in range(COPIES * len(KINDS)):
        kind, student = KINDS[i % len(KINDS)], "s%03d" % (i + 1)
        job = {"student": student, "slug": student, "source": [student + "/"]}
        records[student] = copy.deepcopy(make_record(job, graded[kind], NAMES))
        kinds[student] = kind
    return records, kinds


@pytest.fixture(scope="module")
def built(klass):
    records, _ = klass
    expected = [{"student": s, "slug": s} for s in sorted(records)]
    return summary.build({"grader": "test", "course_config": "abc"}, expected, records, NAMES, MAX)


def of(kinds, *wanted):
    return sorted(s for s, k in kinds.items() if k in wanted)


def test_only_those_who_handed_an_assignment_in_count_for_it(klass, built):
    _, kinds = klass
    linear = built["by_assignment"]["linear_classifiers"]
    assert linear["not_handed_in"] == len(of(kinds, "knn_only"))
    assert linear["handed_in"] == len(kinds) - linear["not_handed_in"]
    assert built["by_assignment"]["knn"]["handed_in"] == len(kinds)          # a syntax error is handed in
    assert sum(linear["bins"]) == linear["handed_in"] and linear["bins"][-1] == linear["score"]["full_marks"]
    assert linear["score"]["zero"] == len(of(kinds, "stubs", "half_done"))   # knn_only is not a zero here
    rows = {c["check"]: c for c in linear["checks"]}
    assert all(c["students"] == linear["handed_in"] for c in rows.values())
    rates = [c["failure_rate"] for c in linear["checks"]]
    assert rates == sorted(rates, reverse=True) and rates[0] > 0
    every = " ".join(d["line"] for d in built["diagnoses"]) + " ".join(c["category"] for c in built["categories"])
    assert "` is missing:" not in every and "missing function" not in every  # "not handed in" is no diagnosis


def test_the_real_misconceptions_are_named_with_counts_and_an_example(klass, built):
    _, kinds = klass
    knn = {m["diagnosis"]: m for m in built["by_assignment"]["knn"]["misconceptions"]}
    squared = knn["yours are the squared distances: take the square root"]
    assert squared["students"] == len(of(kinds, "squared_two_loops", "squared_and_reg_missing"))
    assert squared["example"] == of(kinds, "squared_two_loops", "squared_and_reg_missing")[0]
    linear = {m["diagnosis"]: m for m in built["by_assignment"]["linear_classifiers"]["misconceptions"]}
    reg = linear["the gradient of the regularization term (2·reg·W) is missing"]
    assert reg["students"] == len(of(kinds, "svm_reg_gradient_missing", "softmax_reg_gradient_missing",
                                     "squared_and_reg_missing"))
    assert any("svm_loss_naive" in c for c in reg["checks"]) and any("softmax" in c for c in reg["checks"])
    assert not any("NotImplementedError" in m for m in list(knn) + list(linear))


def test_students_who_need_attention(klass, built):
    _, kinds = klass
    zero = {(a["student"], a["what"]) for a in built["attention"]}
    for s in of(kinds, "stubs"):
        assert {(s, "0 on knn"), (s, "0 on linear_classifiers")} <= zero
    for s in of(kinds, "syntax_error"):
        assert (s, "0 on knn") in zero and any(a["detail"] == "handed in; syntax error" for a in built["attention"]
                                               if a["student"] == s)
    assert not any(s in of(kinds, "knn_only") and w == "0 on linear_classifiers" for s, w in zero)


def test_number_masking_keeps_words_with_digits():
    assert summary.NUMBER.sub("#", "cs231n: dists[0, 3] is 1.5e-07 in float64 (W2 = -3)") == \
        "cs231n: dists[#, #] is # in float64 (W2 = #)"


def test_the_first_screen_shows_distributions_and_misconceptions(built, tmp_path):
    page = summary.to_html(built)
    assert "<script" not in page and page.count("<svg") == len(NAMES)
    first = page[:page.index("<h2>Students who need attention</h2>")]     # the cards: what the first screen holds
    assert "squared distances" in first and "regularization term (2·reg·W) is missing" in first
    assert first.count('<section class="card"') == 2 and "AddGate" not in page and "backprop" not in page
    assert page.index("Every misconception") > page.index("Students who need attention")
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed")
    path = tmp_path / "summary.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "first-screen.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                    "--user-data-dir=%s" % (tmp_path / "profile"), "--screenshot=%s" % shot, "--window-size=1280,2000",
                    path.as_uri()], capture_output=True, timeout=60, env=dict(os.environ, HOME=str(tmp_path)))
    img = decode_png(shot.read_bytes())[..., :3]
    assert img.shape[:2] == (2000, 1280)
    green = np.all(img == (0x2f, 0x8f, 0x5b), axis=2)           # the full-marks bars of both distributions
    assert green[:, :640].sum() > 200 and green[:, 640:].sum() > 200
    if os.environ.get("DLGRADER_KEEP_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["DLGRADER_KEEP_SCREENSHOT"])


def test_a_new_assignment_shows_like_the_old_ones(tmp_path):
    """Issue 17's assignments go through the same summary and student report: schedules' distribution as a
    figure, its misconception named with a count, and a student's report (in Persian) that leads with the failure
    and draws it (the learning-rate curve, epoch by epoch)."""
    early = tmp_path / "early"
    shutil.copytree(os.path.join(REFERENCE, "schedules"), early, ignore=shutil.ignore_patterns("__pycache__"))
    source = (early / "schedules.py").read_text()
    step = "out = learning_rate * float(gamma) ** (np.asarray(t) // step_size)"
    assert step in source
    (early / "schedules.py").write_text(source.replace(step, step.replace("(np.asarray(t) //",
                                                                          "((np.asarray(t) + 1) //")))
    graded = {"complete": grade(os.path.join(REFERENCE, "schedules"), ["schedules"], isolation="l0"),
              "early": grade(str(early), ["schedules"], isolation="l0")}
    records = {}
    for i, kind in enumerate(["complete", "early", "early"]):
        student = "s%03d" % (i + 1)
        job = {"student": student, "slug": student, "source": [student + "/"]}
        records[student] = copy.deepcopy(make_record(job, graded[kind], ["schedules"]))
    built = summary.build({"grader": "test", "course_config": "abc"}, [{"student": s, "slug": s} for s in records],
                          records, ["schedules"], {"schedules": graded["complete"].max_score})
    card = built["by_assignment"]["schedules"]
    assert card["handed_in"] == 3 and card["score"]["full_marks"] == 1 and card["checks"][0]["failure_rate"] > 0
    named = {m["diagnosis"]: m for m in card["misconceptions"]}
    assert named["yours decays one epoch early: the first decay is at t = step_size"]["students"] == 2
    page = summary.to_html(built)
    assert page.count("<svg") == 1 and "one epoch early" in page
    report = graded["early"].to_html("fa")
    assert report.index('<section class="to-fix">') < report.index("step_decay.values") < \
        report.index('<section class="passed">')
    article = report[report.index('id="c-step_decay.values"'):]
    article = article[:article.index("</article>")]
    assert "<svg" in article and "نرخ یادگیری، دوره به دوره" in article and "یک دوره زودتر" in article
