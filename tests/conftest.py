"""Shared fixtures. Tests that read ../shared (beside the checkout) skip cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder beside the checkout; the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir() or not any(seeds.glob("*.txt")):
        pytest.skip("../shared/seeds is absent")
    return seeds
