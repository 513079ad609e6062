"""The suite's own declarations name real test modules (a renamed module would silently leave
the slow lane, or lose its place at the head of the queue)."""

from __future__ import annotations

from tests.conftest import LONGEST_FIRST, REPO, SLOW_MODULES


def test_the_slow_lane_and_the_longest_first_order_name_existing_modules():
    modules = {path.stem for path in (REPO / "tests").glob("test_*.py")}
    assert not SLOW_MODULES - modules, SLOW_MODULES - modules
    assert not set(LONGEST_FIRST) - modules, set(LONGEST_FIRST) - modules
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
