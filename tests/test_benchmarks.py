"""The benchmark harness runs end to end in quick mode and writes the expected keys (no timing assertions)."""
import json
import os

from benchmarks.__main__ import main
from benchmarks.readme import BEGIN, END, render


def test_quick_run_writes_results_and_tables(tmp_path):
    out = tmp_path / "results.json"
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nhand-written\n")
    main(["--quick", "--out", str(out), "--readme", str(readme)])
    r = json.loads(out.read_text())
    assert {"environment", "startup", "latency", "conv_speed", "gradcheck", "batch", "capacity", "peers",
            "load_start", "load_end"} <= set(r)
    assert {"machine", "date", "versions", "cores"} <= set(r["environment"])
    fig = r["startup"]["processes"]["dlgrader --help"]
    assert {"median", "min", "max", "runs", "load_before", "load_after"} <= set(fig)
    lc = r["latency"]["linear_classifiers"]["l0"]
    assert lc["checks"] > 0 and lc["score"] == lc["max_score"]
    assert r["conv_speed"]["reference"]["forward"]["gflops_median"] > 0
    assert r["gradcheck"]["methods"]["dlgrader"]["passed"]
    assert lc["peak_rss_mb"] > 0 and lc["parent_cpu"] > 0
    cap = r["capacity"]   # a real 2-shard run of a tiny class, and the simulation of 10,000 from it
    assert cap["measured_raw"]["merge_big"] > 0 and cap["rows"] and all(
        row["simulated_s"] > 0 and row["estimate_s"] > 0 and row["largest_shard"] >= 10000 / row["nodes"]
        for row in cap["rows"])
    assert "### Scale-out" in readme.read_text()
    assert "not_done" in r["peers"]   # --quick installs nothing
    text = readme.read_text()
    assert "hand-written" in text and BEGIN in text and END in text
    assert "### Peers" in text and "skipped in --quick" in text
    again = render(text, r)   # regenerating replaces the block, keeps the rest
    assert again.count(BEGIN) == 1 and again.count("hand-written") == 1
    assert os.path.exists(out)
