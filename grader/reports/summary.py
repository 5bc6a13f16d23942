"""The TA's overview of a batch: summary.json and summary.html — what did the class get wrong?

Per assignment, only the students who handed it in count (those whose every check says the function or the
answers file is missing did not: they are "not handed in", never a diagnosis): their score distribution (a
figure), the checks ranked by how many of them failed each, and the misconceptions — the named diagnoses of their
failures (`yours are the squared distances`, `the regularization gradient is missing`) — with how many students
and one example each. Then the students who need attention (not graded, grader errors, code stopped by a
deadline, zero on an assignment they handed in), and the full tables: the score histogram, every check, the
most common first lines of failures (numbers masked), failure categories, the slowest submissions.
"""
import html
import re
import statistics
from collections import Counter

from ..figures import bars_svg

STYLE = """
body{font:14px/1.45 system-ui,"DejaVu Sans",sans-serif;max-width:78rem;margin:1.2rem auto;padding:0 1rem;color:#1b1b1b;
background:#fafafa}h1{font-size:1.45rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem;margin:.1rem 0 .4rem}h4{font-size:.9rem;margin:.7rem 0 .25rem;color:#444}
.lead{color:#333;margin:.2rem 0 .8rem}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(36rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.7rem 1rem .8rem}
.stats{color:#333;font-size:.92rem;margin:.1rem 0 .3rem}.stats b{font-size:1rem}
.dist{margin:.2rem 0 .4rem}.dist .cap{font-size:.8rem;color:#555}
.where{font-weight:normal;color:#666;font-size:.8rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}td,th{padding:.22rem .45rem;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}th{background:#f3f3f5;font-weight:600}td.n{text-align:right;white-space:nowrap}
.rate{background:#eee;height:.55rem;width:6rem;display:inline-block;border-radius:3px;overflow:hidden;vertical-align:middle}
.rate span{display:block;height:100%;background:#c0392b}.mis td:first-child{font-weight:600}
.absent{color:#777}.warn{background:#fff4e5;border-left:4px solid #e90;padding:.4rem .8rem}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;white-space:pre-wrap}code{font-size:90%}
.bar{background:#eee;height:.6rem;width:10rem;display:inline-block}.fill{background:#2a7;height:100%}
footer{color:#666;font-size:85%;margin-top:2rem}a{color:#1d5fa8}
"""


def page(title, body):
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>%s</title><style>%s</style></head><body>\n%s\n</body></html>\n" % (html.escape(title), STYLE, body))


# a number on its own (1e-07, 0.81, [0, 3]), never digits inside a word (cs231n, float64, W2)
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])", re.I)
TIMED_OUT = ("no answer within", "time budget for this submission")
ABSENT = ("missing function", "no answers file")           # every check says so: not handed in
NOT_GRADED = ("depends on a failed check", "runs at grading time")
NOT_A_MISCONCEPTION = ABSENT + NOT_GRADED + (   # nothing handed in or nothing ran: "need attention", not a diagnosis
    "not implemented", "no answer", "unreadable answers file", "crashed or timed out", "crashed", "syntax error",
    "Python 2 code", "unreadable submission", "grader error", "raised an exception", "could not be timed",
    "undefined notebook global", "degenerate output",        # a placeholder's constant output: not a mistake
    "gradient does not match the function")   # its hint restates it; the cause shows in the values' diagnosis
TOP_CHECKS, TOP_MISCONCEPTIONS = 6, 8


def build(manifest, expected, records, names, max_scores):
    """`records`: {slug: record}; `expected`: [{"student", "slug"}]; returns a JSON-ready dict."""
    present = [records[e["slug"]] for e in expected if e["slug"] in records]
    graded = [r for r in present if r["status"] == "graded"]
    total = sum(max_scores.values())
    scores = [r["score"] for r in present]
    per = {n: assignment_summary(n, graded, max_scores[n]) for n in names}
    return {
        "grader": manifest.get("grader"), "course_config": manifest.get("course_config"),
        "assignments": list(names), "max_score": total,
        "students": len(expected), "graded": len(graded), "missing": len(expected) - len(present),
        "not_graded": sum(r["status"] != "graded" for r in present),
        "score": _stats(scores, total),
        "per_assignment": {n: dict(per[n]["score"], handed_in=per[n]["handed_in"],
                                   not_handed_in=per[n]["not_handed_in"]) for n in names},
        "by_assignment": per,
        "attention": attention(present, names, max_scores),
        "histogram": histogram(scores, total),
        "checks": check_failures(graded),
        "diagnoses": diagnoses(graded),
        "categories": [{"category": c, "count": n} for c, n in _most_common(
            Counter(t.get("category") or "other" for r in graded for t in _tests(r)
                    if t["status"] != "passed" and not _blocked(t) and _handed_in(r, t["assignment"])))],
        "slowest": [{"student": r["student"], "seconds": r["seconds"]}
                    for r in sorted(graded, key=lambda r: (-(r["seconds"] or 0), r["student"]))[:10]],
        "problems": problems(present),
        "skipped_inputs": manifest.get("skipped", []),
        "environment": manifest.get("environment", {}), "isolation": manifest.get("isolation", {}),
    }


