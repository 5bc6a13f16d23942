"""The result of grading one submission, and every format it is written in."""
import json
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata

from . import __version__


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment(course):
    from .course import DEFAULT_SECRET
    return {"grader": __version__, "python": platform.python_version(), "numpy": _version("numpy"),
            "torch": _version("torch"), "hypothesis": _version("hypothesis"), "platform": sys.platform,
            "course_config": course.config_hash(), "profile": getattr(course, "profile", "dlgrader"),
            "default_secret": course.secret == DEFAULT_SECRET}   # true: hidden inputs were predictable


@dataclass
class Report:
    path: str
    outcomes: list
    notes: list = field(default_factory=list)
    environment: dict = field(default_factory=dict)
    isolation: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def score(self):
        return round(sum(o.score for o in self.outcomes), 6)

    @property
    def max_score(self):
        return round(sum(o.max_score for o in self.outcomes), 6)

    def to_dict(self):
        return {
            "score": self.score, "max_score": self.max_score, "submission": self.path,
            "execution_time": round(self.seconds, 3),
            "tests": [{"name": o.check.name, "assignment": o.assignment, "kind": o.check.kind,
                       "score": o.score, "max_score": o.max_score, "status": o.status,
                       "visibility": o.check.visibility, "output": o.output, "category": o.category,
                       "hint": (o.extra or {}).get("hint"), "seconds": round(o.seconds, 4)} for o in self.outcomes],
            "notes": self.notes, "environment": self.environment, "isolation": self.isolation,
        }

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_gradescope(self, lang="en"):
        """results.json per Gradescope's specification (hidden checks: visibility after_published); outputs are
        the student's feedback in `lang` (category and hint first, then the check's own lines)."""
        from .i18n import Catalog
        catalog = Catalog(lang)
        tests = []
        for n, o in enumerate(self.outcomes, 1):
            output = o.output if o.status == "passed" else catalog.feedback(o)
            tests.append({"name": "%s: %s" % (o.assignment, o.check.name), "number": str(n),
                          "score": o.score, "max_score": o.max_score,
                          "status": "passed" if o.status == "passed" else "failed",
                          "output": output.replace("\r\n", "\n"), "tags": [o.assignment, o.check.kind],
                          "visibility": "after_published" if o.check.visibility == "hidden" else "visible"})
        out = {"score": self.score, "execution_time": round(self.seconds, 3), "output_format": "text",
               "tests": tests, "extra_data": {"environment": self.environment, "isolation": self.isolation}}
        if self.notes:
            out["output"] = "\n".join(catalog.note(n) for n in self.notes)
        return json.dumps(out, indent=2, ensure_ascii=False) + "\n"

    def to_classroom(self):
        """GitHub Classroom's autograding result, version 3 (the shape classroom-resources' graders emit and
        autograding-grading-reporter reads, base64-encoded, from the env var <RUNNER>_RESULTS): the reporter
        adds up `tests[].score` against the top-level `max_score`, and fails the run when `status` is fail."""
        status = {"passed": "pass", "failed": "fail", "error": "error"}
        tests = [{"name": "%s: %s" % (o.assignment, o.check.name), "status": status[o.status], "score": o.score,
                  "max_score": o.max_score, "message": o.output if o.status != "passed" else "",
                  "test_code": "", "filename": "", "line_no": 0, "duration": round(o.seconds, 4)}
                 for o in self.outcomes]
        overall = ("error" if any(o.status == "error" for o in self.outcomes) else
                   "pass" if all(o.status == "passed" for o in self.outcomes) else "fail")
        out = {"version": 3, "status": overall, "max_score": self.max_score, "tests": tests}
        if self.notes:
            out["message"] = "\n".join(self.notes)
        return json.dumps(out, indent=2, ensure_ascii=False) + "\n"

    def to_text(self, color=False, lang="en"):
        from .feedback import render_text
        return render_text(self, lang)

    def to_markdown(self, lang="en"):
        from .feedback import render_markdown
        return render_markdown(self, lang)

    def to_html(self, lang="en"):
        """One self-contained page (no network): per check its status, feedback and figures."""
        from .feedback import render_html
        return render_html(self, lang)
