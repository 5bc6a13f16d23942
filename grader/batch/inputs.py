"""Find the students in a batch INPUT: a folder of submissions, a .zip of one, or an LMS export.

    folder/ or class.zip          one sub-folder, .py, .ipynb, .zip or answers .toml/.json per student; the id is
                                  its name
    Canvas "Download Submissions" flat files  name_12345_67890_file.py (name, Canvas user id, submission id,
                                  the student's file name; `name_LATE_12345_...` for late ones): the files
                                  of one user id are graded together, under their original file names
    Gradescope "Export Submissions"  submission_metadata.yml + one submission_<id>/ folder per submission;
                                  the id is the submitter's student id (`:sid:`), else e-mail, else the folder

`--id-pattern REGEX` overrides the id: it is searched in each entry's name and the id is its group `id`, else
group 1, else the whole match; entries it does not match are skipped (and listed). Nothing here runs
student code: files are only listed, copied and unpacked.
"""
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field

from ..files import FileProblem, ZipLimits, copy_regular, copy_tree, extract_zip
from ..util import safe_text

SUBMISSION_SUFFIXES = (".py", ".ipynb", ".zip", ".toml", ".json")   # .toml/.json: written answers
KEEP_SUFFIXES = SUBMISSION_SUFFIXES + (".yml", ".yaml", ".json")
IGNORED = {"__MACOSX", "__pycache__", ".DS_Store", "Thumbs.db"}
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:late_)?(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$", re.I)
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<ext>\.\w+)$")   # Canvas renames a re-upload `f.py` to `f-1.py`
MAX_MEMBER = 256 << 20
MAX_TOTAL = 8 << 30
MAX_MEMBERS = 200_000


class InputError(Exception):
    """The batch input cannot be read (the message is for the TA)."""


@dataclass
class Entry:
    student: str                  # the id in the gradebook
    paths: list                   # what was found for this student (absolute paths)
    name: str = ""                # display name, when the export gives one
    also: list = field(default_factory=list)   # co-submitters of a group submission (their own rows)
    source: str = "folder"        # folder | canvas | gradescope | pattern
    canvas_id: str = ""           # Canvas user id, when the file names carry it
    slug: str = ""                # file-system-safe form of `student` (set by discover)
    path: str = ""                # what is graded: one of `paths`, or a staged folder combining them

    def describe(self):
        return [os.path.basename(p.rstrip(os.sep)) for p in self.paths]


@dataclass
class Discovery:
    entries: list
    skipped: list                 # (entry name, why)
    layout: str                   # folder | canvas | gradescope | pattern


def discover(input_path, workdir, id_pattern=None):
    """The students of `input_path`, sorted by id; `workdir` receives unpacked and staged copies."""
    input_path = os.path.abspath(input_path)
    if os.path.isdir(input_path):
        root = unwrap(input_path, wrappers_only=True)
    elif os.path.isfile(input_path) and input_path.lower().endswith(".zip"):
        root = unwrap(extract_once(input_path, os.path.join(workdir, "input")))
    else:
        raise InputError("%s is neither a folder nor a .zip of submissions" % input_path)
    metadata = os.path.join(root, "submission_metadata.yml")
    if os.path.isfile(metadata) and not id_pattern:
        entries, skipped = gradescope_entries(root, metadata)
        layout = "gradescope"
    else:
        entries, skipped, layout = folder_entries(root, id_pattern)
    for e in entries:   # ids and names come from file names and exports: shown in reports and on the terminal
        e.student, e.name, e.also = safe_text(e.student), safe_text(e.name), [safe_text(a) for a in e.also]
    skipped = [(safe_text(name), why) for name, why in skipped]
    entries = merge_duplicates(entries)
    assign_slugs(entries)
    return Discovery(sorted(entries, key=lambda e: e.student), skipped, layout)


def stage_all(entries, workdir):
    """Set `entry.path`, the one path `grade()` receives, for each entry (staging copies where needed)."""
    for e in entries:
        e.path = stage(e, os.path.join(workdir, "staged", e.slug))


