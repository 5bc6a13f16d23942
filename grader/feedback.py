"""A report for the student, in their language: plain text, Markdown and one self-contained HTML page.

Every line a student reads goes through the catalog (grader/i18n): status words, totals, the first line of
each failure (category and hint), check descriptions. Technical lines (numbers, indices, code) stay as the
check wrote them, left to right. Hidden checks show a category and a hint only. Public failures show the
smallest failing case as code to paste, and figures (grader/figures.py) where the check attached some.
"""
import html

from . import __version__
from .i18n import Catalog

FONTS = {"fa": '"Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif',
         "en": 'system-ui, "Segoe UI", "DejaVu Sans", Roboto, sans-serif'}
CASE_MARK = "\nfailing case:\n"


def _fmt(x):
    return "%g" % round(x, 4)


def groups(report):
    out = {}
    for o in report.outcomes:
        out.setdefault(o.assignment, []).append(o)
    return out


def split_case(details):
    """(explanation, failing case as code or None)."""
    if CASE_MARK in details:
        head, case = details.split(CASE_MARK, 1)
        return head, case
    return details, None


# ------------------------------------------------------------------ text

def render_text(report, lang="en"):
    c = Catalog(lang)
    lines = []
    for name, outcomes in groups(report).items():
        lines.append("== " + c.phrase("assignment_total", assignment=name, score=_fmt(sum(o.score for o in outcomes)),
                                      max_score=_fmt(sum(o.max_score for o in outcomes))))
        for o in outcomes:
            lines.append("  %s %-40s %5g/%-3g %s" % (c.status(o.status).ljust(5)[:5], o.check.name, o.score,
                                                      o.max_score, "" if o.status == "passed" else c.first_line(o)))
            lines += ["       " + r for r in c.details(o).splitlines()[:13]]
    for note in report.notes:
        lines.append("%s: %s" % (c.phrase("note"), c.note(note)))
    lines.append("%s  (%.1f s, isolation %s)" % (
        c.phrase("total", score=_fmt(report.score), max_score=_fmt(report.max_score)), report.seconds,
        "+".join(report.isolation.get("layers", []))))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ Markdown

def _md(text):
    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")


def heading(report, c, who=None, total=None, not_graded=None):
    """(title, total line, banner or None) of a report; a batch names the student (`who`) and, for a submission
    it could not grade, gives (status, reason) in `not_graded` and the points it was out of in `total`."""
    score, max_score = total or (report.score, report.max_score)
    title = c.phrase("report_for", student=who) if who else c.phrase("report_title")
    banner = c.phrase("not_graded", status=not_graded[0], reason=not_graded[1]) if not_graded else None
    return title, c.phrase("total", score=_fmt(score), max_score=_fmt(max_score)), banner


def footer(report, c):
    return c.phrase("generated", seconds="%.1f" % report.seconds, version=__version__,
                    isolation="+".join(report.isolation.get("layers", [])) or "-")


def fenced(text, info):
    """A code block whose fence is longer than any run of backticks inside (student output cannot close it)."""
    import re
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, text.rstrip("\n"), fence]


def render_markdown(report, lang="en", **head):
    c = Catalog(lang)
    title, total, banner = heading(report, c, **head)
    out = []
    if c.dir == "rtl":
        out += ['<div dir="rtl" lang="%s">' % lang, ""]
    out += ["# " + _md(title), "", "**" + total + "**", ""]
    if banner:
        out += ["> **" + _md(banner) + "**", ""]
    for name, outcomes in groups(report).items():
        out += ["## " + c.phrase("assignment_total", assignment=name, score=_fmt(sum(o.score for o in outcomes)),
                                 max_score=_fmt(sum(o.max_score for o in outcomes))), "",
                "| %s | %s | %s | %s |" % (c.phrase("column.status"), c.phrase("column.check"),
                                           c.phrase("column.points"), c.phrase("column.feedback")),
                "|---|---|---|---|"]
        for o in outcomes:
            out.append("| %s | `%s` | %s/%s | %s |" % (c.status(o.status), o.check.name, _fmt(o.score),
                                                       _fmt(o.max_score), _md(c.first_line(o))))
        out.append("")
        for o in outcomes:
            details = c.details(o)
            if not details:
                continue
            head, case = split_case(details)
            out += ["### `%s`" % o.check.name, "", _md(c.first_line(o)), ""] + fenced(head, "text") + [""]
            if case:
                out += [c.phrase("failing_case"), ""] + fenced("import numpy as np\n" + case, "python") + [""]
    if report.notes:
        out += ["## " + c.phrase("notes"), ""] + ["- " + _md(c.note(n)) for n in report.notes] + [""]
    out += ["---", "", _md(footer(report, c)), ""]
    if c.dir == "rtl":
        out += ["</div>", ""]
    return "\n".join(out)


# ------------------------------------------------------------------ HTML

