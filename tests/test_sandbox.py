"""The standing adversarial suite, at the strongest isolation this machine offers.

Each attack is graded as a linear_classifiers submission. For each: the score it gets (never more than an
honest all-zeros answer), nothing outside its work dir changes, no process of it survives, and the next
submission in the same slot grades normally. Attacks only a stronger layer contains are skipped, with the
reason, where that layer cannot exist.
"""
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from grader import isolation
from grader.course import Course
from grader.run import grade
from helpers import FAST_LIMITS, REFERENCE, ROOT

ISO = isolation.probe(os.environ.get("DLGRADER_TEST_ISOLATION", "auto"))
NAMES = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
needs_l1 = pytest.mark.skipif("L1" not in ISO.layers and "L2" not in ISO.layers,
                              reason="needs L1 (a dedicated uid) or L2 (namespaces): not available here")
needs_l2 = pytest.mark.skipif(not ISO.bwrap, reason="needs L2 with bubblewrap: not available here")


def write_submission(directory, prelude, body):
    directory.mkdir(parents=True, exist_ok=True)
    source = "import numpy as np\nimport os, sys, time\n%s\n\n\ndef _attack(W, X, y, reg):\n%s\n\n\n%s\n" % (
        prelude, body, "\n".join("%s = _attack" % n for n in NAMES))
    path = directory / "attack.py"
    path.write_text(source)
    return str(path)


def run(path, slot=0):
    report = grade(path, ["linear_classifiers"], Course(limits=FAST_LIMITS), isolation=ISO, slot=slot)
    return {o.check.name: o for o in report.outcomes}, report


@pytest.fixture(scope="module")
def zero_score(tmp_path_factory):
    path = write_submission(tmp_path_factory.mktemp("zero"), "", "    return 0.0, np.zeros_like(W)")
    return run(path)[1].score


def next_submission_grades_normally(slot=0):
    """The next submission in the same slot (the one the attack used) grades normally."""
    report = grade(os.path.join(REFERENCE, "linear_classifiers"), ["linear_classifiers"], Course(),
                   isolation=ISO, slot=slot)
    assert report.isolation["slot"] == slot
    assert report.score == report.max_score, [o.output for o in report.outcomes if o.status != "passed"]


def no_survivors(slot):
    """Nothing of the attack runs on: no process of the slot's uid (the slot the grading really used). The slot's
    lock is held while looking: another grader on this machine (a second CI job, a TA's batch) may take the slot
    once this test's grading released it, and its worker is no survivor of the attack."""
    if ISO.uid_switch:
        import fcntl
        user = isolation.slot_user(slot, create=False)
        with open(os.path.join(isolation.lock_dir(), "slot-%d.lock" % slot), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)      # waits for such a grader to finish (and reap its processes)
            assert user is None or not isolation.processes_of(user.pw_uid)


@needs_l1
def test_fork_bomb_is_contained(tmp_path, zero_score):
    path = write_submission(tmp_path / "s", "", """    for _ in range(100000):
        try:
            os.fork()
        except OSError:
            break
    return 0.0, np.zeros_like(W)""")
    t0 = time.monotonic()
    result, report = run(path)
    assert report.score <= zero_score
    assert time.monotonic() - t0 < 60
    no_survivors(report.isolation["slot"])
    next_submission_grades_normally(report.isolation["slot"])


@needs_l1
def test_daemon_that_rewrites_results_later_is_killed(tmp_path, zero_score):
    target = tmp_path / "results.json"
    target.write_text("original")
    path = write_submission(tmp_path / "s", "", """    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(4)
            for p in (%r, "results.json"):
                try:
                    open(p, "w").write('{"score": 1000}')
                except OSError:
                    pass
            os._exit(0)
        os._exit(0)
    return 0.0, np.zeros_like(W)""" % str(target))
    result, report = run(path)
    assert report.score <= zero_score
    time.sleep(5)
    assert target.read_text() == "original"
    no_survivors(report.isolation["slot"])
    next_submission_grades_normally(report.isolation["slot"])


@needs_l1
def test_cannot_kill_or_read_the_grader(tmp_path, zero_score):
    me = os.getpid()
    path = write_submission(tmp_path / "s", "import signal", """    for pid in (os.getppid(), %d):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            open("/proc/%%d/mem" %% pid, "rb").read(16)
        except OSError:
            pass
    return 0.0, np.zeros_like(W)""" % me)
    result, report = run(path)  # this test process is the grader: it is still alive to assert
    assert report.score <= zero_score
    next_submission_grades_normally(report.isolation["slot"])


@needs_l2
def test_walking_the_filesystem_finds_no_reference(tmp_path, zero_score):
    path = write_submission(tmp_path / "s", "", """    found = []
    start = time.monotonic()
    for top in (sys.prefix, "/work", "/root", "/home", "/opt", "/srv", "/tmp", "/"):
        for dirpath, dirs, files in os.walk(top):
            if time.monotonic() - start > 2.5:
                break
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "share", "include", ".git")]
            for f in files:
                full = os.path.join(dirpath, f)
                if f in ("linear_svm.py", "softmax.py") and "attack" not in full or f == "linear_classifiers.py":
                    found.append(full)
    for full in found:
        scope = {}
        try:
            exec(open(full).read(), scope)
            return scope["svm_loss_naive"](W, X, y, reg)
        except Exception:
            continue
    return 0.0, np.zeros_like(W)""")
    result, report = run(path)
    assert report.score <= zero_score, [n for n, o in result.items() if o.status == "passed"]
    next_submission_grades_normally(report.isolation["slot"])


