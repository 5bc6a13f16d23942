"""One student's result as Markdown and as a self-contained HTML page (no scripts, no external files).

Input is a batch record (grader.batch.store: student, status, score, assignments, report = Report.to_dict()).
Everything that came from a submission is escaped: outputs quote student code, exceptions and file names.
"""
import html
import re

MARK = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}


def _fmt(x):
    return "%g" % round(x, 4)


def _title(record):
    who = record["student"] + (" (%s)" % record["name"] if record.get("name") else "")
    return "%s — %s / %s" % (who, _fmt(record["score"]), _fmt(record["max_score"]))


def _by_assignment(record):
    tests = (record.get("report") or {}).get("tests", [])
    groups = {}
    for t in tests:
        groups.setdefault(t["assignment"], []).append(t)
    return groups


def _first_line(text):
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


# ------------------------------------------------------------------ Markdown
def to_markdown(record):
    lines = ["# " + _md_escape(_title(record)), ""]
    if record["status"] != "graded":
        lines += ["**Not graded (%s):** %s" % (record["status"], _md_escape(_first_line(record["error"]))), ""]
        lines += _fenced(record["error"]) + [""]
    lines += ["| assignment | score |", "|---|---|"]
    for name, a in record["assignments"].items():
        lines.append("| %s | %s / %s |" % (name, _fmt(a["score"]), _fmt(a["max_score"])))
    lines.append("")
    for name, tests in _by_assignment(record).items():
        a = record["assignments"].get(name, {"score": 0, "max_score": 0})
        lines += ["## %s — %s / %s" % (name, _fmt(a["score"]), _fmt(a["max_score"])), "",
                  "| | check | points | visibility | message |", "|---|---|---|---|---|"]
        for t in tests:
            message = "" if t["status"] == "passed" else _first_line(t["output"])
            lines.append("| %s | `%s` | %s / %s | %s | %s |" % (
                MARK[t["status"]], t["name"], _fmt(t["score"]), _fmt(t["max_score"]), t["visibility"],
                _md_cell(message)))
        lines.append("")
        for t in tests:
            if t["status"] != "passed" and "\n" in (t["output"] or "").strip():
                lines += ["### `%s`" % t["name"], ""] + _fenced(t["output"]) + [""]
    report = record.get("report") or {}
    if report.get("notes"):
        lines += ["## Notes", ""] + ["- " + _md_escape(n) for n in report["notes"]] + [""]
    lines += ["---", "", _provenance(report)]
    return "\n".join(lines) + "\n"


def _md_escape(text):
    return re.sub(r"([\\`*_{}\[\]<>|#])", r"\\\1", text or "")


def _md_cell(text):
    return _md_escape(text).replace("\n", " ")


def _fenced(text):
    longest = max((len(m) for m in re.findall(r"`+", text or "")), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", (text or "").rstrip("\n"), fence]


def _provenance(report):
    env = report.get("environment") or {}
    iso = report.get("isolation") or {}
    parts = ["grader %s" % env.get("grader", "?"), "Python %s" % env.get("python", "?"),
             "NumPy %s" % env.get("numpy", "?"), "torch %s" % env.get("torch", "?"),
             "course config %s" % env.get("course_config", "?"),
             "isolation %s" % ("+".join(iso.get("layers", [])) or "?")]
    return "Graded by " + ", ".join(parts) + "."


# ------------------------------------------------------------------ HTML
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}th{background:#f6f6f6}.passed{color:#176c2b}.failed{color:#a11}.error{color:#a60}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;white-space:pre-wrap}code{font-size:90%}
.bar{background:#eee;height:.6rem;width:10rem;display:inline-block}.fill{background:#2a7;height:100%}
.warn{background:#fff4e5;border-left:4px solid #e90;padding:.5rem 1rem}footer{color:#666;font-size:85%;margin-top:2rem}
"""


def page(title, body):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>%s</title><style>%s</style></head><body>\n%s\n</body></html>\n" % (html.escape(title), STYLE, body))


def _bar(score, total):
    pct = 0 if not total else max(0.0, min(100.0, 100.0 * score / total))
    return '<span class="bar"><span class="fill" style="display:block;width:%.1f%%"></span></span>' % pct


def to_html(record):
    e = html.escape
    out = ["<h1>%s</h1>" % e(_title(record))]
    if record["status"] != "graded":
        out.append('<p class="warn"><b>Not graded (%s):</b> %s</p><pre>%s</pre>'
                   % (e(record["status"]), e(_first_line(record["error"])), e(record["error"] or "")))
    out.append("<table><tr><th>assignment</th><th>score</th><th></th></tr>")
    for name, a in record["assignments"].items():
        out.append("<tr><td>%s</td><td>%s / %s</td><td>%s</td></tr>"
                   % (e(name), _fmt(a["score"]), _fmt(a["max_score"]), _bar(a["score"], a["max_score"])))
    out.append("</table>")
    for name, tests in _by_assignment(record).items():
        a = record["assignments"].get(name, {"score": 0, "max_score": 0})
        out.append("<h2>%s — %s / %s</h2>" % (e(name), _fmt(a["score"]), _fmt(a["max_score"])))
        out.append("<table><tr><th></th><th>check</th><th>points</th><th>visibility</th><th>details</th></tr>")
        for t in tests:
            details = ""
            if t["status"] != "passed":
                text = t["output"] or ""
                details = ("<details><summary>%s</summary><pre>%s</pre></details>" % (e(_first_line(text)), e(text))
                           if "\n" in text.strip() else e(text))
            out.append('<tr><td class="%s">%s</td><td><code>%s</code></td><td>%s / %s</td><td>%s</td><td>%s</td></tr>'
                       % (t["status"], MARK[t["status"]], e(t["name"]), _fmt(t["score"]), _fmt(t["max_score"]),
                          e(t["visibility"]), details))
        out.append("</table>")
    report = record.get("report") or {}
    if report.get("notes"):
        out.append("<h2>Notes</h2><ul>%s</ul>" % "".join("<li>%s</li>" % e(n) for n in report["notes"]))
    out.append("<footer>%s</footer>" % e(_provenance(report)))
    return page(_title(record), "\n".join(out))
