"""``python -m aethermart``: the `aethermart` command (``aethermart.cli``), also where the
console script is not on PATH (`aethermart sync` starts its Parquet export this way)."""

from aethermart.cli import main

raise SystemExit(main())