def _tests(record, assignment=None):
    tests = (record.get("report") or {}).get("tests", [])
    return tests if assignment is None else [t for t in tests if t["assignment"] == assignment]


def _blocked(test):
    return test.get("category") in NOT_GRADED or (test.get("output") or "").startswith("not graded: needs")


def _handed_in(record, assignment):
    """Whether the student handed this assignment in: some check of it found the student's code or answers
    (it passed, or failed for a reason other than "missing" — a syntax error counts as handed in)."""
    return any(t["status"] == "passed" or (t.get("category") not in ABSENT and not _blocked(t))
               for t in _tests(record, assignment))


def _most_common(counter):
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _stats(values, maximum):
    if not values:
        return {"mean": None, "median": None, "min": None, "max": None, "full_marks": 0, "zero": 0, "of": maximum}
    return {"mean": round(statistics.fmean(values), 4), "median": round(statistics.median(values), 4),
            "min": min(values), "max": max(values), "full_marks": sum(v >= maximum > 0 for v in values),
            "zero": sum(v <= 0 for v in values), "of": maximum}


def histogram(scores, total, bins=10):
    counts = [0] * bins
    for s in scores:
        frac = s / total if total else 0.0
        counts[min(bins - 1, max(0, int(frac * bins)))] += 1
    return [{"from": round(100 * i / bins), "to": round(100 * (i + 1) / bins), "count": c}
            for i, c in enumerate(counts)]


def score_bins(scores, maximum, bins=10):
    """Counts of scores in `bins` equal bins of [0, maximum), full marks in a bin of their own (the last)."""
    counts = [0] * (bins + 1)
    for s in scores:
        counts[bins if s >= maximum > 0 else min(bins - 1, max(0, int(bins * s / maximum))) if maximum else 0] += 1
    return counts


# ------------------------------------------------------------------ per assignment

def assignment_summary(name, graded, maximum):
    takers = [r for r in graded if _handed_in(r, name)]
    scores = [r["assignments"].get(name, {}).get("score", 0.0) for r in takers]
    return {"name": name, "max_score": maximum, "handed_in": len(takers), "not_handed_in": len(graded) - len(takers),
            "score": _stats(scores, maximum), "bins": score_bins(scores, maximum),
            "checks": ranked_checks(name, takers), "misconceptions": misconceptions(name, takers)}


def ranked_checks(name, takers):
    """Each check of the assignment by failure rate among the students who handed it in."""
    rows = {}
    for r in takers:
        for t in _tests(r, name):
            row = rows.setdefault(t["name"], {"check": t["name"], "kind": t["kind"], "visibility": t["visibility"],
                                              "students": 0, "failed": 0, "not_reached": 0})
            row["students"] += 1
            if _blocked(t):
                row["not_reached"] += 1
            elif t["status"] != "passed":
                row["failed"] += 1
    out = list(rows.values())
    for row in out:
        row["failure_rate"] = round(row["failed"] / row["students"], 4) if row["students"] else 0.0
    return sorted(out, key=lambda r: (-r["failure_rate"], -r["not_reached"], r["check"]))


def hint_of(test):
    """The named diagnosis of a failure: the check's hint (its "hint: ..." line in older results)."""
    if test.get("hint"):
        return test["hint"]
    out = test.get("output") or ""
    m = re.search(r"(?:^|\n)hint: (.+)", out) or re.search(r" — hint: (.+)$", out.splitlines()[0] if out else "")
    return m.group(1).strip() if m else None


def misconceptions(name, takers):
    """The named diagnoses of the failures of those who handed the assignment in: how many students, which
    checks, one example student (the first by id)."""
    found = {}
    for r in sorted(takers, key=lambda r: r["student"]):
        for t in _tests(r, name):
            if t["status"] == "passed" or _blocked(t) or t.get("category") in NOT_A_MISCONCEPTION:
                continue
            hint = hint_of(t)
            if not hint:
                continue
            key = NUMBER.sub("#", hint)
            row = found.setdefault(key, {"diagnosis": hint, "category": t.get("category"), "students": [],
                                         "checks": set(), "example": r["student"], "example_slug": r["slug"]})
            if r["student"] not in row["students"]:
                row["students"].append(r["student"])
            row["checks"].add(t["name"])
    rows = [dict(row, students=len(row["students"]), checks=sorted(row["checks"])) for row in found.values()]
    return sorted(rows, key=lambda r: (-r["students"], r["diagnosis"]))


