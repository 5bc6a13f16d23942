"""The peers benchmark's pure parts: the tests it writes for Otter and nbgrader, and the README table.

Nothing is installed and no peer is run: the generated test bodies are executed here against the reference
(they must pass) and against a mutant (they must fail), the same way the peers execute them.
"""
import ast
import doctest
import json

from benchmarks import peers
from benchmarks.readme import render_tables, peers_table

SPECS = peers.specs()


def reference_namespace(mutate=None):
    ns = {}
    for src in peers.submission_source():
        exec(compile(mutate(src) if mutate else src, "<submission>", "exec"), ns)
    return ns


def passes(spec, ns):
    try:
        exec(compile(spec["body"], spec["name"], "exec"), dict(ns))
        return True
    except AssertionError:
        return False


def test_specs_mirror_dlgrader_suite():
    from grader.suites.linear_classifiers import ASSIGNMENT, PUBLIC
    assert peers.PUBLIC == PUBLIC   # the same public cases as the suite
    ours = [(s["name"], s["points"], s["hidden"]) for s in SPECS]
    theirs = [(c.name, c.points, c.visibility == "hidden") for c in ASSIGNMENT.checks]
    assert ours == theirs
    assert sum(s["points"] for s in SPECS) == 34


def test_reference_passes_every_peer_test():
    ns = reference_namespace()
    # inspect.getsource needs a file (the peers run the notebook in a kernel, which has one); not here
    failing = [s["name"] for s in SPECS if not s["name"].endswith(".no_loops") and not passes(s, ns)]
    assert failing == []


def test_a_mutant_fails_the_value_and_gradient_tests():
    def drop_reg_gradient(src):
        return src.replace("dW = X.T.dot(counts) / num_train + 2 * REG_SCALE * reg * W",
                           "dW = X.T.dot(counts) / num_train")
    ns = reference_namespace(drop_reg_gradient)
    failing = {s["name"] for s in SPECS if not s["name"].endswith(".no_loops") and not passes(s, ns)}
    assert {"svm_loss_vectorized.values", "svm_loss_vectorized.hidden", "svm_loss_vectorized.numerical_gradient",
            "svm.naive_equals_vectorized"} <= failing
    assert not any(n.startswith("softmax") or n.startswith("svm_loss_naive") for n in failing)


def test_no_loops_body_sees_loops():
    body = peers.no_loops_body("f_naive", "f")
    src = "def f(x):\n    for i in x:\n        pass\n"
    tree = ast.parse(src)
    assert any(isinstance(n, ast.For) for n in ast.walk(tree))
    ns = {}
    import inspect
    import linecache
    linecache.cache["<f>"] = (len(src), None, src.splitlines(True), "<f>")
    exec(compile(src, "<f>", "exec"), ns)
    assert inspect.getsource(ns["f"])
    try:
        exec(compile(body, "no_loops", "exec"), ns)
        raise RuntimeError("the loop was not seen")
    except AssertionError:
        pass


def test_otter_files_are_ok_format_doctests():
    files = peers.otter_test_files(SPECS)
    assert set(files) == {"tests/%s.py" % q for q in ("svm_loss_naive", "svm_loss_vectorized", "svm",
                                                      "softmax_loss_naive", "softmax_loss_vectorized", "softmax")}
    env = {}
    exec(files["tests/svm_loss_naive.py"], env)
    assert env["OK_FORMAT"] is True
    cases = env["test"]["suites"][0]["cases"]
    assert [c["name"] for c in cases] == ["svm_loss_naive.values", "svm_loss_naive.hidden",
                                          "svm_loss_naive.numerical_gradient"]
    assert [c["hidden"] for c in cases] == [False, True, False] and [c["points"] for c in cases] == [2, 2, 2]
    # Otter runs each case with doctest against the notebook's globals: do the same
    globs = reference_namespace()
    for c in cases:
        test = doctest.DocTestParser().get_doctest(c["code"], dict(globs), c["name"], None, 0)
        runner = doctest.DocTestRunner()
        runner.run(test, out=lambda s: None)
        assert runner.failures == 0, c["name"]


