"""The ``aethermart`` command: one entry point for generate (and later extract, export)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aethermart.errors import AetherMartError, ConfigError

__all__ = ["main"]

_DESCRIPTION = """\
AetherMart lakehouse tools. The dbt project (dbt build) turns the landing zone into
bronze/silver/gold tables; this command makes and moves the data around it.
"""

_GENERATE_HELP = """\
Write a deterministic synthetic landing zone under OUT:

  OUT/pos/load_date=YYYY-MM-DD/<entity>.csv     POS CSV drops (product, city, customer,
                                                order, orderline), with real-world dirt
  OUT/mariadb/<Table>/extraction_id=…/*.parquet the 8 e-commerce tables, as extracted
  OUT/events/date=YYYY-MM-DD/*.jsonl            clickstream events
  OUT/_answer_key.json                          rows written per entity and every
                                                injected fault (entity, key, class)

Scale 1 is about 10k customers, 1k products, 100k orders, 300k order lines and 200k
events. The same --scale and --seed always give byte-identical files. With
--mariadb-url the e-commerce tables are also loaded into that server, replacing tables of
the same name (use a scratch database).
"""


_EXTRACT_HELP = """\
Extract the AetherMart e-commerce tables from a live MariaDB into the landing zone:

  LANDING/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/part-00000.parquet
  LANDING/mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/_manifest.json

Which tables (and that Product_Attributes is optional) is declared in
models/bronze/mariadb/_mariadb__sources.yml, the same file dbt reads them with. Rows
stream from the server in batches (bounded memory) into Parquet with exact types
(DECIMAL as decimal, DATE as date, BIGINT UNSIGNED as uint64); MariaDB zero dates
(0000-00-00) become NULL and are counted in the manifest. Every table is first written to
a staging folder; only when all tables are complete are they published (renamed), so an
interrupted run leaves the previous extractions as the ones dbt reads, and the next run
removes its debris. The newest --keep snapshots per table are kept, with the
incremental extractions after them. A table declared `mode: incremental` with a
`watermark` column (and an `overlap`) reads only rows whose watermark is above the last
one read minus the overlap; --full takes snapshots instead.
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong argument in one line and exits with 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


MAX_SCALE = 100.0  # ~66M rows; far beyond what one 2-core machine should generate


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= MAX_SCALE:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most {MAX_SCALE:g}, got {text}")
    return value


def _whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: an int within [minimum, maximum], else a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    return parse


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="aethermart", description=_DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gen = sub.add_parser("generate", help="write synthetic POS, MariaDB and clickstream sources",
                         description=_GENERATE_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    gen.add_argument("--scale", type=_scale, default=1.0,
                     help="size multiplier (default 1; 0.01 for tests, 10 for benchmarks)")
    gen.add_argument("--seed", type=_whole_number(0, 2**63 - 1), default=42,
                     help="random seed, 0 or more (default 42)")
    gen.add_argument("--out", type=Path, default=Path("data/landing"),
                     help="landing folder to write (default data/landing); its pos/, "
                          "mariadb/, events/ and _answer_key.json are replaced when the new "
                          "ones are complete, other files are left alone")
    gen.add_argument("--mariadb-url",
                     help="also load the e-commerce tables into this MariaDB, replacing tables "
                          "of the same name (mysql://user:password@host:port/db; never taken "
                          "from $MARIADB_URL, so a production URL in the environment is safe)")
    gen.add_argument("--quiet", action="store_true", help="print nothing but errors")
    gen.set_defaults(func=_cmd_generate)

    ext = sub.add_parser("extract", help="extract the MariaDB tables into the landing zone",
                         description=_EXTRACT_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    ext.add_argument("--mariadb-url", default=os.environ.get("MARIADB_URL"),
                     help="source database, mysql://user:password@host:port/db (default $MARIADB_URL)")
    ext.add_argument("--landing", type=Path,
                     default=Path(os.environ.get("AETHERMART_LANDING", "data/landing")),
                     help="landing zone root (default $AETHERMART_LANDING or data/landing)")
    ext.add_argument("--tables", help="comma-separated subset of the declared tables")
    ext.add_argument("--keep", type=_whole_number(1), default=3,
                     help="published extractions kept per table, newest first (default 3)")
    ext.add_argument("--full", action="store_true",
                     help="take a full snapshot of every table, also those declared incremental "
                          "(re-syncs updates and deletes that a watermark cannot see)")
    ext.add_argument("--sources-yaml", type=Path, default=None,
                     help="the dbt sources YAML that declares the tables "
                          "(default models/bronze/mariadb/_mariadb__sources.yml)")
    ext.add_argument("--allow-type-change", action="store_true",
                     help="accept a column whose type differs from the previous extraction")
    ext.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    ext.add_argument("--quiet", action="store_true", help="print nothing but errors")
    ext.set_defaults(func=_cmd_extract)
    return parser


def _cmd_extract(args: argparse.Namespace) -> int:
    import json

    from aethermart.mariadb_url import MariaDBURL
    from extractors import ExtractConfig, extract, load_table_specs

    if not args.mariadb_url:
        raise ConfigError("no source database: set MARIADB_URL or pass --mariadb-url "
                          "mysql://user:password@host:port/db")
    MariaDBURL.parse(args.mariadb_url)  # a malformed URL is a one-line error before anything runs
    tables = [t.strip() for t in args.tables.split(",")] if args.tables else None
    sources = {"path": args.sources_yaml} if args.sources_yaml else {}
    cfg = ExtractConfig(url=args.mariadb_url, landing=args.landing,
                        tables=load_table_specs(only=tables, **sources), keep=args.keep)
    result = extract(cfg, quiet=args.quiet or args.json, allow_type_change=args.allow_type_change,
                     full=args.full)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif not args.quiet:
        rows = sum(t.rows for t in result.tables)
        print(f"extract: {rows:,} rows in {len(result.tables)} tables, extraction "
              f"{result.extraction_id}, {result.seconds:.1f}s -> {args.landing / 'mariadb'}",
              file=sys.stderr)
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from aethermart.mariadb_url import MariaDBURL
    from generator import GeneratorConfig, generate

    url = MariaDBURL.parse(args.mariadb_url) if args.mariadb_url else None
    if args.out.exists() and not args.out.is_dir():
        raise ConfigError(f"--out {args.out} exists and is not a folder")
    if url is not None:  # fail before writing anything when the server is not usable
        from generator.mariadb_load import check_connection

        check_connection(url)
    result = generate(GeneratorConfig(scale=args.scale, seed=args.seed, out=args.out),
                      quiet=args.quiet)
    if url is not None:
        from generator.mariadb_load import load_into_mariadb

        load_into_mariadb(result.store, url, quiet=args.quiet)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except AetherMartError as exc:
        print(f"aethermart {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"aethermart {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"aethermart {args.command}: error: {exc.strerror or exc}: "
              f"{exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
