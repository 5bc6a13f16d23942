"""Batch pieces that need no grading: finding students in every input layout, shards, the gradebook and
report renderers, and the refusals that keep one gradebook from mixing grader versions or settings."""
import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from grader.batch.inputs import (CANVAS, InputError, assign_slugs, canvas_file_name, discover,
                                 read_gradescope_metadata, stage_all, Entry)
from grader.batch.run import BatchError, merge, parse_shard, shard_of
from grader.reports import gradebook, junit, summary
from helpers import ROOT

GRADESCOPE_METADATA = """submission_1001:
  :submitters:
  - :name: Solo Student
    :sid: '100'
    :email: solo@example.edu
  :created_at: 2024-03-01 10:00:00.000000000 -08:00
  :score: 3.0
  :history:
  - :created_at: 2024-02-28 10:00:00.000000000 -08:00
    :score: 1.0
submission_1002:
  :submitters:
  - :name: Pair One
    :sid: '200'
    :email: one@example.edu
  - :name: Pair Two
    :sid:
    :email: two@example.edu
"""


def test_gradescope_metadata_is_read_like_yaml_would():
    found = read_gradescope_metadata(GRADESCOPE_METADATA)
    assert found == {"submission_1001": [{"name": "Solo Student", "sid": "100", "email": "solo@example.edu"}],
                     "submission_1002": [{"name": "Pair One", "sid": "200", "email": "one@example.edu"},
                                         {"name": "Pair Two", "sid": "", "email": "two@example.edu"}]}
    yaml = pytest.importorskip("yaml")
    dumped = yaml.safe_dump({"submission_7": {":created_at": "x", ":results": {"tests": [{"name": "t"}]},
                                              ":submitters": [{":name": "O'Neil, Ann", ":sid": "007"}]}})
    assert read_gradescope_metadata(dumped) == {"submission_7": [{"name": "O'Neil, Ann", "sid": "007"}]}


def test_gradescope_export_layout(tmp_path):
    export = tmp_path / "assignment_42_export"
    (export / "submission_1001").mkdir(parents=True)
    (export / "submission_1001" / "knn.py").write_text("")
    (export / "submission_1002").mkdir()
    (export / "submission_metadata.yml").write_text(GRADESCOPE_METADATA)
    (export / "stray").mkdir()
    found = discover(str(tmp_path), str(tmp_path / "work"))
    assert found.layout == "gradescope"
    assert [(e.student, e.name, e.also) for e in found.entries] == [("100", "Solo Student", []),
                                                                    ("200", "Pair One", ["two@example.edu"])]
    assert found.skipped == [("stray", "not listed in submission_metadata.yml")]


