"""Extract one table two ways in one run and print rows/s and peak RSS side by side.

    python bench/extract_vs_dict_cursor.py MARIADB_URL [TABLE]

- ours: `aethermart extract --tables TABLE` (streaming, text -> Arrow casts, Parquet);
- seed approach: `SELECT *` into a DB-API dict cursor (every row a Python dict), as the
  seed systems did, without even writing it anywhere.
Each runs in its own process so peak RSS is its own (/usr/bin/time -v).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

DICT_CURSOR = """
import sys, pymysql, pymysql.cursors
from aethermart.mariadb_url import MariaDBURL
u = MariaDBURL.parse(sys.argv[1])
con = pymysql.connect(host=u.host, port=u.port, user=u.user, password=u.password, database=u.database,
                      charset="utf8mb4", cursorclass=pymysql.cursors.DictCursor)
with con.cursor() as cur:
    cur.execute(f"select * from `{sys.argv[2]}`")
    rows = cur.fetchall()
print(len(rows))
"""


def timed(cmd: list[str]) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return seconds, rss_kb, proc.stdout


def main() -> None:
    url, table = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "Order_Items")
    with tempfile.TemporaryDirectory() as landing:
        ours_s, ours_kb, out = timed(
            [
                str(BIN / "aethermart"),
                "extract",
                "--mariadb-url",
                url,
                "--landing",
                landing,
                "--tables",
                table,
                "--json",
            ]
        )
        rows = int(re.search(r'"rows": (\d+)', out).group(1))
    seed_s, seed_kb, out = timed([sys.executable, "-c", DICT_CURSOR, url, table])
    assert int(out.strip()) == rows, "both must read the same rows"
    print(f"{table}: {rows:,} rows")
    print(f"  {'approach':<34} {'seconds':>8} {'rows/s':>10} {'peak RSS':>9}")
    for name, s, kb in (
        ("aethermart extract (to Parquet)", ours_s, ours_kb),
        ("SELECT * into dict cursor (seed)", seed_s, seed_kb),
    ):
        print(f"  {name:<34} {s:8.2f} {rows / s:10,.0f} {kb / 1024:7.0f}MB")
    print(
        f"  ratio (seed time / ours): {seed_s / ours_s:.2f}x, memory (seed / ours): {seed_kb / ours_kb:.2f}x"
    )


if __name__ == "__main__":
    main()
