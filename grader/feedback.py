"""A report for the student, in their language: plain text, Markdown and one self-contained HTML page.

Failures come first: each with what went wrong (category and hint), the details as the check wrote them, the
smallest failing case as code to paste and figures where the check attached some; hidden checks show a category
and a hint only. Passing checks follow, collapsed into one line per function. Every sentence goes through the
catalog (grader/i18n); code, numbers and identifiers stay left to right.
"""
import html
import re
from dataclasses import dataclass, field

from . import __version__
from .i18n import CASE_MARK, Catalog, split_case  # noqa: F401  (split_case and CASE_MARK: re-exported)

FONTS = {"fa": '"Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif',
         "en": 'system-ui, "Segoe UI", "DejaVu Sans", Roboto, sans-serif'}


def _fmt(x):
    return "%g" % round(x, 4)


def groups(report):
    out = {}
    for o in report.outcomes:
        out.setdefault(o.assignment, []).append(o)
    return out


def function_of(check):
    """What a line of passing checks is about: the function or class a check's name starts with."""
    return check.name.split(".")[0] if "." in check.name else ""


@dataclass
class Section:
    """One assignment of a report, in the order a student reads it."""
    name: str
    score: float
    max_score: float
    failures: list = field(default_factory=list)     # failed or errored and graded: what to fix, [[outcome]]:
                                                     # checks that failed the same way share one entry
    waiting: list = field(default_factory=list)      # not graded until another check passes
    skipped: list = field(default_factory=list)      # run at grading time (the student kit)
    passed: list = field(default_factory=list)       # [(function, [outcomes])], in check order


def sections(report):
    out = []
    for name, outcomes in groups(report).items():
        s = Section(name, sum(o.score for o in outcomes), sum(o.max_score for o in outcomes))
        passed, failed = {}, {}
        for o in outcomes:
            if o.status == "passed":
                passed.setdefault(function_of(o.check), []).append(o)
            elif o.status == "skipped":
                s.skipped.append(o)
            elif o.category == "depends on a failed check":
                s.waiting.append(o)
            else:
                failed.setdefault(_same(o), []).append(o)
        s.failures = list(failed.values())
        s.passed = list(passed.items())
        out.append(s)
    return out


def _same(o):
    """Failures that say the same thing (a syntax error fails every check of the file) are shown once."""
    return (o.status, o.category, (o.extra or {}).get("hint"), o.output, o.check.visibility)


def short_name(o):
    """A check's name without the function it is about (`values` for `predict.values`)."""
    head = function_of(o.check)
    return o.check.name[len(head) + 1:] if head else o.check.name


def heading(report, c, who=None, total=None, not_graded=None):
    """(title, total line, banner or None) of a report; a batch names the student (`who`) and, for a submission
    it could not grade, gives (status, reason) in `not_graded` and the points it was out of in `total`."""
    score, max_score = total or (report.score, report.max_score)
    title = c.phrase("report_for", student=who) if who else c.phrase("report_title")
    banner = c.phrase("not_graded", status=c.status(not_graded[0]), reason=c.note(not_graded[1])) \
        if not_graded else None
    return title, c.phrase("total", score=_fmt(score), max_score=_fmt(max_score)), banner


def footer(report, c):
    return c.phrase("generated", seconds="%.1f" % report.seconds, version=__version__,
                    isolation="+".join(report.isolation.get("layers", [])) or "-")


def passed_line(c, function, outcomes):
    names = ", ".join("`%s`" % short_name(o) for o in outcomes)
    points = _fmt(sum(o.score for o in outcomes))
    if function:
        return c.phrase("passed_function", function=function, checks=names, points=points)
    return c.phrase("passed_checks", n=len(outcomes), points=points)


# ------------------------------------------------------------------ text