def test_canvas_flat_files_are_grouped_per_user_and_renamed(tmp_path):
    for name in ("smithbob_340934_208490284_k_nearest_neighbor.py", "smithbob_340934_208490284_cross_validation-2.py",
                 "wellslane_LATE_334244_394803489_work.zip", "wellslane_LATE_334244_394803489_notes.pdf"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text("x = 1\n")
    found = discover(str(tmp_path / "in"), str(tmp_path / "work"))
    assert found.layout == "canvas"
    assert [(e.student, e.name, e.canvas_id) for e in found.entries] == [("334244", "wellslane", "334244"),
                                                                         ("340934", "smithbob", "340934")]
    assert found.skipped == [("wellslane_LATE_334244_394803489_notes.pdf",
                              "not a folder, .py, .ipynb, .zip or an answers .toml/.json")]
    stage_all(found.entries, str(tmp_path / "work"))
    assert sorted(os.listdir(found.entries[1].path)) == ["cross_validation.py", "k_nearest_neighbor.py"]
    assert found.entries[0].path.endswith("work.zip")        # a single .zip is graded as it is
    assert canvas_file_name("a_1_2_layers-10.py") == "layers.py" and canvas_file_name("a_1_2_my-file.py") == "my-file.py"
    assert CANVAS.match("doe_late_12_34_x.py") and not CANVAS.match("alice.py")


def test_plain_folder_zip_input_and_id_pattern(tmp_path):
    with zipfile.ZipFile(str(tmp_path / "class.zip"), "w") as zf:
        zf.writestr("class/alice/knn.py", "")
        zf.writestr("class/bob.py", "")
        zf.writestr("class/hw1-carol-99.zip", b"PK")
        zf.writestr("class/../../escape.py", "")
        zf.writestr("class/__MACOSX/._bob.py", "")
    work = str(tmp_path / "work")
    found = discover(str(tmp_path / "class.zip"), work)
    assert [e.student for e in found.entries] == ["alice", "bob", "hw1-carol-99"] and found.layout == "folder"
    assert not (tmp_path / "escape.py").exists()
    stamp = os.stat(os.path.join(work, "input", ".dlgrader-unpacked")).st_mtime_ns
    discover(str(tmp_path / "class.zip"), work)                        # the same .zip is not unpacked again
    assert os.stat(os.path.join(work, "input", ".dlgrader-unpacked")).st_mtime_ns == stamp
    found = discover(str(tmp_path / "class.zip"), work, id_pattern=r"-(?P<id>\w+)-\d+")
    assert [e.student for e in found.entries] == ["carol"] and len(found.skipped) == 2
    with pytest.raises(InputError):
        discover(str(tmp_path / "missing"), work)


def test_a_folder_with_one_student_is_a_class_of_one(tmp_path):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "class" / "alice" / "knn.py").write_text("")
    found = discover(str(tmp_path / "class"), str(tmp_path / "work"))
    assert [e.student for e in found.entries] == ["alice"]
    (tmp_path / "outer" / "assignment_9_export" / "submission_1").mkdir(parents=True)
    (tmp_path / "outer" / "assignment_9_export" / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: A\n    :sid: '9'\n")
    assert [e.student for e in discover(str(tmp_path / "outer"), str(tmp_path / "w2")).entries] == ["9"]


def test_slugs_are_safe_and_unique():
    entries = [Entry(s, []) for s in ("Bob", "bob", "a/b", "..", "ok-1")]
    assign_slugs(entries)
    slugs = [e.slug for e in entries]
    assert len({s.lower() for s in slugs}) == 5 and "ok-1" in slugs
    assert all("/" not in s and not s.startswith(".") for s in slugs)


def test_shards_partition_the_class_stably():
    ids = ["%05d" % i for i in range(400)]
    for n in (1, 3, 4):
        parts = [[s for s in ids if shard_of(s, n) == i] for i in range(1, n + 1)]
        assert sorted(sum(parts, [])) == ids and all(parts)
    assert shard_of("alice", 4) == shard_of("alice", 4) == 1 + int.from_bytes(
        __import__("hashlib").sha256(b"alice").digest()[:8], "big") % 4
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x", "1/0"):
        with pytest.raises(BatchError):
            parse_shard(bad)


# ------------------------------------------------------------------ renderers
def record(sid, score, status="graded", output="", name=""):
    tests = [{"name": "a.values", "assignment": "knn", "kind": "compare", "score": score, "max_score": 2,
              "status": "passed" if score == 2 else "failed", "visibility": "visible", "output": output,
              "category": "wrong values", "seconds": 0.1}]
    return {"schema": 1, "student": sid, "slug": sid, "name": name, "also": [], "canvas_id": "", "origin": "folder",
            "source": [sid], "status": status, "error": "" if status == "graded" else "it crashed\ntrace",
            "score": score, "max_score": 2, "assignments": {"knn": {"score": score, "max_score": 2}},
            "seconds": 1.0, "report": {"tests": tests if status == "graded" else [], "notes": [],
                                       "environment": {"grader": "0.1.0"}, "isolation": {"layers": ["L0"]}}}


def test_gradebook_csv_is_deterministic_and_spreadsheet_safe():
    records = {"=cmd": record("=cmd", 2, name="+SUM(A1)"), "b": record("b", 1.5)}
    expected = [{"student": "b", "slug": "b"}, {"student": "=cmd", "slug": "=cmd"}, {"student": "c", "slug": "c"}]
    table = gradebook.rows(expected, records, ["knn"])
    text = gradebook.grades_csv(table, ["knn"])
    assert text.splitlines() == ["student,name,knn,total,max_score,status", "'=cmd,'+SUM(A1),2,2,2,graded",
                                 "b,,1.5,1.5,2,graded", "c,,,,,missing"]
    assert gradebook.number(1 / 3) == "0.3333" and gradebook.number(0.0) == "0" and gradebook.number(22.0) == "22"
    canvas = list(csv.reader(io.StringIO(gradebook.canvas_csv(table, ["knn"], {"knn": 2.0}))))
    assert canvas[1] == ["Points Possible", "", "", "", "", "2"] and len(canvas) == 4   # the missing row is left out


def test_group_submissions_give_every_member_a_row():
    r = record("200", 2)
    r["also"] = ["201"]
    table = gradebook.rows([{"student": "200", "slug": "200"}], {"200": r}, ["knn"])
    assert [(row["student"], row["total"]) for row in table] == [("200", 2), ("201", 2)]


def test_student_reports_escape_what_the_submission_controls(tmp_path):
    """The batch's per-student pages are `dlgrader grade`'s feedback (grader.feedback), headed with the id."""
    from grader.batch.store import Outdir
    from grader.report import Report
    from grader.spec import Outcome, get
    check = next(c for c in get("knn").checks if c.visibility == "visible")
    hostile = "wrong values\n<script>alert(1)</script>\n```\nTraceback | x"
    report = Report("s1", [Outcome(check, "knn", 0.0, "failed", hostile, category="wrong values")])
    store = Outdir(str(tmp_path))
    store.write_result(record("s1", 0, name="<b>Bob</b>"), report, "en")
    page = (tmp_path / "reports" / "s1.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Bob" in page
    assert "Feedback for s1" in page
    md = (tmp_path / "reports" / "s1.md").read_text()
    fence = md.index("````text\n")          # longer than the ``` inside: the student's text cannot close it
    assert md.index("<script>") > fence and md.count("<script>") == 1 and md.index("\n````\n", fence) > 0
    assert "Feedback for s1" in md
    store.write_result(record("s2", 0, status="error"), None, "fa")
    crashed = (tmp_path / "reports" / "s2.html").read_text()
    assert "نمره‌گذاری نشد (خطا): it crashed" in crashed and 'dir="rtl"' in crashed
    assert "0 از 2" in crashed and (tmp_path / "results" / "s2.json").exists()


def test_junit_is_valid_xml_even_with_control_characters():
    text = junit.junit_xml([record("s1", 0, output="bad \x00\x1b[31m byte"), record("s2", 2),
                            record("s3", 0, status="timeout")])
    root = ET.fromstring(text)
    assert root.get("tests") == "3" and root.get("failures") == "1" and root.get("errors") == "1"
    assert [s.get("name") for s in root.findall("testsuite")] == ["s1", "s2", "s3"]


def test_summary_counts_and_orders():
    records = {s: record(s, sc, output="dists differs by %d" % i) for i, (s, sc) in
               enumerate([("a", 0), ("b", 0), ("c", 2)])}
    records["d"] = record("d", 0, status="timeout")
    expected = [{"student": s, "slug": s} for s in "abcde"]
    s = summary.build({"grader": "0.1.0"}, expected, records, ["knn"], {"knn": 2.0})
    assert (s["students"], s["graded"], s["not_graded"], s["missing"]) == (5, 3, 1, 1)
    assert s["checks"][0]["failed"] == 2 and s["checks"][0]["failure_rate"] == round(2 / 3, 4)
    assert s["diagnoses"][0] == {"line": "dists differs by #", "students": 2, "occurrences": 2,
                                 "checks": ["a.values"], "example": "dists differs by 0"}
    assert s["problems"] == [{"student": "d", "slug": "d", "status": "timeout", "detail": "it crashed"}]
    assert [b["count"] for b in s["histogram"]][0] == 3 and s["histogram"][-1]["count"] == 1
    assert "<h1>Batch summary</h1>" in summary.to_html(s)


# ------------------------------------------------------------------ refusals
def fake_outdir(path, students, shard=None, grader="0.1.0", config="abc"):
    os.makedirs(os.path.join(path, "results"))
    manifest = {"grader": grader, "course_config": config, "assignments": ["knn"], "shard": shard,
                "max_scores": {"knn": 2.0}, "students": [{"student": s, "slug": s} for s in students]}
    json.dump(manifest, open(os.path.join(path, "batch.json"), "w"))
    for s in students:
        json.dump(record(s, 2), open(os.path.join(path, "results", s + ".json"), "w"))
    return path


def test_merge_refuses_mismatched_grader_or_course(tmp_path):
    a = fake_outdir(str(tmp_path / "a"), ["s1"], shard=[1, 2])
    b = fake_outdir(str(tmp_path / "b"), ["s2"], shard=[2, 2], grader="0.2.0")
    c = fake_outdir(str(tmp_path / "c"), ["s2"], shard=[2, 2], config="zzz")
    d = fake_outdir(str(tmp_path / "d"), ["s2"], shard=[2, 2])
    e = fake_outdir(str(tmp_path / "e"), ["s1"], shard=[2, 2])
    for other, why in ((b, "grader"), (c, "course_config")):
        with pytest.raises(BatchError, match=why):
            merge([a, other], str(tmp_path / "m"))
    with pytest.raises(BatchError, match="in both"):
        merge([a, e], str(tmp_path / "m"))
    assert merge([a, d], str(tmp_path / "m")) == 0
    assert open(str(tmp_path / "m" / "grades.csv")).read().splitlines()[1:] == ["s1,,2,2,2,graded",
                                                                               "s2,,2,2,2,graded"]
    assert merge([a, b], str(tmp_path / "forced"), force=True) == 0


def dlgrader(*args):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)


def test_batch_refuses_to_mix_runs_unless_forced(tmp_path):
    from grader.batch.run import run_batch
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.py").write_text("")
    other = str(tmp_path / "other.toml")
    (tmp_path / "other.toml").write_text('secret = "another"\n')
    inp, out = str(tmp_path / "in"), str(tmp_path / "out")
    run_batch(inp, out, ["knn"], jobs=1)
    again = dlgrader("batch", inp, "-o", out, "-a", "knn")
    assert again.returncode == 2 and "--resume" in again.stderr
    with pytest.raises(BatchError, match="course_config"):
        run_batch(inp, out, ["knn"], resume=True, course_path=other)
    with pytest.raises(BatchError, match="shard"):
        run_batch(inp, out, ["knn"], resume=True, shard=(1, 2))
    with pytest.raises(BatchError, match="assignments"):
        run_batch(inp, out, ["knn", "linear_classifiers"], resume=True)
    with pytest.raises(BatchError, match="unknown assignment"):
        run_batch(inp, out, ["nope"], resume=True)
    run_batch(inp, out, ["knn"], resume=True, force=True, course_path=other)
    assert json.load(open(os.path.join(out, "batch.json")))["forced"] is True


def test_merge_of_an_unfinished_shard_marks_students_missing(tmp_path):
    a = fake_outdir(str(tmp_path / "a"), ["s1", "s2"], shard=[1, 1])
    os.remove(os.path.join(a, "results", "s2.json"))
    assert merge([a], str(tmp_path / "m")) == 1
    rows = open(str(tmp_path / "m" / "grades.csv")).read().splitlines()
    assert rows[2] == "s2,,,,,missing"
    proc = dlgrader("merge", a, "-o", str(tmp_path / "m2"))
    assert proc.returncode == 1 and "no result yet" in proc.stderr


def test_progress_bar_on_a_terminal_and_silent_otherwise():
    from rich.console import Console
    from grader.batch.progress import Progress
    screen = io.StringIO()
    bar = Progress(console=Console(file=screen, force_terminal=True, width=120))
    bar.start(2, 3)
    bar.advance({}, {"score": 22, "max_score": 22, "status": "graded"})
    bar.advance({}, {"score": 0, "max_score": 22, "status": "timeout"})
    bar.stop()
    assert "mean 50% · full marks 1/2 · not graded 1" in screen.getvalue() and "2/2" in screen.getvalue()
    quiet = io.StringIO()
    bar = Progress(console=Console(file=quiet))
    bar.start(1, 0)
    bar.advance({}, {"score": 1, "max_score": 2, "status": "graded"})
    bar.stop()
    assert quiet.getvalue() == ""


def test_without_a_the_gradebook_has_the_assignments_the_class_wrote(tmp_path):
    import shutil
    from grader import spec
    from grader.batch.run import detect_assignments
    inp = tmp_path / "in"
    shutil.copytree(os.path.join(ROOT, "reference", "knn"), str(inp / "alice"))
    (inp / "bob.py").write_text(open(os.path.join(ROOT, "reference", "linear_classifiers", "softmax.py")).read())
    (inp / "carol.py").write_text("def oops(:\n")
    (inp / "dave.zip").write_bytes(b"PK not a zip")
    found = discover(str(inp), str(tmp_path / "work"))
    stage_all(found.entries, str(tmp_path / "work"))
    assert detect_assignments(found.entries, str(tmp_path / "work")) == ["knn", "linear_classifiers"]
    nothing = [e for e in found.entries if e.student in ("carol", "dave")]
    assert detect_assignments(nothing, str(tmp_path / "work")) == [a.name for a in spec.assignments()]
    assert not [d for d in os.listdir(str(tmp_path / "work")) if d.startswith("detect-")]
