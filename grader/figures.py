"""Small pictures for the feedback, with numpy only: heatmaps as PNG data URLs, curves as inline SVG.

A check attaches figures to a failure, `Fail(..., figures=[...])`, each a dict:
    {"kind": "heatmap", "title": "out[0, 1]", "data": 2-D array}                      one colour map
    {"kind": "matrices", "title": ..., "panels": [["figure.yours", A], ["figure.expected", B]]}  side by side
    {"kind": "lines", "title": ..., "series": [["figure.yours", [..]], ["figure.reference", [..]]],
     "xlabel": "iteration", "ylabel": "loss"}                                          curves on one plot
Labels that start with `figure.` are phrases of the report's language; titles and axis labels are messages of
the catalog (grader/i18n: a title with words needs a translation). Figures of hidden checks are dropped
before they reach a report (run.py): a picture of a hidden case would show its values.
"""
import base64
import html
import re
import struct
import zlib

import numpy as np

MAX_SIDE = 48          # cells per side of a heatmap (larger arrays are subsampled)
CELL = 4               # pixels per cell, at least


def error_figure(label, student, expected):
    """|yours − expected| of the 2-D slice with the largest error (leading axes fixed there)."""
    s, e = np.asarray(student, dtype=float), np.asarray(expected, dtype=float)
    if s.shape != e.shape or s.ndim < 2 or not s.size:
        return None
    err = np.abs(s - e)
    err[~np.isfinite(err)] = np.nanmax(np.where(np.isfinite(err), err, 0)) if np.isfinite(err).any() else 1.0
    lead = np.unravel_index(int(np.argmax(err.reshape(-1, *err.shape[-2:]).max(axis=(1, 2)))), err.shape[:-2])
    where = "%s[%s]" % (label, ", ".join([str(int(i)) for i in lead] + [":", ":"])) if lead else label
    return {"kind": "heatmap", "title": where, "label": "figure.error", "data": err[lead]}


def side_by_side(title, student, expected):
    """Yours and the expected matrix on one colour scale, and where they differ."""
    s, e = np.asarray(student, dtype=float), np.asarray(expected, dtype=float)
    if s.shape != e.shape or s.ndim != 2:
        return None
    return {"kind": "matrices", "title": title,
            "panels": [["figure.yours", s], ["figure.expected", e], ["figure.error", np.abs(s - e)]]}


def curves(title, series, xlabel="", ylabel=""):
    return {"kind": "lines", "title": title, "series": [[k, list(map(float, v))] for k, v in series],
            "xlabel": xlabel, "ylabel": ylabel}


# ------------------------------------------------------------------ PNG

