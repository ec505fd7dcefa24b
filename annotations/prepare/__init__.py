"""Preparing archives too big for one machine: ``newsreader prepare`` and the index it writes.

``sources`` cuts folders and tabular exports (CSV, TSV, JSONL, Parquet) into partitions of rows;
``work`` is what a Dask worker does with one partition (analysis, story term counts, links);
``grouping`` runs the stages of story grouping across the partitions; ``run`` drives it all on a
Dask cluster; ``index`` reads an index back.
Dask and pyarrow are the optional ``scale`` extra: only ``run`` and ``index`` need them, and they
say how to install it (:func:`require_scale`).
"""

from __future__ import annotations

import importlib.util

INSTALL_HINT = "pip install 'newsreader[scale]'"


class MissingExtra(RuntimeError):
    """Dask or pyarrow is not installed: the message says how to install them."""


def require_scale(what: str, modules: tuple[str, ...] = ("dask", "distributed", "pyarrow")) -> None:
    """Raise :class:`MissingExtra` naming ``what`` needs them when a module is missing."""
    missing = [m for m in modules if not _installed(m)]
    if missing:
        raise MissingExtra(f"{what} needs {', '.join(missing)} (the 'scale' extra): {INSTALL_HINT}")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # blocked, or set to None in sys.modules
        return False
