"""Renderers of graded results: one student (student.py), the gradebook (gradebook.py), CI (junit.py) and
the batch overview (summary.py). They read plain dicts (Report.to_dict() inside batch records), never
Report objects, so merged shards render exactly like one run."""