def _subsample(a):
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    step = [max(1, -(-n // MAX_SIDE)) for n in a.shape[:2]]
    return a[::step[0], ::step[1]]


def colormap(t):
    """A perceptually ordered map (dark blue → teal → yellow), t in [0, 1] → uint8 RGB."""
    stops = np.array([[0.15, 0.0, 0.33], [0.13, 0.57, 0.55], [0.99, 0.91, 0.14]])
    t = np.clip(np.nan_to_num(t), 0, 1) * (len(stops) - 1)
    i = np.minimum(t.astype(int), len(stops) - 2)
    f = (t - i)[..., None]
    return (255 * (stops[i] * (1 - f) + stops[i + 1] * f)).astype(np.uint8)


def png(rgb):
    """PNG bytes of an (H, W, 3) uint8 image."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def cell_size(shape):
    """Pixels per cell: small matrices are drawn large, large ones small (about 200 pixels a side)."""
    return int(np.clip(200 // max(shape[:2]), CELL, 32))


def heatmap_url(a, lo=None, hi=None):
    a = _subsample(a)
    finite = a[np.isfinite(a)]
    lo = (finite.min() if finite.size else 0.0) if lo is None else lo
    hi = (finite.max() if finite.size else 1.0) if hi is None else hi
    t = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    k = cell_size(a.shape)
    rgb = np.repeat(np.repeat(colormap(t), k, axis=0), k, axis=1)
    return "data:image/png;base64," + base64.b64encode(png(rgb)).decode()


# ------------------------------------------------------------------ HTML

_ATOM = r"[A-Za-z0-9_.,:;=+\-*/^·×−‖²ᵗβεμφθσ'\"%!?|&<>]"
_GROUP = r"\((?:[^()\u0600-\u06FF]|\([^()\u0600-\u06FF]*\))*\)|\[[^\[\]\u0600-\u06FF]*\]"   # (a, b), f(g(x)), [0, 3]
LATIN = re.compile(r"(?:%s|[A-Za-z0-9‖])(?:%s|%s| (?=[^\u0600-\u06FF\s]))*" % (_GROUP, _ATOM, _GROUP))
# a formula, a name or a number inside Persian text: isolated left to right, its brackets with it


def inline_code(text, rtl=False):
    """Escaped text whose `code` spans become <code>, isolated left to right (readable inside Persian); in a
    right-to-left text, formulas, names and numbers are isolated left to right too (`(2·reg·W)` stays as written)."""
    out = []
    for i, part in enumerate(re.split(r"`([^`]+)`", text)):
        if i % 2:
            out.append('<bdi dir="ltr"><code>%s</code></bdi>' % html.escape(part))
        elif rtl:
            pos = 0
            for m in LATIN.finditer(part):
                run = m.group().rstrip(".,:;!? ")        # sentence punctuation after it stays with the sentence
                if not re.search(r"[A-Za-z0-9]", run):
                    continue
                out.append(html.escape(part[pos:m.start()]) + '<bdi dir="ltr">%s</bdi>' % html.escape(run))
                pos = m.start() + len(run)
            out.append(html.escape(part[pos:]))
        else:
            out.append(html.escape(part))
    return "".join(out)


def to_html(fig, catalog):
    """The figure as an HTML fragment (images inline), its words in the catalog's language (grader/i18n):
    `figure.*` labels are phrases, titles and axis labels messages."""
    def label(text):
        text = str(text)
        return catalog.phrase(text) if text.startswith("figure.") else catalog.fragment(text)
    kind = fig.get("kind")
    title = '<figcaption>%s</figcaption>' % inline_code(label(fig.get("title", "")), rtl=catalog.dir == "rtl")
    if kind == "heatmap":
        return '<figure class="fig">%s%s</figure>' % (title, _panel(label(fig.get("label", "")), fig["data"]))
    if kind == "matrices":        # each panel on its own colour scale (its range is in its caption)
        panels = "".join(_panel(label(name), a) for name, a in fig["panels"])
        return '<figure class="fig">%s<div class="panels">%s</div></figure>' % (title, panels)
    if kind == "lines":
        return '<figure class="fig">%s%s</figure>' % (title, lines_svg(fig, label))
    return ""


def _panel(name, a, lo=None, hi=None):
    a = np.asarray(a, dtype=float)
    sub = _subsample(a)
    shape = "×".join(str(n) for n in a.shape)
    finite = a[np.isfinite(a)]
    rng = "%.3g … %.3g" % (finite.min(), finite.max()) if finite.size else "—"
    k = cell_size(sub.shape)
    return ('<div class="panel"><img alt="%s" width="%d" height="%d" src="%s"><div class="cap">%s '
            '<bdi dir="ltr">(%s; %s)</bdi></div></div>'
            % (html.escape(name), sub.shape[1] * k, sub.shape[0] * k, heatmap_url(a, lo, hi), html.escape(name),
               shape, rng))


COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")


def lines_svg(fig, label=str, width=420, height=240):
    series = [(label(name), np.asarray(ys, dtype=float)) for name, ys in fig["series"]]
    pad = 40
    allys = np.concatenate([ys[np.isfinite(ys)] for _, ys in series]) if series else np.zeros(1)
    lo, hi = (float(allys.min()), float(allys.max())) if allys.size else (0.0, 1.0)
    hi = hi if hi > lo else lo + 1
    n = max((len(ys) for _, ys in series), default=1)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" dir="ltr" '
             'role="img">' % (width, height, width, height),
             '<rect x="%d" y="10" width="%d" height="%d" fill="none" stroke="#999"/>' % (pad, width - pad - 10,
                                                                                          height - pad - 10)]
    for i, (name, ys) in enumerate(series):
        xs = pad + (width - pad - 10) * np.arange(len(ys)) / max(1, n - 1)
        yy = 10 + (height - pad - 10) * (1 - (np.clip(ys, lo, hi) - lo) / (hi - lo))
        points = " ".join("%.1f,%.1f" % p for p in zip(xs, yy) if np.isfinite(p[1]))
        color = COLORS[i % len(COLORS)]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, points))
        parts.append('<text x="%d" y="%d" fill="%s" font-size="12">%s</text>' % (pad + 8, 26 + 14 * i, color,
                                                                                 html.escape(name)))
    parts.append('<text x="4" y="16" font-size="11">%.3g</text><text x="4" y="%d" font-size="11">%.3g</text>'
                 % (hi, height - pad, lo))
    parts.append('<text x="%d" y="%d" font-size="11">%s</text>'
                 % (pad, height - 12, html.escape(label(fig.get("xlabel", "")))))
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(counts, labels, width=300, height=96, color="#3b6ea5", highlight=None, title=""):
    """A small bar chart (a score distribution) as inline SVG: `counts` per bin, `labels` (first, last) under the
    axis, the bin `highlight` (e.g. full marks) in green; each bar says its count on hover."""
    n = max(1, len(counts))
    peak = max(list(counts) + [1])
    pad_x, pad_top, pad_bottom = 4, 12, 16
    w = (width - 2 * pad_x) / n
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
             'dir="ltr" aria-label="%s">' % (width, height, width, height, html.escape(title)),
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>' % (pad_x, height - pad_bottom, width - pad_x,
                                                                        height - pad_bottom)]
    for i, c in enumerate(counts):
        h = (height - pad_top - pad_bottom) * c / peak
        x, y = pad_x + i * w, height - pad_bottom - h
        fill = "#2f8f5b" if i == highlight else color
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>'
                     % (x + 0.5, y, max(0.5, w - 1), h, fill, c))
        if c:
            parts.append('<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle" fill="#333">%d</text>'
                         % (x + w / 2, y - 2, c))
    first, last = labels
    parts.append('<text x="%d" y="%d" font-size="10" fill="#555">%s</text>' % (pad_x, height - 3, html.escape(first)))
    parts.append('<text x="%d" y="%d" font-size="10" fill="#555" text-anchor="end">%s</text>'
                 % (width - pad_x, height - 3, html.escape(last)))
    parts.append("</svg>")
    return "".join(parts)
