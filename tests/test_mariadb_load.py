"""`aethermart generate --mariadb-url` loads the e-commerce tables into a real MariaDB."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pyarrow.parquet as pq
import pymysql

from aethermart.landing import MARIADB_TABLES
from aethermart.mariadb_url import MariaDBURL
from tests.conftest import answer_key, run_cli


def _rows_in_server(url: str, table: str) -> list[tuple]:
    u = MariaDBURL.parse(url)
    con = pymysql.connect(
        host=u.host, port=u.port, user=u.user, password=u.password, database=u.database, charset="utf8mb4"
    )
    try:
        with con.cursor() as cur:
            cols = ", ".join(f"`{c.name}`" for c in MARIADB_TABLES[table].columns)
            cur.execute(f"select {cols} from `{table}`")
            return list(cur.fetchall())
    finally:
        con.close()


def test_generated_tables_load_exactly(mariadb_server, tmp_path):
    out = tmp_path / "landing"
    proc = run_cli(
        "generate", "--scale", "0.01", "--seed", "7", "--out", str(out), "--mariadb-url", mariadb_server.url
    )
    assert proc.returncode == 0, proc.stderr
    assert mariadb_server.password not in proc.stdout + proc.stderr
    key = answer_key(out)
    zero_dates = {f["key"] for f in key["faults"] if f["fault"] == "zero_date"}
    assert zero_dates
    for table in MARIADB_TABLES:
        landed = pq.read_table(next((out / "mariadb" / table).rglob("*.parquet"))).to_pylist()
        expected = Counter(tuple(row.values()) for row in landed)
        server_rows = _rows_in_server(mariadb_server.url, table)
        if table == "Orders":  # legacy zero dates: stored as 0000-00-00, landed as NULL
            assert sorted(str(r[0]) for r in server_rows if r[2] == "0000-00-00") == sorted(zero_dates)
            server_rows = [(r[0], r[1], None if r[2] == "0000-00-00" else r[2], r[3]) for r in server_rows]
        assert Counter(server_rows) == expected, table
        assert len(server_rows) == key["entities"][f"mariadb.{table}"]["data_rows"]
    sample = _rows_in_server(mariadb_server.url, "Orders")[0]
    assert isinstance(sample[3], Decimal) and isinstance(sample[2], (date, type(None)))
    texts = {r[4] for r in _rows_in_server(mariadb_server.url, "Reviews")}
    assert "Love it 😍" in texts  # utf8mb4 survives


def test_unusable_server_fails_before_writing_anything(mariadb_server, tmp_path):
    wrong = mariadb_server.url.replace(mariadb_server.password, "not-the-password")
    out = tmp_path / "never"
    proc = run_cli("generate", "--scale", "0.001", "--out", str(out), "--mariadb-url", wrong)
    assert proc.returncode == 1
    assert proc.stderr.strip().endswith("access denied (check user and password)")
    assert "not-the-password" not in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_a_private_server_starts_under_a_folder_too_deep_for_a_unix_socket(tmp_path):
    """A Unix socket path holds at most 107 bytes; a deep work folder (pytest-xdist's, a
    bench's) used to stop the private server ("The socket file path is too long")."""
    from tools.local_mariadb import LocalMariaDB

    deep = tmp_path / ("d" * 60) / ("e" * 60)
    assert len(str(deep / "mariadb.sock")) > 107
    with LocalMariaDB(deep) as server:
        assert len(str(server.socket)) <= 107
        u = MariaDBURL.parse(server.url)
        con = pymysql.connect(host=u.host, port=u.port, user=u.user, password=u.password, database=u.database)
        try:
            with con.cursor() as cur:
                cur.execute("select 1")
                assert cur.fetchone() == (1,)
        finally:
            con.close()
    assert not server.socket.exists()