def attention(present, names, max_scores):
    """Students who need a look: not graded, grader errors, code stopped by a deadline, zero on an assignment
    they handed in (with the first reason it failed)."""
    out = []
    for r in sorted(present, key=lambda r: r["student"]):
        if r["status"] != "graded":
            out.append({"student": r["student"], "slug": r["slug"], "what": "not graded (%s)" % r["status"],
                        "detail": (r.get("error") or "").strip().splitlines()[0] if r.get("error") else ""})
            continue
        errors = [t["name"] for t in _tests(r) if t["status"] == "error"]
        if errors:
            out.append({"student": r["student"], "slug": r["slug"], "what": "grader error", "detail": ", ".join(errors)})
        slow = [t["name"] for t in _tests(r) if any(s in (t["output"] or "") for s in TIMED_OUT)]
        if slow:
            out.append({"student": r["student"], "slug": r["slug"], "what": "code stopped by a deadline",
                        "detail": "%d check(s): %s" % (len(slow), ", ".join(slow[:4]) + (" …" if len(slow) > 4 else ""))})
        for n in names:
            if _handed_in(r, n) and r["assignments"].get(n, {}).get("score", 0.0) <= 0 < max_scores.get(n, 0):
                first = next((t for t in _tests(r, n) if t["status"] != "passed" and not _blocked(t)), None)
                reason = (first.get("category") or "") if first else ""
                out.append({"student": r["student"], "slug": r["slug"], "what": "0 on %s" % n,
                            "detail": "handed in; %s" % reason if reason else "handed in"})
    return out


# ------------------------------------------------------------------ the tables below

def check_failures(graded):
    """Every check: how many of those who handed its assignment in failed it (not reached: a check it needs failed)."""
    table = {}
    for r in graded:
        for t in _tests(r):
            if not _handed_in(r, t["assignment"]):
                continue
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
    """The first line of each failure, numbers masked as #: how many students got it, how often, where (only
    assignments the student handed in; "missing" is not a diagnosis)."""
    students, times, where, example = Counter(), Counter(), {}, {}
    for r in graded:
        mine = set()
        for t in _tests(r):
            if t["status"] == "passed" or _blocked(t) or t.get("category") in ABSENT \
                    or not _handed_in(r, t["assignment"]):
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
def _fmt(x):
    return "–" if x is None else "%g" % round(x, 2)


def _report(slug, text):
    return '<a href="reports/%s.html">%s</a>' % (html.escape(slug), html.escape(text))


def card(a):
    e = html.escape
    st = a["score"]
    out = ['<section class="card" id="a-%s"><h3>%s <small>(%s points)</small></h3>' % (e(a["name"]), e(a["name"]),
                                                                                      _fmt(a["max_score"]))]
    if not a["handed_in"]:
        out.append('<p class="absent">Nobody handed it in (%d not handed in).</p></section>' % a["not_handed_in"])
        return "".join(out)
    out.append('<p class="stats"><b>%d</b> handed in, %d not handed in · mean <b>%s</b>, median %s · '
               '%d with full marks, %d with zero</p>' % (a["handed_in"], a["not_handed_in"], _fmt(st["mean"]),
                                                          _fmt(st["median"]), st["full_marks"], st["zero"]))
    bins = a["bins"]
    out.append('<figure class="dist">%s<figcaption class="cap">Scores of the %d students who handed it in, in 10 bins '
               'from 0 to %s; full marks in green.</figcaption></figure>'
               % (bars_svg(bins, ("0", "%s (full)" % _fmt(a["max_score"])), width=560, height=110,
                           highlight=len(bins) - 1, title="score distribution of %s" % a["name"]),
                  a["handed_in"], _fmt(a["max_score"])))
    failing = [c for c in a["checks"] if c["failed"]][:TOP_CHECKS]
    out.append("<h4>Checks most failed (by those who handed it in)</h4>")
    if failing:
        out.append("<table>%s</table>" % "".join(
            '<tr><td><code>%s</code></td><td class="n">%d / %d</td><td><span class="rate"><span style="width:%.0f%%">'
            '</span></span> %.0f%%</td></tr>' % (e(c["check"]), c["failed"], c["students"], 100 * c["failure_rate"],
                                                  100 * c["failure_rate"]) for c in failing))
    else:
        out.append("<p>None: every check passed for everyone who handed it in.</p>")
    out.append("<h4>Misconceptions (named diagnoses of the failures)</h4>")
    mis = a["misconceptions"][:TOP_MISCONCEPTIONS]
    if mis:
        out.append('<table class="mis"><tr><th>diagnosis <small>(in the checks)</small></th><th>students</th>'
                   '<th>example</th></tr>%s</table>' % "".join(
                       '<tr><td>%s<div class="where"><code>%s</code></div></td><td class="n">%d</td><td>%s</td></tr>'
                       % (e(m["diagnosis"]), e(", ".join(m["checks"][:3]) + (" …" if len(m["checks"]) > 3 else "")),
                          m["students"], _report(m["example_slug"], m["example"])) for m in mis))
        if len(a["misconceptions"]) > TOP_MISCONCEPTIONS:
            out.append("<p>… and %d more below.</p>" % (len(a["misconceptions"]) - TOP_MISCONCEPTIONS))
    else:
        out.append("<p>No named diagnosis among the failures.</p>")
    out.append("</section>")
    return "".join(out)


