"""Fixtures of the engine-agnostic corpus (see engine_corpus.py).

The helper module carries a unique name because the test directories share one ``sys.path``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import engine_corpus


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the corpus workspaces live; they stay open for the whole test process."""
    yield tmp_path_factory.mktemp("engines")
    engine_corpus.close_all()