# ------------------------------------------------------------------ layouts
def folder_entries(root, id_pattern):
    pattern = re.compile(id_pattern) if id_pattern else None
    entries, skipped = [], []
    names = sorted(n for n in os.listdir(root) if n not in IGNORED and not n.startswith("."))
    canvas = not pattern and names and sum(bool(CANVAS.match(n)) for n in names) * 2 > len(names)
    for name in names:
        full = os.path.join(root, name)
        if not (os.path.isdir(full) or name.lower().endswith(SUBMISSION_SUFFIXES)) or os.path.islink(full):
            skipped.append((name, "not a folder, .py, .ipynb, .zip or an answers .toml/.json"))
            continue
        if pattern:
            m = pattern.search(name)
            if not m:
                skipped.append((name, "the id pattern does not match"))
                continue
            groups = m.groupdict()
            student = groups.get("id") or (m.group(1) if m.groups() else m.group(0))
            entries.append(Entry(student, [full], name=groups.get("name") or "", source="pattern"))
        elif canvas:
            m = CANVAS.match(name)
            if not m:
                skipped.append((name, "not named like a Canvas download (name_userid_submissionid_file)"))
                continue
            entries.append(Entry(m.group("id"), [full], name=m.group("name"), source="canvas",
                                 canvas_id=m.group("id")))
        else:
            stem = name if os.path.isdir(full) else os.path.splitext(name)[0]
            entries.append(Entry(stem, [full]))
    layout = "pattern" if pattern else "canvas" if canvas else "folder"
    return entries, skipped, layout


def gradescope_entries(root, metadata):
    with open(metadata, encoding="utf-8", errors="replace") as f:
        submissions = read_gradescope_metadata(f.read())
    entries, skipped = [], []
    for key in sorted(submissions):
        people = submissions[key]
        ids = [p.get("sid") or p.get("email") or "" for p in people]
        ids = [i for i in ids if i] or [key]
        name = people[0].get("name", "") if people else ""
        entries.append(Entry(ids[0], [os.path.join(root, key)], name=name, also=ids[1:], source="gradescope"))
    listed = set(submissions)
    for n in sorted(os.listdir(root)):
        if n not in listed and n != "submission_metadata.yml" and n not in IGNORED and not n.startswith("."):
            skipped.append((n, "not listed in submission_metadata.yml"))
    return entries, skipped


def read_gradescope_metadata(text):
    """{submission folder: [{sid, name, email}, ...]} from Gradescope's submission_metadata.yml.

    Only the part we need is read (Ruby-symbol keys, as Gradescope writes them):
        submission_123:
          :submitters:
          - :name: Solo Student
            :sid: '100'
            :email: solo@example.edu
          :created_at: ...
    """
    found, current, people, block = {}, None, None, None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if indent == 0:
            current = found.setdefault(_unquote(line.rstrip(":").strip()), [])
            block = people = None
            continue
        if current is None:
            continue
        if block is None or indent < block or (indent == block and not line.startswith("- ")):
            block = indent if line in (":submitters:", "submitters:") else None
            people = None
            continue
        if line.startswith("- "):
            people = {}
            current.append(people)
            line = line[2:].strip()
        m = re.match(r"^:?(name|sid|email):\s*(.*)$", line)
        if m and people is not None:
            people[m.group(1)] = _unquote(m.group(2))
    return found


def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"')
    return "" if value in ("~", "null") else value


# ------------------------------------------------------------------ ids, slugs, staging
def merge_duplicates(entries):
    by_id = {}
    for e in entries:
        if e.student in by_id:
            kept = by_id[e.student]
            kept.paths += e.paths
            kept.also += [a for a in e.also if a not in kept.also]
        else:
            by_id[e.student] = e
    return list(by_id.values())


