"""ttx from Python: runs and batches of the tabletop exercise engine as pandas DataFrames.

    >>> import ttx
    >>> r = ttx.run("tabletop_the_vote", seed=1, set={"sharing.isac_membership": 0.5})
    >>> r.metrics["warned_before_targeted"]     # a dict of the run's metrics
    >>> r.series                                # its metrics over time, a DataFrame
    >>> runs = ttx.batch("tabletop_the_vote", runs=20,
    ...                  sweep={"sharing.isac_membership": [0.2, 0.8]})

Everything runs in the ttx library (compiled into ``ttx._ttx``): the same scenario, seed
and settings give the same numbers as ``ttx run`` and ``ttx batch`` (docs/python.md).
"""

from __future__ import annotations

import json
import math
import numbers
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _ttx

__all__ = ["Run", "run", "batch", "setting"]

PathLike = Union[str, os.PathLike]


def setting(value: Any) -> str:
    """A value as ``--set`` and ``--sweep`` write it: true/false, a number, or text."""
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"{value!r} is not a finite number")
        return repr(v)
    if isinstance(value, str):
        return value
    raise TypeError(f"{value!r} ({type(value).__name__}) is not a number, true/false or text")


def _sets(values: Optional[Mapping[str, Any]]) -> list[str]:
    return [f"{path}={setting(v)}" for path, v in (values or {}).items()]


def _sweeps(sweep: Union[None, Mapping[str, Any], Sequence[str]]) -> list[str]:
    """``{"path": [v1, v2]}`` or ``{"path": "lo:hi:step"}`` (or the flags' own text)."""
    if sweep is None:
        return []
    if isinstance(sweep, Mapping):
        out = []
        for path, values in sweep.items():
            if isinstance(values, str):
                out.append(f"{path}={values}")
            elif isinstance(values, Iterable):
                out.append(f"{path}=" + ",".join(setting(v) for v in values))
            else:
                out.append(f"{path}={setting(values)}")
        return out
    return [str(s) for s in sweep]


def _varies(vary: Union[None, Mapping[str, Sequence[float]], Sequence[str]]) -> list[str]:
    """``{"path": (lo, hi)}`` (or the flags' own ``path=lo:hi`` text)."""
    if vary is None:
        return []
    if isinstance(vary, Mapping):
        out = []
        for path, ends in vary.items():
            lo, hi = ends
            out.append(f"{path}={setting(lo)}:{setting(hi)}")
        return out
    return [str(v) for v in vary]


@dataclass
class Run:
    """One run to the scenario's end.

    ``metrics``: the run's metrics (a dict, as ``ttx run --json`` prints them);
    ``series``: its metrics over time, one row a simulated day (``time_h`` from election
    day); ``campaigns`` and ``jurisdictions``: one row each, as ``ttx batch --entities``
    writes them.
    """

    metrics: dict
    series: pd.DataFrame = field(repr=False)
    campaigns: pd.DataFrame = field(repr=False)
    jurisdictions: pd.DataFrame = field(repr=False)

    def metrics_frame(self) -> pd.DataFrame:
        """The metrics as a one-row DataFrame (``messages_by_channel`` spread into
        ``messages_by_channel.<channel>`` columns)."""
        return pd.json_normalize(self.metrics)


def run(
    scenario: PathLike = "tabletop_the_vote",
    seed: int = 1,
    set: Optional[Mapping[str, Any]] = None,  # noqa: A002 - the name of ttx run's flag
    commands: Optional[PathLike] = None,
) -> Run:
    """Runs ``scenario`` (a file or a built-in name) to its end, as ``ttx run`` would with
    ``--seed seed``, a ``--set path=value`` for each item of ``set``, and ``--commands``
    (a policy file). Bad input raises ValueError with ttx's message."""
    doc = json.loads(
        _ttx.run(
            os.fspath(scenario),
            int(seed),
            _sets(set),
            None if commands is None else os.fspath(commands),
        )
    )
    series = pd.DataFrame(doc.pop("series"))
    campaigns = pd.DataFrame(doc.pop("campaigns"))
    jurisdictions = pd.DataFrame(doc.pop("jurisdictions"))
    # true/false/null in the JSON: pandas' nullable booleans (not Python objects), so
    # .mean() and .sum() count them and a missing value stays missing.
    for column in ("warned_before_targeted", "dwell_censored"):
        if column in jurisdictions:
            jurisdictions[column] = jurisdictions[column].astype("boolean")
    return Run(doc, series, campaigns, jurisdictions)


def batch(
    scenario: PathLike,
    runs: int,
    sweep: Union[None, Mapping[str, Any], Sequence[str]] = None,
    jobs: Optional[int] = None,
    seed: int = 1,
    vary: Union[None, Mapping[str, Sequence[float]], Sequence[str]] = None,
    design: Optional[str] = None,
    series: Optional[str] = None,
    entities: bool = False,
    commands: Optional[PathLike] = None,
    plots: Sequence[str] = (),
    out: Optional[PathLike] = None,
    format: str = "csv",  # noqa: A002 - the name of ttx batch's flag
) -> pd.DataFrame:
    """Runs a batch, as ``ttx batch`` would, and returns its runs table (runs.csv: one row
    a run, its point, seed, settings and metrics) as a DataFrame.

    ``sweep``: ``{"path": [v1, v2, ...]}`` or ``{"path": "lo:hi:step"}``; ``vary`` and
    ``design``: ``{"path": (lo, hi)}`` and ``"lhs:N"``, ``"sobol:N"`` or ``"morris:N"``;
    ``series``: "daily" or "hourly"; ``plots``: chart formats ("svg", "png", "pdf");
    ``format``: "csv", or "parquet" for a Parquet copy of each table beside its CSV file
    (runs.parquet, summary.parquet, ...: keep them with ``out``; the frame is read from
    runs.csv either way).
    With ``out``, every file of the batch stays there (summary.csv, plots/, ...; the
    frame's ``attrs["out"]`` names it); without, they go to a temporary directory that is
    removed. ``jobs``: threads (default every core); results never depend on it."""
    args = dict(
        seed=int(seed),
        sweeps=_sweeps(sweep),
        jobs=None if jobs is None else int(jobs),
        vary=_varies(vary),
        design=design,
        series=series,
        entities=bool(entities),
        commands=None if commands is None else os.fspath(commands),
        plots=[str(p) for p in plots],
        format=str(format),
    )
    if out is None:
        with tempfile.TemporaryDirectory(prefix="ttx-batch-") as tmp:
            where = Path(tmp) / "batch"
            _ttx.batch(os.fspath(scenario), int(runs), os.fspath(where), **args)
            return pd.read_csv(where / "runs.csv")
    _ttx.batch(os.fspath(scenario), int(runs), os.fspath(out), **args)
    frame = pd.read_csv(Path(out) / "runs.csv")
    frame.attrs["out"] = os.fspath(out)
    return frame
