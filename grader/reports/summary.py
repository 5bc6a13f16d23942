"""The TA's overview of a batch: summary.json and summary.html.

Score histogram; per-check failure rates sorted by how many students failed (a map of misconceptions);
the most common diagnosis lines and categories; the slowest submissions; every submission that errored or
timed out (the batch's own errors, grader errors, and student code stopped by a deadline or the budget).
"""
import html
import re
import statistics
from collections import Counter

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


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.I)
TIMED_OUT = ("no answer within", "time budget for this submission")


def build(manifest, expected, records, names, max_scores):
    """`records`: {slug: record}; `expected`: [{"student", "slug"}]; returns a JSON-ready dict."""
    present = [records[e["slug"]] for e in expected if e["slug"] in records]
    graded = [r for r in present if r["status"] == "graded"]
    total = sum(max_scores.values())
    scores = [r["score"] for r in present]
    return {
        "grader": manifest.get("grader"), "course_config": manifest.get("course_config"),
        "assignments": list(names), "max_score": total,
        "students": len(expected), "graded": len(graded), "missing": len(expected) - len(present),
        "not_graded": sum(r["status"] != "graded" for r in present),
        "score": _stats(scores, total),
        "per_assignment": {n: _stats([r["assignments"].get(n, {}).get("score", 0.0) for r in present],
                                     max_scores[n]) for n in names},
        "histogram": histogram(scores, total),
        "checks": check_failures(graded),
        "diagnoses": diagnoses(graded),
        "categories": [{"category": c, "count": n} for c, n in _most_common(
            Counter(t.get("category") or "other" for r in graded for t in _tests(r)
                    if t["status"] != "passed" and not _blocked(t)))],
        "slowest": [{"student": r["student"], "seconds": r["seconds"]}
                    for r in sorted(graded, key=lambda r: (-(r["seconds"] or 0), r["student"]))[:10]],
        "problems": problems(present),
        "skipped_inputs": manifest.get("skipped", []),
        "environment": manifest.get("environment", {}), "isolation": manifest.get("isolation", {}),
    }


def _tests(record):
    return (record.get("report") or {}).get("tests", [])


def _blocked(test):
    return (test.get("output") or "").startswith("not graded: needs")


def _most_common(counter):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _stats(values, maximum):
    if not values:
        return {"mean": None, "median": None, "min": None, "max": None, "full_marks": 0, "of": maximum}
    return {"mean": round(statistics.fmean(values), 4), "median": round(statistics.median(values), 4),
            "min": min(values), "max": max(values), "full_marks": sum(v >= maximum > 0 for v in values),
            "of": maximum}


def histogram(scores, total, bins=10):
    counts = [0] * bins
    for s in scores:
        frac = s / total if total else 0.0
        counts[min(bins - 1, max(0, int(frac * bins)))] += 1
    return [{"from": round(100 * i / bins), "to": round(100 * (i + 1) / bins), "count": c}
            for i, c in enumerate(counts)]


def check_failures(graded):
    table = {}
    for r in graded:
        for t in _tests(r):
            key = (t["assignment"], t["name"])
            row = table.setdefault(key, {"assignment": t["assignment"], "check": t["name"], "kind": t["kind"],
                                         "visibility": t["visibility"], "points": t["max_score"], "students": 0,
                                         "failed": 0, "blocked": 0, "errors": 0})
            row["students"] += 1
            if t["status"] == "error":
                row["errors"] += 1
            elif t["status"] == "failed":
                row["blocked" if _blocked(t) else "failed"] += 1
    rows = list(table.values())
    for row in rows:
        row["failure_rate"] = round(row["failed"] / row["students"], 4) if row["students"] else 0.0
    return sorted(rows, key=lambda r: (-r["failed"], -r["errors"], r["assignment"], r["check"]))


def diagnoses(graded, top=25):
    """The first line of each failure, numbers masked as #: how many students got it, how often, where."""
    students, times, where, example = Counter(), Counter(), {}, {}
    for r in graded:
        mine = set()
        for t in _tests(r):
            if t["status"] == "passed" or _blocked(t):
                continue
            first = (t["output"] or "").strip().splitlines()[:1]
            if not first:
                continue
            shape = NUMBER.sub("#", first[0])[:200]
            times[shape] += 1
            mine.add(shape)
            where.setdefault(shape, set()).add(t["name"])
            example.setdefault(shape, first[0][:200])
        students.update(mine)
    return [{"line": line, "students": n, "occurrences": times[line], "checks": sorted(where[line]),
             "example": example[line]} for line, n in _most_common(students)[:top]]


