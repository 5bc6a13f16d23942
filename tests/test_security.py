"""Security round 2 (issue 14): attacks on the trusted parent itself — the files it opens, the text it renders,
the answers it parses, the replies it decodes — each at the layers where it applies.

Every test says what "contained" means for its attack. The layers: L0 (everywhere; the parent's own code),
and the strongest this machine offers (`ISO`, as tests/test_sandbox.py), where the parent runs as root and the
worker as a sandbox uid: there a mistake of the parent is a root write.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from grader import isolation
from grader.course import Course
from grader.run import grade
from helpers import FAST_LIMITS, REFERENCE, ROOT, forever, hog

ISO = isolation.probe(os.environ.get("DLGRADER_TEST_ISOLATION", "auto"))
LAYERS = pytest.mark.parametrize("iso", ["l0", "strongest"])
NAMES = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")   # all but \n and \t
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (the parent as root is what is attacked)")


def attack(tmp_path, prelude, body, name="attack.py"):
    """A linear_classifiers submission whose four functions run `body` (after `prelude` at import)."""
    source = "import numpy as np\nimport os, sys, struct, json\n%s\n\n\ndef _attack(W, X, y, reg):\n%s\n\n\n%s\n" % (
        prelude, body, "\n".join("%s = _attack" % n for n in NAMES))
    path = tmp_path / name
    path.write_text(source)
    return str(path)


def graded(path, iso="l0", course=None):
    isolation_ = ISO if iso == "strongest" else iso
    report = grade(path, ["linear_classifiers"], course or Course(limits=FAST_LIMITS), isolation=isolation_)
    return {o.check.name: o for o in report.outcomes}, report


def dlgrader(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env=dict(os.environ, PYTHONPATH=ROOT, **(env or {})))


def every_rendering(report):
    return {"text": report.to_text(), "markdown": report.to_markdown(), "html": report.to_html(),
            "json": report.to_json(), "gradescope": report.to_gradescope(), "classroom": report.to_classroom(),
            "fa": report.to_html("fa")}


# ---------------------------------------------------------------- 1. root write through the output log

@LAYERS
@pytest.mark.parametrize("existing", [False, True], ids=["new_host_file", "existing_host_file"])
def test_output_log_link_neither_writes_nor_measures_a_host_file(tmp_path, iso, existing):
    """The student replaces `student_output.log` (where the parent used to open the worker's stdout, in the work
    dir the student owns) with a link to a host path, exits, and prints from the next worker. Contained: the
    parent follows no link in the work dir — no host file is created or written (as root: a root write), and no
    host file's size is reported ("your code printed N bytes")."""
    target = tmp_path / "host-file"
    if existing:
        target.write_bytes(b"s" * 123457)
    prelude = """try:
    os.remove("student_output.log")
except OSError:
    pass
os.symlink(%r, "student_output.log")""" % str(target)
    path = attack(tmp_path, prelude, """    print("x" * 1000)
    if not os.path.exists("restarted"):
        open("restarted", "w").close()
        os._exit(0)
    return 0.0, np.zeros_like(W)""")
    result, report = graded(path, iso)
    assert target.exists() == existing and (not existing or target.read_bytes() == b"s" * 123457)
    assert not any("123457" in n for n in report.notes), report.notes
    assert any("printed" in n for n in report.notes)      # its own output is still counted


# ---------------------------------------------------------------- 2 and 4. text that reaches terminals and reports

HOSTILE_TEXT = "\x1b[2J\x1b[H\x1b]0;pwned\x07score 100/100\r\x00\x08\x07\u202e\x9b31m\ud800 end"