def render_text(report, lang="en"):
    c = Catalog(lang)
    lines = []
    for s in sections(report):
        lines.append("== " + c.phrase("assignment_total", assignment=s.name, score=_fmt(s.score),
                                      max_score=_fmt(s.max_score)))
        for group in s.failures + [[o] for o in s.waiting + s.skipped]:
            o = group[0]
            lines.append("  %s %-40s %5g/%-3g %s" % (c.status(o.status).ljust(5)[:5], o.check.name,
                                                      sum(g.score for g in group), sum(g.max_score for g in group),
                                                      c.first_line(o)))
            if len(group) > 1:
                lines.append("       " + c.phrase("same_failure", checks=", ".join(g.check.name for g in group[1:])))
            lines += ["       " + r for r in c.details(o).splitlines()[:16]]
        for function, outcomes in s.passed:
            lines.append("  %s %s" % (c.status("passed").ljust(5)[:5], passed_line(c, function, outcomes)))
    for note in report.notes:
        lines.append("%s: %s" % (c.phrase("note"), c.note(note)))
    lines.append("%s  %s" % (c.phrase("total", score=_fmt(report.score), max_score=_fmt(report.max_score)),
                             c.phrase("time_isolation", seconds="%.1f" % report.seconds,
                                      isolation="+".join(report.isolation.get("layers", [])))))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ Markdown

def _md(text):
    return html.escape(str(text)).replace("|", "\\|").replace("\n", " ")


def _md_inline(text):
    """Markdown text whose `code` spans stay code (escaped around them)."""
    parts = re.split(r"(`[^`\n]+`)", str(text))
    return "".join(p if p.startswith("`") and p.endswith("`") and len(p) > 1 else _md(p) for p in parts)


def fenced(text, info):
    """A code block whose fence is longer than any run of backticks inside (student output cannot close it)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, text.rstrip("\n"), fence]


def blocks(lines):
    """Consecutive lines of the same kind: [(is prose, [lines])]."""
    out = []
    for text, prose in lines:
        if out and out[-1][0] == prose:
            out[-1][1].append(text)
        else:
            out.append((prose, [text]))
    return out


def render_markdown(report, lang="en", **head):
    c = Catalog(lang)
    title, total, banner = heading(report, c, **head)
    out = []
    if c.dir == "rtl":
        out += ['<div dir="rtl" lang="%s">' % lang, ""]
    out += ["# " + _md(title), "", "**" + total + "**", ""]
    if banner:
        out += ["> **" + _md(banner) + "**", ""]
    parts = sections(report)
    out += ["| %s | %s |" % (c.phrase("column.assignment"), c.phrase("column.points")), "|---|---|"]
    out += ["| %s | %s / %s |" % (s.name, _fmt(s.score), _fmt(s.max_score)) for s in parts] + [""]
    if any(s.failures or s.waiting for s in parts):
        out += ["## " + c.phrase("to_fix"), ""]
    for s in parts:
        if not (s.failures or s.waiting):
            continue
        out += ["### " + c.phrase("assignment_total", assignment=s.name, score=_fmt(s.score),
                                  max_score=_fmt(s.max_score)), ""]
        for group in s.failures:
            o = group[0]
            out += ["#### `%s` — %s/%s (%s)" % (o.check.name, _fmt(sum(g.score for g in group)),
                                                _fmt(sum(g.max_score for g in group)),
                                                c.phrase("visibility." + o.check.visibility)), ""]
            if len(group) > 1:
                out += [_md_inline(c.phrase("same_failure", checks=", ".join("`%s`" % g.check.name
                                                                              for g in group[1:]))), ""]
            out += ["**" + _md_inline(c.first_line(o)) + "**", ""]
            lines, case = c.explain(o)
            for prose, chunk in blocks(lines):
                out += ([_md_inline(t) + "  " for t in chunk] if prose else fenced("\n".join(chunk), "text")) + [""]
            if case:
                out += [c.phrase("failing_case"), ""] + fenced("import numpy as np\n" + case, "python") + [""]
        for o in s.waiting:
            out.append("- `%s`: %s" % (o.check.name, _md_inline(c.first_line(o))))
        out.append("")
    passed = [(s, f, os_) for s in parts for f, os_ in s.passed]
    if passed or any(s.skipped for s in parts):
        out += ["## " + c.phrase("passed_heading"), ""]
        out += ["- %s · %s" % (s.name, _md_inline(passed_line(c, f, os_))) for s, f, os_ in passed]
        out += ["- %s · `%s`: %s" % (s.name, o.check.name, _md(c.first_line(o))) for s in parts for o in s.skipped]
        out.append("")
    if report.notes:
        out += ["## " + c.phrase("notes"), ""] + ["- " + _md_inline(c.note(n)) for n in report.notes] + [""]
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
h2 { margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%%; }
th, td { border-bottom: 1px solid #eee; padding: .35rem .5rem; vertical-align: top; text-align: start; }
th { background: #f3f3f5; }
.scores td.bar { width: 50%%; } .meter { background: #e8e8ec; height: .7rem; border-radius: 4px; overflow: hidden; }
.meter span { display: block; height: 100%%; background: #2f8f5b; }
article.failure { background: #fff; border: 1px solid #e3c6c6; border-inline-start: 5px solid #c62828;
                  border-radius: 8px; padding: .4rem 1rem .8rem; margin: 1rem 0; }
article.failure h4 { margin: .3rem 0; font-size: 1.05rem; } .pts { color: #c62828; font-weight: bold; }
.first { font-weight: 600; margin: .3rem 0; } .desc { color: #555; font-size: .9rem; margin: 0; }
.why p { margin: .2rem 0; }
.waiting { color: #555; }
ul.passed { list-style: none; padding-inline-start: 0; } ul.passed li::before { content: "✓ "; color: #1a7f37; }
.status { font-weight: bold; white-space: nowrap; }
tr.passed .status { color: #1a7f37; } tr.failed .status, tr.error .status { color: #c62828; }
tr.skipped .status { color: #8a6d00; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: .6rem; overflow-x: auto;
      white-space: pre-wrap; unicode-bidi: isolate; text-align: left; }
.fig { margin: .6rem 0; } .panels { display: flex; flex-wrap: wrap; gap: 1rem; }
.panel img { image-rendering: pixelated; border: 1px solid #ccc; display: block; }
.cap { font-size: .8rem; color: #444; }
footer { color: #777; font-size: .8rem; margin-top: 2rem; }
.warn { background: #fff4e5; border-inline-start: 4px solid #e90; padding: .5rem 1rem; }
"""