def test_nbgrader_notebook_cells():
    nb = peers.nbgrader_notebook(SPECS)
    json.dumps(nb)
    meta = [c["metadata"].get("nbgrader") for c in nb["cells"]]
    graded = [m for m in meta if m and m["grade"]]
    assert len(graded) == 22 and sum(m["points"] for m in graded) == 34
    assert len({m["grade_id"] for m in meta if m}) == len([m for m in meta if m])   # ids unique
    hidden = [c for c in nb["cells"] if "### BEGIN HIDDEN TESTS" in c["source"]]
    assert len(hidden) == 4
    solutions = [c for c in nb["cells"] if (c["metadata"].get("nbgrader") or {}).get("solution")]
    assert all(c["source"].startswith("### BEGIN SOLUTION") for c in solutions) and len(solutions) == 2


def fig(median, **extra):
    out = {"median": median, "min": median * 0.9, "max": median * 1.1, "runs": 5, "times": [median] * 5,
           "load_before": [1.0, 1.0, 1.0], "load_after": [1.5, 1.0, 1.0]}
    out.update(extra)
    return out


def test_peers_table_both_shapes():
    lines = peers_table({"not_done": "skipped in --quick"})
    assert "skipped in --quick" in "\n".join(lines)
    figures = {"dlgrader_grade_auto": fig(3.0, score=34, max_score=34, tests=22, isolation="L0+L1+L2"),
               "otter_run": fig(4.5, score=34, max_score=34, tests=22),
               "nbgrader_autograde_batch": fig(2.0, scores=[34.0] * 10, max_score=34.0)}
    p = {"runs": 5, "batch_size": 10, "peers": {"otter": {"otter-grader": "7.0.0"}},
         "tests": {"dlgrader": 22, "peers": 22, "points": 34, "hidden": 4}, "figures": figures,
         "ratios": peers.ratios(figures), "errors": {"nbgrader_autograde_1": "RuntimeError: boom"}}
    text = "\n".join(peers_table(p))
    assert "otter run / dlgrader grade (strongest isolation) = 1.50" in text
    assert "3.000 s" in text and "4.500 s" in text and "all 34 / 34" in text and "(L0+L1+L2)" in text
    assert "**Failed: nbgrader_autograde_1** — RuntimeError: boom" in text
    assert "otter-grader 7.0.0" in text


def test_render_tables_without_peers_key():
    r = {"environment": {"machine": "m", "platform": "p", "cores": 2, "date": "d",
                         "versions": {k: "x" for k in ("numpy", "torch", "hypothesis", "sympy", "dlgrader_commit")}},
         "runs": 1, "load_start": [0, 0, 0], "load_end": [0, 0, 0], "batch": {"not_done": "n"}}
    assert "no peers section" in render_tables(r)


def test_render_keeps_the_subsections_of_sections_not_run():
    from benchmarks.readme import BEGIN, END, render
    old = "\n".join(["# B", "", BEGIN, "", "### Batch throughput", "", "hand-measured batch table", "",
                     "### Peers (Otter-Grader, nbgrader)", "", "old peers text", "", END, "tail"])
    r = {"environment": {"machine": "m", "platform": "p", "cores": 2, "date": "now",
                         "versions": {k: "x" for k in ("numpy", "torch", "hypothesis", "sympy", "dlgrader_commit")}},
         "runs": 5, "load_start": [0, 0, 0], "load_end": [0, 0, 0], "batch": {"not_done": "stale"},
         "peers": {"not_done": "new peers text"},
         "provenance": {"batch": {"date": "earlier", "commit": "abc"}, "peers": {"date": "now", "commit": "x"}}}
    text = render(old, r, keep=["batch"])
    assert "hand-measured batch table" in text and "stale" not in text
    assert "new peers text" in text and "old peers text" not in text
    assert "batch from the run of earlier at dlgrader abc" in text
    assert text.endswith("tail") and text.count(BEGIN) == 1
