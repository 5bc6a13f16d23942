"""`python -m grader.i18n`: the keys a catalog lacks, as JSON to fill in (exit 1 when any is missing)."""
import json
import sys

from . import LANGUAGES, load
from .keys import collect


def main():
    notes = set()
    categories, hints = collect(notes=notes)
    from .. import spec
    kinds = {c.kind for a in spec.assignments() for c in a.checks}
    missing = {}
    for lang in LANGUAGES:
        data = load(lang)
        gaps = {"categories": {k: k for k in sorted(categories - set(data["categories"]))},
                "hints": {k: k for k in sorted(hints - set(data["hints"]))},
                "notes": {k: k for k in sorted(notes - set(data.get("notes", {})))},
                "kinds": {k: "" for k in sorted(kinds - set(data["kinds"]))}}
        gaps = {table: keys for table, keys in gaps.items() if keys}
        if gaps:
            missing[lang] = gaps
    print(json.dumps(missing, ensure_ascii=False, indent=1))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
