"""`python -m grader.i18n`: the keys a catalog lacks, as JSON to fill in (exit 1 when any is missing).

`python -m grader.i18n --fill-en` first adds the missing keys to en.json (their English is the key itself), so
only the other languages are left to write.
"""
import json
import os
import sys

from . import HERE, LANGUAGES, english, load
from .keys import every_key


def fill_english(keys):
    path = os.path.join(HERE, "en.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for table, wanted in keys.items():
        entries = data.setdefault(table, {})
        entries.update({k: english(k) for k in wanted if k not in entries})
        data[table] = dict(sorted(entries.items()))
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    load.cache_clear()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    keys = every_key()
    if "--fill-en" in argv:
        fill_english(keys)
    from .. import spec
    kinds = {c.kind for a in spec.assignments() for c in a.checks}
    missing = {}
    for lang in LANGUAGES:
        data = load(lang)
        gaps = {table: {k: english(k) for k in sorted(wanted - set(data.get(table, {})))}
                for table, wanted in keys.items()}
        gaps["kinds"] = {k: "" for k in sorted(kinds - set(data["kinds"]))}
        gaps = {table: keys for table, keys in gaps.items() if keys}
        if gaps:
            missing[lang] = gaps
    print(json.dumps(missing, ensure_ascii=False, indent=1))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