def to_html(s):
    e = html.escape
    per = s.get("by_assignment", {})
    handed = ", ".join("%s %d" % (n, per[n]["handed_in"]) for n in s["assignments"] if n in per)
    out = ["<h1>Batch summary</h1>",
           '<p class="lead">%d students: %d graded, %d not graded (errors or timeouts), %d missing. Handed in: %s. '
           'Grader %s, course config %s.</p>' % (s["students"], s["graded"], s["not_graded"], s["missing"], e(handed),
                                                e(str(s["grader"])), e(str(s["course_config"])))]
    out.append('<div class="cards">%s</div>' % "".join(card(per[n]) for n in s["assignments"] if n in per))
    out.append("<h2>Students who need attention</h2>")
    if s["attention"]:
        out.append("<table><tr><th>student</th><th>what</th><th>detail</th></tr>%s</table>" % "".join(
            "<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (_report(a["slug"], a["student"]), e(a["what"]),
                                                            e(a["detail"])) for a in s["attention"]))
    else:
        out.append("<p>None.</p>")
    out += full_tables(s)
    return page("Batch summary", "\n".join(out))


def full_tables(s):
    e = html.escape
    out = ["<h2>Every misconception</h2><table><tr><th>assignment</th><th>diagnosis</th><th>students</th>"
           "<th>category</th><th>example</th><th>checks</th></tr>"]
    for n in s["assignments"]:
        for m in s.get("by_assignment", {}).get(n, {}).get("misconceptions", []):
            out.append("<tr><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td><code>%s</code></td></tr>"
                       % (e(n), e(m["diagnosis"]), m["students"], e(m["category"] or ""),
                          _report(m["example_slug"], m["example"]), e(", ".join(m["checks"]))))
    sc = s["score"]
    out.append("</table><h2>Total scores</h2><p>Mean %s, median %s, min %s, max %s; %d with full marks (of %s).</p>"
               % (_fmt(sc["mean"]), _fmt(sc["median"]), _fmt(sc["min"]), _fmt(sc["max"]), sc["full_marks"],
                  _fmt(s["max_score"])))
    out.append("<table>")
    peak = max([b["count"] for b in s["histogram"]] + [1])
    for b in s["histogram"]:
        out.append('<tr><td>%d–%d%%</td><td style="width:70%%"><span class="bar" style="width:%.1f%%">'
                   '<span class="fill" style="display:block;width:100%%"></span></span></td><td>%d</td></tr>'
                   % (b["from"], b["to"], 100.0 * b["count"] / peak, b["count"]))
    out.append("</table><h2>Every check, by how many of those who handed its assignment in failed it</h2><table><tr>"
               "<th>check</th><th>kind</th><th>visibility</th><th>failed</th><th>rate</th><th>not reached</th>"
               "<th>grader errors</th></tr>")
    for c in s["checks"]:
        out.append("<tr><td><code>%s.%s</code></td><td>%s</td><td>%s</td><td>%d / %d</td><td>%.0f%%</td>"
                   "<td>%d</td><td>%d</td></tr>" % (e(c["assignment"]), e(c["check"]), e(c["kind"]), e(c["visibility"]),
                                                    c["failed"], c["students"], 100 * c["failure_rate"], c["blocked"],
                                                    c["errors"]))
    out.append("</table><h2>Most common first lines of failures</h2><table><tr><th>students</th><th>times</th>"
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
            out.append('<tr><td>%s</td><td>%s</td><td>%s</td></tr>'
                       % (_report(p.get("slug", p["student"]), p["student"]), e(p["status"]), e(p["detail"])))
        out.append("</table>")
    else:
        out.append("<p>None.</p>")
    out.append("<h2>Slowest submissions</h2><table>")
    for x in s["slowest"]:
        out.append("<tr><td>%s</td><td>%s s</td></tr>" % (e(x["student"]), _fmt(x["seconds"])))
    out.append("</table>")
    if s["skipped_inputs"]:
        out.append("<h2>Inputs that were not graded</h2><ul>%s</ul>" % "".join(
            "<li>%s: %s</li>" % (e(n), e(why)) for n, why in s["skipped_inputs"]))
    return out