SCRIPT = """
document.querySelectorAll("a[href^='#c-']").forEach(function (a) {
  a.addEventListener("click", function () {
    var box = document.getElementById(a.getAttribute("href").slice(1));
    if (box && box.tagName === "DETAILS") { box.open = true; }
  });
});
document.body.dataset.ready = "1";
"""


def _inline(c, text):
    from .figures import inline_code
    return inline_code(text, rtl=c.dir == "rtl")


def _why(lines, c):
    """Details as HTML: prose as paragraphs (code spans left to right), code as a preformatted block."""
    out = []
    for prose, chunk in blocks(lines):
        if prose:
            out += ['<p>%s</p>' % _inline(c, t) for t in chunk]
        else:
            out.append('<pre dir="ltr">%s</pre>' % html.escape("\n".join(chunk).rstrip()))
    return '<div class="why">%s</div>' % "".join(out) if out else ""


def _failure(group, c, figure_html):
    esc = html.escape
    o = group[0]
    lines, case = c.explain(o)
    parts = ['<article class="failure %s" id="c-%s">' % (o.status, esc(o.check.name)),
             '<h4><code dir="ltr">%s</code> <span class="pts" dir="ltr">%s/%s</span> <small>(%s)</small></h4>'
             % (esc(o.check.name), _fmt(sum(g.score for g in group)), _fmt(sum(g.max_score for g in group)),
                esc(c.phrase("visibility." + o.check.visibility))),
             '<p class="desc">%s</p>' % _inline(c, c.describe(o.check))]
    if len(group) > 1:
        parts.append('<p class="desc">%s</p>' % "".join(
            [_inline(c, c.phrase("same_failure", checks=", ".join("`%s`" % g.check.name for g in group[1:])))]
            + ['<span id="c-%s"></span>' % esc(g.check.name) for g in group[1:]]))
    parts += ['<p class="first">%s</p>' % _inline(c, c.first_line(o)), _why(lines, c)]
    if case:
        parts.append('<p>%s</p><pre dir="ltr"><code>import numpy as np\n%s</code></pre>' % (
            esc(c.phrase("failing_case")), esc(case.rstrip())))
    if o.check.visibility != "hidden":
        parts += [figure_html(f, c) for f in (o.extra or {}).get("figures", [])]
    parts.append("</article>")
    return "".join(parts)


