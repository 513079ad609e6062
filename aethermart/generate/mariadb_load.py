"""Load the generated AetherMart tables into a live MariaDB (replacing those tables)."""

from __future__ import annotations

import sys
import time

import pyarrow as pa

from aethermart.errors import SourceError
from aethermart.generate.mariadb import OnlineStore
from aethermart.landing import MARIADB_TABLES
from aethermart.mariadb_client import connect
from aethermart.mariadb_url import MariaDBURL

__all__ = ["check_connection", "load_into_mariadb"]

_BATCH = 5_000


def check_connection(url: MariaDBURL) -> None:
    """Connect once and disconnect: raises SourceError with the reason when it cannot."""
    connect(url).close()


def load_into_mariadb(store: OnlineStore, url: MariaDBURL, *, quiet: bool = False) -> dict[str, int]:
    """Drop and re-create the AetherMart tables, then insert every row in batches.

    NULL order dates that the generator marked ``zero_date`` are written as MariaDB's
    ``0000-00-00``, the way legacy rows look in the real database.
    """
    conn = connect(url)
    loaded: dict[str, int] = {}
    zero_ids = {int(i) for i in store.zero_date_order_ids}
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION sql_mode = ''")  # allow 0000-00-00 like legacy data
            cur.execute("SET FOREIGN_KEY_CHECKS = 0")
            for name, spec in MARIADB_TABLES.items():
                t0 = time.perf_counter()
                cur.execute(f"DROP TABLE IF EXISTS `{name}`")
                cur.execute(spec.ddl())
                cols = [c.name for c in spec.columns]
                sql = (
                    f"INSERT INTO `{name}` ({', '.join(f'`{c}`' for c in cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(cols))})"
                )
                table: pa.Table = store.tables[name]
                for batch in table.to_batches(max_chunksize=_BATCH):
                    rows = list(zip(*(batch.column(c).to_pylist() for c in cols), strict=True))
                    if name == "Orders" and zero_ids:
                        rows = [(r[0], r[1], "0000-00-00" if r[0] in zero_ids else r[2], r[3]) for r in rows]
                    cur.executemany(sql, rows)
                conn.commit()
                loaded[name] = table.num_rows
                if not quiet:
                    print(
                        f"load: {name:<20} {table.num_rows:>10,} rows "
                        f"({time.perf_counter() - t0:.1f}s) -> {url.redacted()}",
                        file=sys.stderr,
                        flush=True,
                    )
    except Exception as exc:
        import pymysql

        if isinstance(exc, pymysql.err.MySQLError):
            raise SourceError(f"loading MariaDB at {url.redacted()} failed: {exc.args[-1]}") from exc
        raise
    finally:
        conn.close()
    return loaded
