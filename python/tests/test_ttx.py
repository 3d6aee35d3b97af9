"""The Python package against the ttx library and, where it is built, the ttx program.

Run with ``python -m pytest python/tests`` after ``pip install ./python`` (or by
``.ci/python``)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import ttx

ROOT = Path(__file__).resolve().parents[2]
SWEEP = {"sharing.isac_membership": [0.2, 0.8]}


def ttx_program():
    """The ttx program, when one is built or installed (for comparing numbers with it)."""
    for p in [os.environ.get("TTX_BIN"), ROOT / "target/release/ttx", ROOT / "target/debug/ttx"]:
        if p and Path(p).is_file():
            return str(p)
    return shutil.which("ttx")


def test_run_returns_metrics_and_series_frames():
    r = ttx.run("tabletop_the_vote", seed=1)
    assert r.metrics["intrusions_attempted"] > 0
    assert 0.0 <= r.metrics["warned_before_targeted"] <= 1.0
    assert isinstance(r.series, pd.DataFrame) and len(r.series) > 30
    assert {"time_h", "tick", "time", "confidence", "intrusions_attempted"} <= set(r.series.columns)
    assert r.series["time_h"].is_monotonic_increasing
    assert {"campaign", "adversary", "attempts"} <= set(r.campaigns.columns)
    assert {"jurisdiction", "state", "warned_before_targeted"} <= set(r.jurisdictions.columns)
    # Yes/no columns are nullable booleans that count: the run's warned_jurisdictions.
    j = r.jurisdictions
    assert str(j["warned_before_targeted"].dtype) == "boolean" and str(j["dwell_censored"].dtype) == "boolean"
    assert j["warned_before_targeted"].sum() == r.metrics["warned_jurisdictions"]
    assert j["warned_before_targeted"].notna().sum() == r.metrics["targeted_jurisdictions"]
    one = r.metrics_frame()
    assert len(one) == 1 and one.loc[0, "intrusions_attempted"] == r.metrics["intrusions_attempted"]
    assert any(c.startswith("messages_by_channel.") for c in one.columns)


def test_run_is_deterministic_and_seeded():
    a, b = ttx.run(seed=7), ttx.run(seed=7)
    assert a.metrics == b.metrics
    pd.testing.assert_frame_equal(a.series, b.series)
    seeds = {json.dumps(ttx.run(seed=s).metrics, sort_keys=True) for s in (1, 2, 3)}
    assert len(seeds) > 1


def test_run_matches_the_ttx_program():
    program = ttx_program()
    if program is None:
        pytest.skip("no ttx program built (cargo build) or installed")
    args = [program, "run", "tabletop_the_vote", "--seed", "3", "--set", "sharing.isac_membership=0.3", "--json"]
    expected = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    got = ttx.run("tabletop_the_vote", seed=3, set={"sharing.isac_membership": 0.3})
    assert got.metrics == {k: v for k, v in expected.items() if k not in ("series", "campaigns", "jurisdictions")}
    pd.testing.assert_frame_equal(got.series, pd.DataFrame(expected["series"]))


def test_settings_change_the_run_and_bad_ones_raise():
    low = ttx.run(seed=1, set={"sharing.isac_membership": 0.0, "sharing.tearline_h": 96})
    high = ttx.run(seed=1, set={"sharing.isac_membership": 1.0})
    assert low.metrics != high.metrics
    with pytest.raises(ValueError, match="sharing.isac_membership"):
        ttx.run(set={"sharing.isac_membrship": 0.5})
    with pytest.raises(ValueError, match="cannot read scenario"):
        ttx.run("no/such/scenario.ron")
    with pytest.raises(TypeError):
        ttx.run(set={"sharing.isac_membership": [0.5]})


def test_batch_returns_the_runs_table():
    runs = ttx.batch("tabletop_the_vote", runs=3, sweep=SWEEP, jobs=2, seed=5)
    assert len(runs) == 6
    assert list(runs.columns[:4]) == ["point", "run", "seed", "sharing.isac_membership"]
    assert sorted(runs["sharing.isac_membership"].unique()) == [0.2, 0.8]
    assert runs["intrusions_attempted"].dtype.kind == "i"
    # Threads never change results.
    pd.testing.assert_frame_equal(runs, ttx.batch("tabletop_the_vote", runs=3, sweep=SWEEP, jobs=1, seed=5))


def test_batch_keeps_its_files_in_out(tmp_path):
    out = tmp_path / "b"
    runs = ttx.batch(
        "tabletop_the_vote", runs=2, sweep={"sharing.isac_membership": "0.2:0.8:0.6"}, plots=["png"], out=out
    )
    assert runs.attrs["out"] == str(out)
    assert len(runs) == 4
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(summary["point"].unique()) == [0, 1]
    png = (out / "plots" / "warned_before_targeted.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="already holds a batch"):
        ttx.batch("tabletop_the_vote", runs=2, out=out)


def test_batch_writes_parquet_copies_beside_the_csv_files(tmp_path):
    out = tmp_path / "b"
    runs = ttx.batch("tabletop_the_vote", runs=2, sweep=SWEEP, format="parquet", out=out)
    assert len(runs) == 4
    for name in ("runs.parquet", "summary.parquet"):
        data = (out / name).read_bytes()
        assert data.startswith(b"PAR1") and data.endswith(b"PAR1"), name
    # The runs are the same whatever the format.
    plain = ttx.batch("tabletop_the_vote", runs=2, sweep=SWEEP, out=tmp_path / "c")
    runs.attrs.clear()
    plain.attrs.clear()
    pd.testing.assert_frame_equal(runs, plain)
    assert not (tmp_path / "c" / "runs.parquet").exists()
    with pytest.raises(ValueError, match="'xlsx' is not csv or parquet"):
        ttx.batch("tabletop_the_vote", runs=1, format="xlsx")


def test_batch_design_and_bad_input():
    runs = ttx.batch("tabletop_the_vote", runs=1, vary={"sharing.isac_membership": (0.1, 0.9)}, design="lhs:4")
    assert len(runs) == 4
    assert runs["sharing.isac_membership"].between(0.1, 0.9).all()
    with pytest.raises(ValueError, match="no parameter"):
        ttx.batch("tabletop_the_vote", runs=1, sweep={"sharing.nope": [1, 2]})
    with pytest.raises(ValueError, match="unknown chart format 'gif'"):
        ttx.batch("tabletop_the_vote", runs=1, plots=["gif"])