CSS = """
:root { color-scheme: light; }
body { font-family: %(fonts)s; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1d1d1f;
       background: #fafafa; line-height: 1.6; }
h1 { margin-bottom: .2rem; } .total { font-size: 1.3rem; font-weight: bold; }
section.assignment { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: .5rem 1rem 1rem;
                     margin: 1.2rem 0; }
table { border-collapse: collapse; width: 100%%; }
th, td { border-bottom: 1px solid #eee; padding: .45rem .5rem; vertical-align: top; text-align: start; }
th { background: #f3f3f5; }
.status { font-weight: bold; white-space: nowrap; }
tr.passed .status { color: #1a7f37; } tr.failed .status, tr.error .status { color: #c62828; }
tr.skipped .status { color: #8a6d00; }
.first { font-weight: 600; } .desc { color: #555; font-size: .9rem; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: .6rem; overflow-x: auto;
      white-space: pre-wrap; unicode-bidi: isolate; text-align: left; }
.fig { margin: .6rem 0; } .panels { display: flex; flex-wrap: wrap; gap: 1rem; }
.panel img { image-rendering: pixelated; border: 1px solid #ccc; display: block; }
.cap { font-size: .8rem; color: #444; }
body.only-failed tr.passed { display: none; }
footer { color: #777; font-size: .8rem; margin-top: 2rem; }
.warn { background: #fff4e5; border-inline-start: 4px solid #e90; padding: .5rem 1rem; }
"""

SCRIPT = """
document.getElementById("only-failed").addEventListener("change", function (e) {
  document.body.classList.toggle("only-failed", e.target.checked);
});
document.body.dataset.ready = "1";
"""


def render_html(report, lang="en", **head):
    from .figures import to_html as figure_html
    c = Catalog(lang)
    esc = html.escape
    title, total, banner = heading(report, c, **head)
    parts = ['<!DOCTYPE html>', '<html lang="%s" dir="%s">' % (lang, c.dir), "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>%s</title>" % esc(title),
             "<style>%s</style>" % (CSS % {"fonts": FONTS.get(lang, FONTS["en"])}), "</head>", "<body>",
             '<header><h1 dir="auto">%s</h1>' % esc(title), '<p class="total">%s</p>' % esc(total)]
    if banner:
        parts.append('<p class="warn" dir="auto">%s</p>' % esc(banner))
    parts.append('<label><input type="checkbox" id="only-failed"> %s</label></header>' % esc(c.phrase("show_failed")))
    for name, outcomes in groups(report).items():
        parts.append('<section class="assignment"><h2>%s</h2>' % esc(c.phrase(
            "assignment_total", assignment=name, score=_fmt(sum(o.score for o in outcomes)),
            max_score=_fmt(sum(o.max_score for o in outcomes)))))
        parts.append("<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>" % tuple(
            esc(c.phrase(k)) for k in ("column.status", "column.check", "column.points", "column.feedback")))
        for o in outcomes:
            parts.append(_row(o, c, figure_html))
        parts.append("</tbody></table></section>")
    if report.notes:
        parts.append('<section class="notes"><h2>%s</h2><ul>%s</ul></section>' % (
            esc(c.phrase("notes")), "".join('<li dir="auto">%s</li>' % _inline(c.note(n)) for n in report.notes)))
    parts.append("<footer>%s</footer>" % esc(footer(report, c)))
    parts.append("<script>%s</script>" % SCRIPT)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _inline(text):
    """Escaped text whose `code` spans become <code> isolated left to right (they stay readable in Persian)."""
    import re
    return re.sub(r"`([^`]+)`", r'<bdi dir="ltr"><code>\1</code></bdi>', html.escape(text))


def _row(o, c, figure_html):
    esc = html.escape
    cell = ['<p class="first" dir="auto">%s</p>' % _inline(c.first_line(o))] if o.status != "passed" else \
        ['<p dir="auto">%s</p>' % esc(c.phrase("passed"))]
    details = c.details(o)
    if details:
        head, case = split_case(details)
        cell.append('<details%s><summary>%s</summary><pre dir="ltr">%s</pre></details>' % (
            " open" if o.status != "passed" else "", esc(c.phrase("details")), esc(head.rstrip())))
        if case:
            cell.append('<p dir="auto">%s</p><pre dir="ltr"><code>import numpy as np\n%s</code></pre>' % (
                esc(c.phrase("failing_case")), esc(case.rstrip())))
    if o.check.visibility != "hidden":
        cell += [figure_html(f, c.phrase) for f in (o.extra or {}).get("figures", [])]
    return ('<tr class="%s"><td class="status">%s</td><td><code dir="ltr">%s</code> <small>(%s)</small>'
            '<div class="desc" dir="auto">%s</div></td><td dir="ltr">%s/%s</td><td>%s</td></tr>'
            % (o.status, esc(c.status(o.status)), esc(o.check.name), esc(c.phrase("visibility." + o.check.visibility)),
               _inline(c.describe(o.check)), _fmt(o.score), _fmt(o.max_score), "".join(cell)))
