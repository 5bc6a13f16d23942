"""junit.xml for CI dashboards: one <testsuite> per student, one <testcase> per check."""
import re
import xml.etree.ElementTree as ET

INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text):
    return INVALID_XML.sub("\ufffd", text or "")


def junit_xml(records):
    """`records`: batch records (grader.batch.store), in the order they should appear."""
    root = ET.Element("testsuites", name="dlgrader")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for r in records:
        suite = ET.SubElement(root, "testsuite", name=clean(r["student"]))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        props = ET.SubElement(suite, "properties")
        for key in ("score", "max_score", "status"):
            ET.SubElement(props, "property", name=key, value=clean(str(r[key])))
        if r["status"] != "graded":
            case = ET.SubElement(suite, "testcase", classname=clean(r["student"]), name="grading")
            ET.SubElement(case, "error", message=clean(r["error"].splitlines()[0] if r["error"] else r["status"]),
                          type=r["status"]).text = clean(r["error"])
            counts["tests"] += 1
            counts["errors"] += 1
        for t in (r.get("report") or {}).get("tests", []):
            case = ET.SubElement(suite, "testcase", classname=clean("%s.%s" % (r["student"], t["assignment"])),
                                 name=clean(t["name"]), time="%.3f" % (t.get("seconds") or 0.0))
            counts["tests"] += 1
            if t["status"] != "passed":
                tag = "failure" if t["status"] == "failed" else "error"
                counts["failures" if tag == "failure" else "errors"] += 1
                first = (t["output"] or "").strip().splitlines()[:1]
                ET.SubElement(case, tag, message=clean(first[0] if first else t["status"]),
                              type=clean(t.get("category") or t["status"])).text = clean(t["output"])
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "%.3f" % (r.get("seconds") or 0.0))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
