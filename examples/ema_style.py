#!/usr/bin/env python3
"""An EMA-Workbench-style exploratory experiment with ttx, without the ema_workbench package.

As in the EMA Workbench: uncertain parameters with ranges, a Latin hypercube sample of
them (here in numpy), one model run per sample (``ttx.run``), and the outcomes collected
into an ``experiments`` DataFrame (one row a sample) and an ``outcomes`` dict (one array
per outcome, a time series as a 2-D array), followed by a simple feature scoring (the
Spearman rank correlation of each outcome with each parameter).

    pip install ./python          # the ttx package (docs/python.md)
    python examples/ema_style.py --samples 40

With the EMA Workbench installed (``pip install ema_workbench``), ``--ema`` runs the
same experiment through the Workbench itself: ttx as an EMA ``Model`` (``ttx_model``
below), sampled and run by its ``perform_experiments``:

    python examples/ema_style.py --samples 40 --ema
"""

import argparse
import time

import numpy as np
import pandas as pd

import ttx

# Uncertainties: the scenario parameter (a `ttx batch --sweep` path) and its range.
UNCERTAINTIES = {
    "sharing.isac_membership": (0.1, 0.9),
    "sharing.tearline_h": (1.0, 96.0),
    "sharing.channels.isac_to_members.scale": (0.5, 2.0),
}
# Scalar outcomes (ttx metrics) and one time-series outcome (a column of the run's series).
OUTCOMES = ["warned_before_targeted", "time_to_share_h_p50", "dwell_time_h_p50", "voters_affected"]
SERIES = "confidence"


def latin_hypercube(n, ranges, rng):
    """n samples: each parameter's range cut into n equal strata, one point drawn in each
    stratum, the strata shuffled independently per parameter."""
    columns = {}
    for name, (lo, hi) in ranges.items():
        u = (rng.permutation(n) + rng.random(n)) / n
        columns[name] = lo + u * (hi - lo)
    return pd.DataFrame(columns)


def perform_experiments(scenario, n, seed):
    """Runs one ttx run per sample; returns (experiments, outcomes) as the Workbench does."""
    rng = np.random.default_rng(seed)
    experiments = latin_hypercube(n, UNCERTAINTIES, rng)
    # Each experiment also gets its own simulation seed, recorded beside its parameters.
    experiments["seed"] = rng.integers(1, 2**31, size=n)
    scalars = {k: [] for k in OUTCOMES}
    series = []
    for row in experiments.to_dict("records"):
        settings = {name: row[name] for name in UNCERTAINTIES}
        r = ttx.run(scenario, seed=int(row["seed"]), set=settings)
        for k in OUTCOMES:
            scalars[k].append(r.metrics[k] if r.metrics[k] is not None else np.nan)
        series.append(r.series[SERIES].to_numpy(dtype=float))
    outcomes = {k: np.asarray(v, dtype=float) for k, v in scalars.items()}
    outcomes[SERIES] = np.vstack(series)
    outcomes["time_h"] = r.series["time_h"].to_numpy()
    return experiments, outcomes


def ttx_model(ttx_scenario="tabletop_the_vote", seed=1, **settings):
    """ttx as an EMA Workbench model function: the scenario, the uncertainties' values
    (keyword arguments named by their scenario paths) and a seed in, the outcomes out.
    (The Workbench keeps the name ``scenario`` for its own column of scenario ids.)"""
    r = ttx.run(ttx_scenario, seed=int(seed), set=settings)
    out = {k: np.nan if r.metrics[k] is None else r.metrics[k] for k in OUTCOMES}
    out[SERIES] = r.series[SERIES].to_numpy(dtype=float)
    return out


def perform_ema_experiments(scenario, n, seed):
    """The same experiment through the EMA Workbench: ttx_model as its Model, each
    uncertainty a RealParameter whose variable_name is the scenario path, the seed an
    IntegerParameter, the Workbench's own Latin hypercube."""
    from ema_workbench import (
        Constant,
        IntegerParameter,
        Model,
        RealParameter,
        ScalarOutcome,
        SequentialEvaluator,
        TimeSeriesOutcome,
    )

    model = Model("ttx", function=ttx_model)
    model.uncertainties = [
        RealParameter(path.replace(".", "_"), lo, hi, variable_name=path) for path, (lo, hi) in UNCERTAINTIES.items()
    ] + [IntegerParameter("seed", 1, 2**31 - 1)]
    model.constants = [Constant("ttx_scenario", scenario)]
    model.outcomes = [ScalarOutcome(k) for k in OUTCOMES] + [TimeSeriesOutcome(SERIES)]
    np.random.seed(seed)  # the Workbench's samplers draw from numpy's global generator
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=n)
    # The Workbench names the columns by the parameters' names: back to the scenario paths.
    experiments = experiments.rename(columns={p.replace(".", "_"): p for p in UNCERTAINTIES})
    return experiments, outcomes


def feature_scores(experiments, outcomes):
    """Spearman rank correlation of each scalar outcome with each uncertainty."""
    table = experiments[list(UNCERTAINTIES)].copy()
    for k in OUTCOMES:
        table[k] = outcomes[k]
    corr = table.corr(method="spearman")
    return corr.loc[list(UNCERTAINTIES), OUTCOMES]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="tabletop_the_vote")
    p.add_argument("--samples", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ema", action="store_true", help="run it through the EMA Workbench (pip install ema_workbench)")
    a = p.parse_args()
    start = time.perf_counter()
    if a.ema:
        experiments, outcomes = perform_ema_experiments(a.scenario, a.samples, a.seed)
    else:
        experiments, outcomes = perform_experiments(a.scenario, a.samples, a.seed)
    took = time.perf_counter() - start
    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 20)
    print(f"{a.samples} experiments on {a.scenario} in {took:.1f} s ({took / a.samples:.2f} s a run)\n")
    print("experiments (head):")
    print(experiments.head().round(3).to_string())
    print("\noutcomes (head):")
    print(pd.DataFrame({k: outcomes[k] for k in OUTCOMES}).head().round(3).to_string())
    c = outcomes[SERIES]
    print(f"\n{SERIES}: {c.shape[0]} runs x {c.shape[1]} days; final value mean {c[:, -1].mean():.2f}, "
          f"range {c[:, -1].min():.2f} to {c[:, -1].max():.2f}")
    print("\nfeature scores (Spearman rank correlation, outcome with uncertainty):")
    print(feature_scores(experiments, outcomes).round(2).to_string())


if __name__ == "__main__":
    main()