def problems(records):
    out = []
    for r in sorted(records, key=lambda r: r["student"]):
        if r["status"] != "graded":
            out.append({"student": r["student"], "slug": r["slug"], "status": r["status"],
                        "detail": (r["error"] or "").strip().splitlines()[0] if r["error"] else ""})
            continue
        errors = [t["name"] for t in _tests(r) if t["status"] == "error"]
        slow = [t["name"] for t in _tests(r) if any(s in (t["output"] or "") for s in TIMED_OUT)]
        if errors:
            out.append({"student": r["student"], "slug": r["slug"], "status": "grader error", "detail": ", ".join(errors)})
        if slow:
            out.append({"student": r["student"], "slug": r["slug"], "status": "student code timed out",
                        "detail": "%d check(s): %s" % (len(slow), ", ".join(slow[:6]) + (" …" if len(slow) > 6 else ""))})
    return out


# ------------------------------------------------------------------ HTML
def to_html(s):
    e = html.escape

    def fmt(x):
        return "–" if x is None else "%g" % round(x, 2)

    out = ["<h1>Batch summary</h1>",
           "<p>%d students: %d graded, %d not graded (errors or timeouts), %d missing. Assignments: %s "
           "(%s points). Grader %s, course config %s.</p>" % (
               s["students"], s["graded"], s["not_graded"], s["missing"], e(", ".join(s["assignments"])),
               fmt(s["max_score"]), e(str(s["grader"])), e(str(s["course_config"])))]
    sc = s["score"]
    out.append("<p>Score: mean %s, median %s, min %s, max %s; %d with full marks.</p>"
               % (fmt(sc["mean"]), fmt(sc["median"]), fmt(sc["min"]), fmt(sc["max"]), sc["full_marks"]))
    out.append("<h2>Score histogram</h2><table>")
    peak = max([b["count"] for b in s["histogram"]] + [1])
    for b in s["histogram"]:
        out.append('<tr><td>%d–%d%%</td><td style="width:70%%"><span class="bar" style="width:%.1f%%">'
                   '<span class="fill" style="display:block;width:100%%"></span></span></td><td>%d</td></tr>'
                   % (b["from"], b["to"], 100.0 * b["count"] / peak, b["count"]))
    out.append("</table><h2>Per assignment</h2><table><tr><th>assignment</th><th>mean</th><th>median</th>"
               "<th>full marks</th><th>of</th></tr>")
    for name, st in s["per_assignment"].items():
        out.append("<tr><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td></tr>"
                   % (e(name), fmt(st["mean"]), fmt(st["median"]), st["full_marks"], fmt(st["of"])))
    out.append("</table><h2>Checks, by how many students failed them</h2><table><tr><th>check</th><th>kind</th>"
               "<th>visibility</th><th>failed</th><th>rate</th><th>not reached</th><th>grader errors</th></tr>")
    for c in s["checks"]:
        out.append("<tr><td><code>%s.%s</code></td><td>%s</td><td>%s</td><td>%d / %d</td><td>%.0f%%</td>"
                   "<td>%d</td><td>%d</td></tr>" % (e(c["assignment"]), e(c["check"]), e(c["kind"]), e(c["visibility"]),
                                                    c["failed"], c["students"], 100 * c["failure_rate"], c["blocked"],
                                                    c["errors"]))
    out.append("</table><h2>Most common diagnoses</h2><table><tr><th>students</th><th>times</th>"
               "<th>first line (numbers as #)</th><th>checks</th></tr>")
    for d in s["diagnoses"]:
        out.append("<tr><td>%d</td><td>%d</td><td>%s</td><td>%s</td></tr>"
                   % (d["students"], d["occurrences"], e(d["line"]), e(", ".join(d["checks"]))))
    out.append("</table><h2>Failure categories</h2><table>")
    for c in s["categories"]:
        out.append("<tr><td>%s</td><td>%d</td></tr>" % (e(c["category"]), c["count"]))
    out.append("</table><h2>Errors and timeouts</h2>")
    if s["problems"]:
        out.append("<table><tr><th>student</th><th>what</th><th>detail</th></tr>")
        for p in s["problems"]:
            out.append('<tr><td><a href="reports/%s.html">%s</a></td><td>%s</td><td>%s</td></tr>'
                       % (e(p.get("slug", p["student"])), e(p["student"]), e(p["status"]), e(p["detail"])))
        out.append("</table>")
    else:
        out.append("<p>None.</p>")
    out.append("<h2>Slowest submissions</h2><table>")
    for x in s["slowest"]:
        out.append("<tr><td>%s</td><td>%s s</td></tr>" % (e(x["student"]), fmt(x["seconds"])))
    out.append("</table>")
    if s["skipped_inputs"]:
        out.append("<h2>Inputs that were not graded</h2><ul>%s</ul>" % "".join(
            "<li>%s: %s</li>" % (e(n), e(why)) for n, why in s["skipped_inputs"]))
    return page("Batch summary", "\n".join(out))