def _row(o, c):
    esc = html.escape
    return ('<tr class="%s"><td class="status">%s</td><td><a href="#c-%s"><code dir="ltr">%s</code></a> <small>(%s)'
            '</small><div class="desc">%s</div></td><td dir="ltr">%s/%s</td><td>%s</td></tr>'
            % (o.status, esc(c.status(o.status)), esc(o.check.name), esc(o.check.name),
               esc(c.phrase("visibility." + o.check.visibility)), _inline(c, c.describe(o.check)), _fmt(o.score),
               _fmt(o.max_score), "" if o.status == "passed" else _inline(c, c.first_line(o))))


def render_html(report, lang="en", **head):
    from .figures import to_html as figure_html
    c = Catalog(lang)
    esc = html.escape
    title, total, banner = heading(report, c, **head)
    parts = ['<!DOCTYPE html>', '<html lang="%s" dir="%s">' % (lang, c.dir), "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>%s</title>" % esc(title),
             "<style>%s</style>" % (CSS % {"fonts": FONTS.get(lang, FONTS["en"])}), "</head>", "<body>",
             '<header><h1>%s</h1>' % esc(title), '<p class="total">%s</p>' % esc(total)]
    if banner:
        parts.append('<p class="warn">%s</p>' % esc(banner))
    parts.append("</header>")
    secs = sections(report)
    if secs:
        parts.append('<table class="scores"><tbody>%s</tbody></table>' % "".join(
            '<tr><td><a href="#a-%s">%s</a></td><td dir="ltr">%s / %s</td><td class="bar"><div class="meter">'
            '<span style="width:%.1f%%"></span></div></td></tr>'
            % (esc(s.name), esc(s.name), _fmt(s.score), _fmt(s.max_score),
               100.0 * s.score / s.max_score if s.max_score else 0.0) for s in secs))
    if any(s.failures or s.waiting for s in secs):
        parts.append('<section class="to-fix"><h2>%s</h2>' % esc(c.phrase("to_fix")))
        for s in secs:
            if not (s.failures or s.waiting):
                continue
            parts.append('<h3 id="a-%s">%s</h3>' % (esc(s.name), esc(c.phrase(
                "assignment_total", assignment=s.name, score=_fmt(s.score), max_score=_fmt(s.max_score)))))
            parts += [_failure(group, c, figure_html) for group in s.failures]
            if s.waiting:
                parts.append('<ul class="waiting">%s</ul>' % "".join(
                    '<li><code dir="ltr">%s</code>: %s</li>' % (esc(o.check.name), _inline(c, c.first_line(o)))
                    for o in s.waiting))
        parts.append("</section>")
    passed = [(s, f, os_) for s in secs for f, os_ in s.passed]
    if passed or any(s.skipped for s in secs):
        parts.append('<section class="passed"><h2>%s</h2><ul class="passed">' % esc(c.phrase("passed_heading")))
        parts += ['<li>%s · %s</li>' % (esc(s.name), _inline(c, passed_line(c, f, os_)))
                  for s, f, os_ in passed]
        parts += ['<li>%s · <code dir="ltr">%s</code>: %s</li>' % (esc(s.name), esc(o.check.name),
                                                                            _inline(c, c.first_line(o)))
                  for s in secs for o in s.skipped]
        parts.append("</ul></section>")
    if report.notes:
        parts.append('<section class="notes"><h2>%s</h2><ul>%s</ul></section>' % (
            esc(c.phrase("notes")), "".join('<li>%s</li>' % _inline(c, c.note(n)) for n in report.notes)))
    if report.outcomes:
        parts.append('<details class="all"><summary>%s</summary><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>'
                     '<th>%s</th></tr></thead><tbody>%s</tbody></table></details>' % (
                         esc(c.phrase("all_checks", n=len(report.outcomes))),
                         *(esc(c.phrase(k)) for k in ("column.status", "column.check", "column.points",
                                                      "column.feedback")),
                         "".join(_row(o, c) for o in report.outcomes)))
    parts.append("<footer>%s</footer>" % esc(footer(report, c)))
    parts.append("<script>%s</script>" % SCRIPT)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