def assign_slugs(entries):
    """A file name for each id: safe characters, unique even on case-insensitive file systems."""
    seen = set()
    for e in sorted(entries, key=lambda e: e.student):
        slug = re.sub(r"[^A-Za-z0-9._@+-]", "_", e.student).lstrip(".")[:80]
        if slug != e.student or not slug or slug.lower() in seen:
            slug = (slug or "student") + "-" + hashlib.sha256(e.student.encode()).hexdigest()[:8]
        seen.add(slug.lower())
        e.slug = slug


def stage(entry, dest):
    """What to grade: the single path as it is, or a fresh folder combining the student's files."""
    if len(entry.paths) == 1 and entry.source != "canvas":
        return entry.paths[0]
    if len(entry.paths) == 1 and entry.paths[0].lower().endswith(".zip"):
        return entry.paths[0]
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    for path in entry.paths:
        name = os.path.basename(path.rstrip(os.sep))
        if entry.source == "canvas":
            name = canvas_file_name(name)
        target = os.path.join(dest, name)
        try:
            if os.path.isdir(path):
                copy_tree(path, target, lambda parts, folder=False: not any(p in IGNORED for p in parts),
                          MAX_MEMBER, MAX_TOTAL, MAX_MEMBERS)
            elif name.lower().endswith(".zip"):
                try:
                    safe_extract(path, os.path.join(dest, os.path.splitext(name)[0]))
                except InputError:
                    copy_regular(path, target, MAX_MEMBER)   # graded as it is: the student sees why it could
            else:                                            # not be read
                copy_regular(path, target, MAX_MEMBER)
        except (FileProblem, OSError):
            continue    # a pipe, a device or an oversized file of a student is not copied: grading says what is missing
    return dest


def canvas_file_name(name):
    m = CANVAS.match(name)
    original = m.group("file") if m else name
    r = RESUBMITTED.match(original)
    if r and r.group("stem").isidentifier():
        original = r.group("stem") + r.group("ext")
    return original


# ------------------------------------------------------------------ archives
def unwrap(root, wrappers_only=False):
    """Descend through folders that are the only entry of their parent (`assignment_1_export/` in a .zip).

    For a folder the TA named, a lone sub-folder is a class of one, unless it holds a Gradescope export."""
    while True:
        entries = [n for n in os.listdir(root) if n not in IGNORED and not n.startswith(".")]
        if len(entries) != 1 or not os.path.isdir(os.path.join(root, entries[0])):
            return root
        inner = os.path.join(root, entries[0])
        if os.path.exists(os.path.join(inner, "__init__.py")):
            return root                # one student's package, not a wrapper
        if wrappers_only and not os.path.isfile(os.path.join(inner, "submission_metadata.yml")):
            return root
        root = inner


def extract_once(zip_path, dest):
    """Unpack the class .zip into `dest`, or reuse it when the same .zip was unpacked there before."""
    digest = sha256_file(zip_path)
    marker = os.path.join(dest, ".dlgrader-unpacked")
    if os.path.isfile(marker) and open(marker).read().strip() == digest:
        return dest
    fresh = dest + ".partial"
    shutil.rmtree(fresh, ignore_errors=True)
    safe_extract(zip_path, fresh, keep=KEEP_SUFFIXES)
    with open(os.path.join(fresh, ".dlgrader-unpacked"), "w") as f:
        f.write(digest + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(fresh, dest)
    return dest


CLASS_ZIP = ZipLimits(member=MAX_MEMBER, total=MAX_TOTAL, members=MAX_MEMBERS)


def safe_extract(zip_path, dest, keep=None):
    """Unpack a .zip of the class (or of one student) with the grader's one unzip routine (grader/files.py):
    no links, nothing outside `dest`, bounded sizes whatever the headers claim; InputError when it cannot."""
    def wanted(parts):
        return not any(p in IGNORED for p in parts) and (keep is None or parts[-1].lower().endswith(keep))
    try:
        extract_zip(zip_path, dest, wanted, CLASS_ZIP)
    except FileProblem as exc:
        raise InputError(str(exc))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