@needs_l2
def test_no_leak_through_tmp_or_shared_memory(tmp_path):
    for stale in ("/tmp/dlgrader_leak.npy", "/dev/shm/dlgrader_leak.npy"):  # from a run at a weaker layer
        if os.path.exists(stale):
            os.remove(stale)
    writer = write_submission(tmp_path / "a", "", """    for d in ("/tmp", "/dev/shm"):
        try:
            np.save(os.path.join(d, "dlgrader_leak.npy"), X)
        except OSError:
            pass
    return 0.0, np.zeros_like(W)""")
    reader = write_submission(tmp_path / "b", "", """    hits = [d for d in ("/tmp", "/dev/shm") if os.path.exists(os.path.join(d, "dlgrader_leak.npy"))]
    raise RuntimeError("LEAK FOUND in %s" % hits if hits else "no leak")""")
    run(writer)
    result, _ = run(reader)
    assert "no leak" in result["svm_loss_naive.values"].output
    assert not os.path.exists("/tmp/dlgrader_leak.npy") and not os.path.exists("/dev/shm/dlgrader_leak.npy")


@needs_l2
def test_no_network(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    path = write_submission(tmp_path / "s", "import socket", """    try:
        socket.create_connection(("127.0.0.1", %d), timeout=1).sendall(b"exfiltrated")
        raise RuntimeError("CONNECTED")
    except OSError as exc:
        raise RuntimeError("no network: %%s" %% exc)""" % port)
    result, _ = run(path)
    try:
        conn, _ = server.accept()
        connected = True
        conn.close()
    except socket.timeout:
        connected = False
    server.close()
    assert not connected
    assert "no network" in result["svm_loss_naive.values"].output


def test_forged_results_files_change_nothing(tmp_path, zero_score):
    sub = tmp_path / "s"
    path = write_submission(sub, "import atexit, json\n"
                                 "FORGED = json.dumps({'score': 1000, 'tests': []})\n"
                                 "def _forge():\n"
                                 "    for d in (os.getcwd(), os.path.dirname(os.path.abspath(__file__)), '..'):\n"
                                 "        try:\n"
                                 "            open(os.path.join(d, 'results.json'), 'w').write(FORGED)\n"
                                 "        except OSError:\n"
                                 "            pass\n"
                                 "atexit.register(_forge)\n_forge()", "    return 0.0, np.zeros_like(W)")
    out = tmp_path / "out" / "results.json"
    proc = subprocess.run([sys.executable, "-m", "grader.cli", "grade", path, "-a", "linear_classifiers",
                           "--format", "gradescope", "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    import json
    assert json.loads(out.read_text())["score"] <= zero_score
    assert sorted(os.listdir(sub)) == ["attack.py"]  # the original submission folder is untouched


def test_inspect_and_gc_find_no_expected_values(tmp_path, zero_score):
    path = write_submission(tmp_path / "s", "import gc, inspect", """    for frame in inspect.stack():
        for value in list(frame.frame.f_locals.values()):
            if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], np.ndarray) \\
                    and value[1].shape == W.shape and value[1] is not W:
                return value
    for obj in gc.get_objects():
        if isinstance(obj, np.ndarray) and obj.shape == W.shape and obj is not W and obj.any():
            return 1.0, obj.copy()
    return 0.0, np.zeros_like(W)""")
    result, report = run(path)
    assert report.score <= zero_score


@needs_l1
def test_process_holding_the_answer_pipe_open(tmp_path, zero_score):
    path = write_submission(tmp_path / "s", "", """    if os.fork() == 0:
        os.setsid()
        time.sleep(60)
        os._exit(0)
    os._exit(1)""")
    t0 = time.monotonic()
    result, report = run(path)
    assert report.score <= zero_score
    assert time.monotonic() - t0 < 60
    no_survivors(report.isolation["slot"])
    next_submission_grades_normally(report.isolation["slot"])


def test_zip_bomb_is_refused_with_a_message(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("linear_svm.py", "#" * (200 * 1024 * 1024))
    report = grade(str(archive), ["linear_classifiers"], Course(), isolation=ISO)
    assert report.score == 0
    assert "allowed size" in report.outcomes[0].output


def test_two_slots_cannot_see_each_other(tmp_path):
    if not ISO.bwrap and not ISO.uid_switch:
        pytest.skip("needs L1 or L2: at L0 both submissions run as the grader's user")
    body = """    marker = os.path.join(os.getcwd(), "I_AM_%s")
    if not os.path.exists(marker):        # the first call waits for the other grading to be running
        open(marker, "w").write("x")
        time.sleep(2.5)
    seen = []
    for top in ("/tmp", os.path.dirname(os.getcwd())):
        for dirpath, dirs, files in os.walk(top):
            seen += [f for f in files if f.startswith("I_AM_")]
    procs = [p for p in os.listdir("/proc") if p.isdigit()]
    raise RuntimeError("seen=%%s procs=%%d" %% (sorted(set(seen)), len(procs)))"""
    paths = [write_submission(tmp_path / n, "", body % n) for n in ("A", "B")]
    results = {}

    def one(i):
        cmd = [sys.executable, "-m", "grader.cli", "grade", paths[i], "-a", "linear_classifiers", "--slot", str(i),
               "--format", "json", "-o", str(tmp_path / ("r%d.json" % i))]
        results[i] = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)

    threads = [threading.Thread(target=one, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    import json
    for i, name in enumerate("AB"):
        assert results[i].returncode == 0, results[i].stderr
        data = json.loads((tmp_path / ("r%d.json" % i)).read_text())
        out = next(t["output"] for t in data["tests"] if t["name"] == "svm_loss_naive.values")
        other = "I_AM_" + "BA"[i]
        assert "seen=" in out and other not in out, out
