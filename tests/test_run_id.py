"""One id per export run (aethermart/export/run_id.py): minted once, 128 random bits, and ordered
after every Parquet version already published into the output folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aethermart.export.errors import PublishError
from aethermart.export.parquet.run import _check_run_id
from aethermart.export.run_id import RUN_ID, new_run_id, run_id_before, run_id_time


def test_a_run_id_is_the_utc_second_and_a_uuid4():
    ids = {new_run_id() for _ in range(1000)}
    assert len(ids) == 1000  # the same second, never the same id (16 random bits repeated here)
    for run_id in ids:
        assert RUN_ID.match(run_id) and len(run_id) == 49
        assert abs(run_id_time(run_id) - datetime.now(UTC)) < timedelta(seconds=5)
    assert RUN_ID.match("20261101T000000Z")  # versions published before: the bare second
    assert not RUN_ID.match("20261101T000000Z_beef")
    assert not RUN_ID.match("fct_orders")


def test_a_run_id_sorts_after_every_published_version_and_leaves_room_for_an_upgrade(tmp_path):
    future = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    stamp = future.strftime("%Y%m%dT%H%M%SZ")
    (tmp_path / ".versions" / f"{stamp}_{'a' * 32}").mkdir(parents=True)
    (
        tmp_path / ".versions" / "fct_orders" / (future + timedelta(seconds=5)).strftime("%Y%m%dT%H%M%SZ")
    ).mkdir(parents=True)  # the per-dataset layout of before
    run_id = new_run_id(tmp_path)
    assert run_id_time(run_id) == future + timedelta(seconds=7)
    before = run_id_before(run_id)
    assert run_id_time(before) == future + timedelta(seconds=6)
    assert sorted([before, run_id, f"{stamp}_{'f' * 32}"]) == [f"{stamp}_{'f' * 32}", before, run_id]
    assert run_id_time(new_run_id()) < future  # no output folder: just now


def test_a_publish_refuses_a_run_id_overtaken_by_another_publish(tmp_path):
    run_id = new_run_id(tmp_path)
    _check_run_id(tmp_path, run_id)  # nothing published: fine
    (tmp_path / ".versions" / run_id_before(run_id)).mkdir(parents=True)
    _check_run_id(tmp_path, run_id)  # an older version (a layout upgrade's): fine
    other = new_run_id(tmp_path)  # another export, started later, published first
    (tmp_path / ".versions" / other).mkdir()
    with pytest.raises(PublishError, match=r"another export published version .* run again"):
        _check_run_id(tmp_path, run_id)
