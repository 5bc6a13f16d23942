"""The gradebook: grades.csv (one row per student, one column per assignment, the total) and a variant that
Canvas' gradebook import accepts.

Canvas' import reads the columns `Student, ID, SIS User ID, SIS Login ID, Section` (a student is matched by
ID, else SIS User ID, else SIS Login ID), then one column per assignment; a column whose name matches no
Canvas assignment creates a new one (to fill an existing assignment, rename the column to its exact header
in a Canvas gradebook export, e.g. `kNN (12345)`). The second row, `Points Possible`, gives the maxima.
"""
import csv
import io

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def number(x):
    """17, 16.5, 0.3333: the same value always prints the same text."""
    if x is None:
        return ""
    return ("%.4f" % round(float(x), 4)).rstrip("0").rstrip(".") or "0"


def text(value):
    """A cell a spreadsheet will not run: ids and names come from file names students chose."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA) else value


def rows(expected, records, names):
    """One row per student (a group submission's co-submitters get their own rows), sorted by id.

    `expected`: [{"student", "slug"}] in the batch; `records`: {slug: record}. A student without a record
    is `missing` (an interrupted batch), with empty scores, never a zero."""
    out = []
    for item in expected:
        r = records.get(item["slug"])
        if r is None:
            out.append({"student": item["student"], "name": "", "canvas_id": "", "origin": "",
                        "scores": {n: None for n in names}, "total": None, "max_score": None,
                        "status": "missing"})
            continue
        scores = {n: r["assignments"].get(n, {}).get("score", 0.0) for n in names}
        row = {"student": r["student"], "name": r.get("name", ""), "canvas_id": r.get("canvas_id", ""),
               "origin": r.get("origin", ""), "scores": scores, "total": r["score"], "max_score": r["max_score"],
               "status": r["status"]}
        out.append(row)
        for other in r.get("also", []):
            out.append(dict(row, student=other, name="", canvas_id=""))
    return sorted(out, key=lambda row: row["student"])


def grades_csv(table, names):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "name"] + list(names) + ["total", "max_score", "status"])
    for row in table:
        w.writerow([text(row["student"]), text(row["name"])] + [number(row["scores"][n]) for n in names]
                   + [number(row["total"]), number(row["max_score"]), row["status"]])
    return buf.getvalue()


def canvas_csv(table, names, max_scores):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + list(names))
    w.writerow(["Points Possible", "", "", "", ""] + [number(max_scores[n]) for n in names])
    for row in table:
        if row["status"] == "missing":
            continue
        canvas = row["origin"] == "canvas"
        w.writerow([text(row["name"] or row["student"]), text(row["canvas_id"] if canvas else ""),
                    "" if canvas else text(row["student"]), "", ""] + [number(row["scores"][n]) for n in names])
    return buf.getvalue()
