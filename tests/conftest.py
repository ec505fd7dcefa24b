"""Shared fixtures: the sample corpus, and ../shared when it is there (tests skip without it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.corpus import Document, load_sample

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSREADER_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder of corpora; tests that need it skip cleanly when it is absent."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"../shared corpora not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def seeds() -> dict[str, Document]:
    """The bundled sample corpus, keyed by outlet."""
    result = load_sample()
    assert not result.problems
    return {doc.outlet or "": doc for doc in result.documents}


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's configuration or writes the user's store."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSREADER_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("NEWSREADER_DB", str(home / "store.json"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