def test_control_characters_and_lone_surrogates_reach_no_renderer(tmp_path):
    """Exception messages, printed output, file names and answers with ESC/NUL/BS/BEL/CR, a bidi override, a C1
    CSI and a lone surrogate. Contained: every format (text, Markdown, HTML, JSON, Gradescope, Classroom) holds
    no control character and encodes as UTF-8; what was there is shown escaped (`\\x1b`)."""
    folder = tmp_path / "sub"
    folder.mkdir()
    attack(folder, "sys.stdout.buffer.write(%r)" % HOSTILE_TEXT.encode("utf-8", "surrogatepass"),
           "    raise ValueError(%r)" % HOSTILE_TEXT)
    (folder / "answers.toml").write_text('conv-output-size = "\\u001b[2J\\u0007"\n')
    report = grade(str(folder), ["linear_classifiers", "analytic"], Course(limits=FAST_LIMITS), isolation="l0")
    for name, text in every_rendering(report).items():
        assert not CONTROL.search(text), (name, CONTROL.search(text))
        text.encode("utf-8")
    assert "\\x1b[2J" in report.to_text() and "\\ufffd" not in report.to_text()
    assert "\ufffd" in report.to_text()                   # the surrogate, replaced


def test_persian_pages_show_hostile_text_made_safe_once(tmp_path):
    """The Persian report translates around the student's text without touching it: an exception message with
    ESC, NUL, a bidi override, HTML and a lone surrogate is shown as safe_text made it where it entered (escaped
    once, `\\x1b`, the surrogate as U+FFFD), HTML-escaped exactly once, inside the translated sentence."""
    path = attack(tmp_path, "", "    raise ValueError(%r)" % "<b>bold</b> \x1b[31m\x00 \u202e\ud800 end")
    _, report = graded(path)
    page, markdown = report.to_html("fa"), report.to_markdown("fa")
    for text in (page, markdown, report.to_text(lang="fa")):
        assert not CONTROL.search(text) and "\u202e" not in text, CONTROL.search(text)
        text.encode("utf-8")
    assert "\\x1b[31m\\x00 \\u202e\ufffd end" in page                 # as safe_text wrote it, not re-escaped
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "&amp;lt;" not in page and "<b>bold" not in page
    line = next(l for l in markdown.splitlines() if "\\x1b[31m" in l)
    assert "خطای `ValueError` داد" in line, line                         # the sentence around it is Persian


def test_cli_output_of_a_surrogate_is_written_in_every_format(tmp_path):
    """A lone surrogate used to crash every output format (UnicodeEncodeError). Contained: exit 0, output written."""
    path = attack(tmp_path, "", "    raise ValueError('\\ud800 and \\udcff')")
    for fmt in ("json", "html"):
        out = tmp_path / ("r." + fmt)
        proc = dlgrader("grade", path, "-a", "linear_classifiers", "--isolation", "l0", "--format", fmt, "-o", str(out))
        assert proc.returncode == 0 and out.exists(), (fmt, proc.stderr[-2000:])
    proc = dlgrader("grade", path, "-a", "linear_classifiers", "--isolation", "l0")
    assert proc.returncode == 0 and "\ufffd" in proc.stdout and not CONTROL.search(proc.stdout)


# ---------------------------------------------------------------- 3. written answers that hang the parent

