"""OUTDIR of a batch: a manifest, one result file per student (the commit point), reports beside it.

    OUTDIR/batch.json            who made it: grader version, course-config hash, assignments, shard, students
    OUTDIR/results/<id>.json     one student's record, written atomically the moment it is graded
    OUTDIR/reports/<id>.md|html  the same, for people
    OUTDIR/logs/                 the grading processes' own stderr
    OUTDIR/work/                 the unpacked input and staged copies

A student is graded exactly when results/<id>.json exists, so `--resume` grades what is missing and nothing
twice. Everything else (grades.csv, summaries) is rebuilt from the result files.
"""
import json
import os
import shutil

from .. import __version__
from ..util import atomic_write

SCHEMA = 1
MANIFEST = "batch.json"


class Outdir:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.results = os.path.join(self.path, "results")
        self.reports = os.path.join(self.path, "reports")
        self.logs = os.path.join(self.path, "logs")
        self.work = os.path.join(self.path, "work")

    # ---------------------------------------------------------- manifest
    def manifest(self):
        try:
            with open(os.path.join(self.path, MANIFEST), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def write_manifest(self, data):
        atomic_write(os.path.join(self.path, MANIFEST), json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    # ---------------------------------------------------------- results
    def result_path(self, slug):
        return os.path.join(self.results, slug + ".json")

    def done(self):
        """{slug: status} of every result on disk."""
        out = {}
        if os.path.isdir(self.results):
            for name in os.listdir(self.results):
                if name.endswith(".json") and not name.startswith("."):
                    try:
                        out[name[:-5]] = self.load(name[:-5])["status"]
                    except (OSError, ValueError, KeyError):
                        pass          # unreadable: graded again
        return out

    def load(self, slug):
        with open(self.result_path(slug), encoding="utf-8") as f:
            return json.load(f)

    def write_result(self, record, report=None, lang="en"):
        """The reports first, the result last: a result on disk always has its reports. The reports are the
        student's feedback as `dlgrader grade` renders it (grader.feedback, in `lang`), headed with their id;
        a submission that could not be graded (`report` None) gets a page that says why."""
        from ..feedback import render_html, render_markdown
        head = {"who": record["student"] + (" (%s)" % record["name"] if record.get("name") else "")}
        if report is None:
            from ..report import Report
            reason = (record.get("error") or "").strip()
            head.update(total=(record["score"], record["max_score"]),
                        not_graded=(record["status"], reason.splitlines()[0] if reason else "?"))
            report = Report(", ".join(record.get("source", [])), [], notes=[reason] if "\n" in reason else [])
        atomic_write(os.path.join(self.reports, record["slug"] + ".md"), render_markdown(report, lang, **head))
        atomic_write(os.path.join(self.reports, record["slug"] + ".html"), render_html(report, lang, **head))
        atomic_write(self.result_path(record["slug"]), json.dumps(record, indent=1, ensure_ascii=False) + "\n")

    def clear(self):
        for d in (self.results, self.reports):
            shutil.rmtree(d, ignore_errors=True)


# -------------------------------------------------------------- records
def identity(course, names):
    """What two runs must share to be resumed into one OUTDIR or merged into one gradebook."""
    return {"grader": __version__, "course_config": course.config_hash(), "assignments": list(names)}


def job_of(entry):
    return {"student": entry.student, "slug": entry.slug, "path": entry.path, "name": entry.name,
            "also": list(entry.also), "source": entry.describe(), "canvas_id": entry.canvas_id,
            "origin": entry.source}


def make_record(job, report, names):
    data = report.to_dict()
    data["submission"] = ", ".join(job["source"])      # not the temporary path it was graded from
    per = {n: {"score": 0.0, "max_score": 0.0} for n in names}
    for t in data["tests"]:
        a = per.setdefault(t["assignment"], {"score": 0.0, "max_score": 0.0})
        a["score"] = round(a["score"] + t["score"], 6)
        a["max_score"] = round(a["max_score"] + t["max_score"], 6)
    return dict(_head(job), status="graded", error="", score=data["score"], max_score=data["max_score"],
                assignments=per, seconds=round(report.seconds, 3), report=data)


def error_record(job, message, status, max_scores):
    """A submission the batch could not grade (its grading process crashed or ran out of time): 0 points."""
    per = {n: {"score": 0.0, "max_score": m} for n, m in max_scores.items()}
    return dict(_head(job), status=status, error=message, score=0.0,
                max_score=round(sum(max_scores.values()), 6), assignments=per, seconds=None, report=None)


def _head(job):
    return {"schema": SCHEMA, "student": job["student"], "slug": job["slug"], "name": job.get("name", ""),
            "also": job.get("also", []), "canvas_id": job.get("canvas_id", ""), "origin": job.get("origin", ""),
            "source": job.get("source", [])}