@pytest.mark.parametrize("text", [
    'conv-output-size = "%s2%s"\n' % ("ln(" * 20, ")" * 20),             # exponential in sympy
    ".".join(["a"] * 600_000) + " = 1\n",                                  # quadratic in tomllib
    "".join("[t%d]\nx = 1\n" % i for i in range(100_000)),                 # 17 s, 447 MB before
], ids=["ln_20_deep", "dotted_key_600000", "tables_100000"])
def test_answers_files_are_graded_in_bounded_time(tmp_path, text):
    """Contained: the file is graded (exit 0) with a clear message; parsing is size- and shape-checked before
    it starts and runs with a time and memory limit. The subprocess timeout only catches a hang."""
    (tmp_path / "answers.toml").write_text(text)
    proc = dlgrader("grade", str(tmp_path / "answers.toml"), "-a", "analytic", "--isolation", "l0", "--format",
                    "json", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = json.loads(proc.stdout)["tests"][0]
    assert first["status"] == "failed" and re.search(r"nested more than|dotted parts|more than \d+ lines",
                                                     first["output"]), first


def test_bounded_evaluation_stops_time_and_memory_hogs():
    """The backstop behind the parser's own limits: a computation that never ends, or allocates without end,
    in the forked copy. Contained: Overrun (time or memory) raised in the parent, the parent unchanged."""
    from grader.checks.bounded import Overrun, bounded
    from grader.checks.validate import Fail

    def fails():
        raise Fail("no", "incorrect", hint="h")
    with pytest.raises(Overrun, match="time"):
        bounded(forever, seconds=1)
    with pytest.raises(Overrun, match="memory"):
        bounded(hog, seconds=20, memory_mb=64)
    with pytest.raises(Fail, match="no"):
        bounded(fails)
    assert bounded(lambda: {"a": [1, 2.5, "x"]}) == {"a": [1, 2.5, "x"]}


# ---------------------------------------------------------------- 5 and 6. special files, damaged archives

def test_special_files_are_a_clear_result(tmp_path):
    """A FIFO named softmax.py in a folder used to raise SpecialFileError; a submission path that is a link to
    /dev/zero bypassed the size cap and was copied forever. Contained: a clear message, nothing read; a FIFO in a
    folder is a note beside what else is graded, and a submission that is nothing but a special file is "nothing to
    grade" (exit 2, issue 13's rule) with its zero result still written for Gradescope/Classroom."""
    folder = tmp_path / "fifo"
    folder.mkdir()
    os.mkfifo(folder / "softmax.py")
    result, _ = graded(str(folder))
    assert "softmax.py is a named pipe (FIFO), not a regular file" in result["softmax_loss_naive.values"].output
    zero = tmp_path / "zero.py"
    zero.symlink_to("/dev/zero")
    out = tmp_path / "zero.json"
    proc = dlgrader("grade", str(zero), "-a", "linear_classifiers", "--isolation", "l0", "--format", "json", "-o",
                    str(out), timeout=120)
    assert proc.returncode == 2 and "is a character device, not a regular file" in proc.stderr, proc.stderr[-1500:]
    assert "is a character device, not a regular file" in json.loads(out.read_text())["tests"][0]["output"]


def damaged_zip(path):
    """A .zip whose central directory is fine and whose deflated data is garbage (zlib.error when read)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("linear_svm.py", "def svm_loss_naive(W, X, y, reg):\n    return 0\n" * 200)
    data = bytearray(open(path, "rb").read())
    start = 30 + len("linear_svm.py")
    data[start:start + 40] = b"\xff" * 40
    open(path, "wb").write(bytes(data))


def test_a_damaged_zip_is_a_clear_result_in_grade_and_batch(tmp_path):
    """Contained: `grade` says "could not be opened as a .zip" (exit 2: nothing to grade, with the zero result
    written by -o); `batch` grades the rest of the class and says the same for that student — one unzip routine
    (grader/files.py) serves both."""
    bad = tmp_path / "bob.zip"
    damaged_zip(bad)
    out = tmp_path / "bob.json"
    proc = dlgrader("grade", str(bad), "-a", "linear_classifiers", "--isolation", "l0", "--format", "json", "-o",
                    str(out))
    assert proc.returncode == 2 and "could not be opened as a .zip" in proc.stderr, proc.stderr[-1500:]
    output = json.loads(out.read_text())["tests"][0]["output"]
    assert "bob.zip could not be opened as a .zip: it is damaged" in output
    from grader.batch import inputs
    from grader import submission
    assert inputs.extract_zip is submission.extract_zip


def test_batch_loses_no_result_to_hostile_submissions(tmp_path):
    """A class with a lone surrogate in an exception, a damaged .zip, a folder holding a FIFO and a control
    character in a student's folder name. Contained: every student has a result (none `error`), the reports
    are written, the gradebook and summaries hold no control character."""
    klass = tmp_path / "class"
    klass.mkdir()
    attack(klass, "", "    raise ValueError('\\ud800 \\x1b[2J')", name="alice.py")
    damaged_zip(klass / "bob.zip")
    (klass / "carol").mkdir()
    os.mkfifo(klass / "carol" / "linear_svm.py")
    (klass / "dave\x1b[31m").mkdir()
    shutil.copy(os.path.join(REFERENCE, "linear_classifiers", "softmax.py"), klass / "dave\x1b[31m" / "softmax.py")
    course = tmp_path / "course.toml"
    course.write_text('secret = "round-2"\n[limits]\ncall_timeout = 3.0\nbudget = 6.0\n')
    out = tmp_path / "out"
    proc = dlgrader("batch", str(klass), "-o", str(out), "-a", "linear_classifiers", "-j", "1", "--course",
                    str(course), "--isolation", "l0", timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 4 and all(row.endswith(",graded") for row in rows), rows
    dave = next(r for r in rows if r.startswith("dave"))
    assert float(dave.split(",")[-4]) > 0                 # the honest files of the class are still graded
    for name in os.listdir(out / "reports"):
        assert not CONTROL.search((out / "reports" / name).read_text(encoding="utf-8")), name
    for name in ("grades.csv", "summary.json", "summary.html", "junit.xml"):
        assert not CONTROL.search((out / name).read_text(encoding="utf-8")), name


# ---------------------------------------------------------------- 7. predictable hidden inputs

def test_hidden_checks_refuse_the_default_secret_unless_told(tmp_path):
    """Without a course the secret is a public constant. Contained: grade, batch and gradescope refuse (exit 2,
    saying what to do); --allow-default-secret grades and the result records default_secret: true; a course
    file with a secret records false; public checks (`check`) need no secret."""
    unset = {"DLGRADER_ALLOW_DEFAULT_SECRET": ""}
    path = os.path.join(REFERENCE, "linear_classifiers")
    proc = dlgrader("grade", path, "-a", "linear_classifiers", env=unset)
    assert proc.returncode == 2 and "--allow-default-secret" in proc.stderr and "public" in proc.stderr
    proc = dlgrader("batch", path, "-o", str(tmp_path / "b"), "-a", "linear_classifiers", env=unset)
    assert proc.returncode == 2 and "--allow-default-secret" in proc.stderr
    proc = dlgrader("gradescope", "-o", str(tmp_path / "a.zip"), "-a", "knn", env=unset)
    assert proc.returncode == 2 and not (tmp_path / "a.zip").exists()
    proc = dlgrader("grade", path, "-a", "linear_classifiers", "--allow-default-secret", "--format", "json",
                    env=unset)
    data = json.loads(proc.stdout)
    assert data["score"] == data["max_score"] and data["environment"]["default_secret"] is True
    course = tmp_path / "course.toml"
    course.write_text('secret = "kept-out-of-the-kit"\n')
    data = json.loads(dlgrader("grade", path, "-a", "linear_classifiers", "--course", str(course), "--format",
                               "json", env=unset).stdout)
    assert data["score"] == data["max_score"] and data["environment"]["default_secret"] is False
    assert dlgrader("check", "linear_classifiers", "--path", path, env=unset).returncode == 0


# ---------------------------------------------------------------- 8 and 9. forged replies, internal errors

def forge(obj, arrays=()):
    """Student code that writes one forged answer on the worker's answer pipe, then exits."""
    return """    import io
    head = json.dumps(%r).encode()
    parts = [struct.pack(">I", len(head)), head]
    for a in %s:
        buf = io.BytesIO()
        np.save(buf, a, allow_pickle=False)
        parts += [struct.pack(">Q", len(buf.getvalue())), buf.getvalue()]
    body = b"".join(parts)
    frame = struct.pack(">Q", len(body)) + body
    view = memoryview(frame)
    while view:
        view = view[os.write(int(sys.argv[2]), view):]
    os._exit(0)""" % (obj, arrays)


FORGED = {
    "wrong_arity": forge({"values": [1, 2, 3]}),
    "error_not_a_dict": forge({"error": "boom"}),
    "error_bad_frames": forge({"error": {"type": "X", "message": "m", "frames": [1, 2], "step": "0"}}),
    "void_scalar_2gib": forge({"values": [{"__tuple__": [{"__np__": "V2000000000", "v": 0}, 0]}]}),
    "object_array": forge({"values": [{"__nd__": 0}]}, "[np.array(['a'], dtype='U1')]"),
    "int8_60mib_reply": forge({"values": [{"__tuple__": [1.0, {"__nd__": 0}]}]}, "[np.zeros(60 << 20, np.int8)]"),
}


@pytest.mark.parametrize("name", sorted(FORGED))
def test_forged_replies_fail_the_check_and_name_no_grader_path(tmp_path, name):
    """The student writes its own answer frame on the worker's answer pipe (the parent's decoding is the same
    code at every layer; here at the strongest, where the parent is root). Contained: each check is `failed`
    (never `error`), its message names no file of the grader, and grading completes."""
    result, report = graded(attack(tmp_path, "", FORGED[name]), "strongest")
    assert all(o.status == "failed" for o in result.values()), [(n, o.status, o.output) for n, o in result.items()]
    grader_dir = os.path.dirname(isolation.__file__)
    for o in result.values():
        assert grader_dir not in o.output and "Traceback" not in o.output, o.output


def test_a_large_reply_is_not_converted_before_its_shape_is_checked():
    """Contained: validating a wrong-shape 60 MiB int8 answer allocates next to nothing (it used to be cast to
    float64 first: 480 MB per check)."""
    import tracemalloc
    from grader.checks.validate import Fail, check_array
    big = np.zeros(60 << 20, np.int8)
    tracemalloc.start()
    with pytest.raises(Fail, match="shape"):
        check_array(big, np.zeros((3, 4)), "dW", 1e-6)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20, peak


def test_an_internal_error_fails_the_check_without_grader_paths(tmp_path, capsys):
    """A bug in a check (or a value no check foresaw): the check fails, worth 0, with a message for the student
    and no path; the traceback goes to stderr for the staff. A student's wrong-shape pool forward no longer
    breaks max_pool_backward_naive.numerical_gradient."""
    from grader import spec
    from grader.checks.context import Context
    from grader.run import run_check

    class Broken(spec.Check):
        def run(self, ctx):
            open("/nonexistent/grader/file.py")

    ctx = Context(spec.Assignment("x", "x", {}, []), None, None, None, Course())
    for visibility in (spec.VISIBLE, spec.HIDDEN):
        outcome = run_check(Broken("broken", 1, visibility=visibility), ctx, set())
        assert outcome.status == "failed" and outcome.score == 0 and "/nonexistent" not in outcome.output
    assert "Traceback" in capsys.readouterr().err

    from grader.checks.gradient import default_objective, objective_value
    from grader.checks.validate import Fail
    layer = {"dout": np.ones((2, 3, 2, 2))}
    for wrong in (np.zeros((2, 1, 2, 2)), [], None, (np.zeros(3), "cache")):   # what a pool forward may return
        with pytest.raises(Fail) as caught:
            objective_value(default_objective, wrong, layer)
        assert caught.value.category == "wrong return value"
    with pytest.raises(Fail, match="not finite"):
        objective_value(default_objective, np.full((2, 3, 2, 2), np.inf), layer)


# ---------------------------------------------------------------- 10. degenerate output earns nothing

def test_a_constant_softmax_earns_nothing(tmp_path):
    """`return 0.0, np.zeros_like(W)` earned 6 of 19 softmax points (numerical gradient of a constant, naive ==
    vectorized, shift invariance), NaN 2. Contained: 0 on every check — the properties rest on the value
    checks, which fail as degenerate (constant, not finite)."""
    for body in ("    return 0.0, np.zeros_like(W)", "    return float('nan'), np.full(W.shape, np.nan)"):
        result, report = graded(attack(tmp_path, "", body))
        assert report.score == 0, [n for n, o in result.items() if o.status == "passed"]
        assert "not graded: it needs real output from" in result["softmax.shift_invariant"].output


# ---------------------------------------------------------------- 11. root without a jail

@as_root
def test_as_root_l1_without_bubblewrap_runs_students_as_a_sandbox_uid(tmp_path):
    """No bubblewrap, an interpreter other uids may not read (pyenv under /root). Contained: the worker runs as
    the slot's uid from a readable mirror that holds neither the grader nor the reference, a fork bomb is
    bounded (RLIMIT_NPROC, pids cgroup), and nothing of it survives the grading."""
    iso = isolation.Isolation(["L0", "L1"], uid_switch=True)
    path = attack(tmp_path, "", """    found = [n for p in sys.path for n in ("grader", "reference") if os.path.isdir(os.path.join(p, n))]
    raise RuntimeError("uid=%d found=%s" % (os.getuid(), found))""")
    report = grade(path, ["linear_classifiers"], Course(limits=FAST_LIMITS), isolation=iso)
    out = {o.check.name: o for o in report.outcomes}["svm_loss_naive.values"].output
    uid = int(re.search(r"uid=(\d+)", out).group(1))
    assert uid != 0 and uid == isolation.slot_user(report.isolation["slot"]).pw_uid
    assert "found=[]" in out
    bomb = attack(tmp_path, "", """    for _ in range(100000):
        try:
            os.fork()
        except OSError:
            break
    return 0.0, np.zeros_like(W)""", name="bomb.py")
    report = grade(bomb, ["linear_classifiers"], Course(limits=FAST_LIMITS), isolation=iso)
    assert report.score == 0
    assert not isolation.processes_of(isolation.slot_user(report.isolation["slot"]).pw_uid)


FORKED_LOSS = """    if not FORKED:
        FORKED.append(os.fork())          # once: the copy comes back out of this function, into the worker's loop
    scores = X.dot(W)
    scores = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(len(y)), y]).mean() + reg * np.sum(W * W)
    p[np.arange(len(y)), y] -= 1
    return loss, X.T.dot(p) / len(y) + 2 * reg * W"""


@LAYERS
def test_a_copy_forked_by_student_code_neither_answers_nor_reads_requests(tmp_path, iso):
    """Contained: a process the student's code forks, returning out of it into the worker's loop, exits there;
    the worker's answers stay in step with the parent's requests, so forking changes no verdict. (Its answers
    used to be taken for the worker's: under load a fork bomb's constant losses read as "wrong values", and
    the shift-invariance property, which rests only on degenerate failures, paid a point.)"""
    plain = attack(tmp_path, "", FORKED_LOSS.split("\n", 2)[2], name="plain.py")
    forked = attack(tmp_path, "FORKED = []", FORKED_LOSS, name="forked.py")
    want, _ = graded(plain, iso)
    got, _ = graded(forked, iso)
    assert want["softmax_loss_vectorized.values"].status == "passed"
    assert {n: (o.status, o.score) for n, o in got.items()} == {n: (o.status, o.score) for n, o in want.items()}


@as_root
def test_as_root_student_code_never_runs_as_root_unless_asked(monkeypatch):
    """When no configuration switches the uid (no bwrap, no sandbox user). Contained: `auto` and `l2` refuse
    with what to do; only `--isolation l0`, named, runs the worker as root (and says so)."""
    only_root = [(isolation.Isolation(["L0", "L2"], unshare_net="/usr/bin/unshare"), "unshare --net"),
                 (isolation.Isolation(["L0"]), "process boundary with limits")]
    monkeypatch.setattr(isolation, "candidates", lambda: only_root)
    monkeypatch.setattr(isolation, "_try", lambda iso: (True, ""))
    isolation.probe.cache_clear()
    try:
        for mode in ("auto", "l2"):
            with pytest.raises(isolation.IsolationError, match="never runs student code as root.*--isolation l0"):
                isolation.probe(mode)
        assert isolation.probe("l0").layers == ["L0"]
    finally:
        isolation.probe.cache_clear()


# ---------------------------------------------------------------- temporary directories

def test_a_killed_graders_temporary_directory_is_reaped_at_the_next_start(tmp_path):
    """`kill -9` mid-grading leaves its temporary directory (once, 17 GB of /dev/zero). Contained: the next
    grading removes it; a live grader's directory is never touched."""
    from grader import tempdirs
    code = ("import sys, time; from grader import tempdirs; p = tempdirs.make('grade'); "
            "open(p + '/left-behind', 'w').write('x'); print(p, flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        left = proc.stdout.readline().strip()
        tempdirs.reap()
        assert os.path.exists(os.path.join(left, "left-behind"))          # alive: kept
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    grade(os.path.join(REFERENCE, "knn", "cross_validation.py"), ["knn"], Course(limits=FAST_LIMITS),
          isolation="l0")
    assert not os.path.exists(left)
