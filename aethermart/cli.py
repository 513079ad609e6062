"""The ``aethermart`` command: one entry point for generate, extract, export, sync, quality and
mongo-roles."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aethermart import settings
from aethermart.errors import AetherMartError, ConfigError
from aethermart.redact import redact_uri

if TYPE_CHECKING:
    from aethermart.export.mongo.config import MongoURI
    from aethermart.mariadb_url import MariaDBURL

__all__ = ["main"]

# the defaults as --help shows them
_DUCKDB = f"${settings.DUCKDB_ENV} or {settings.DUCKDB_DEFAULT}"
_GOLD_DIR = f"${settings.GOLD_DIR_ENV} or {settings.GOLD_DIR_DEFAULT}"

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
  OUT/_generated_by_aethermart.json             the marker: every file generate wrote

OUT defaults to $AETHERMART_LANDING, else dbt's default landing path (the var
landing_path_default of dbt_project.yml), so that `dbt build` reads what was generated;
the committed sample is written only when named (--out sample/landing, `make sample`).
generate never replaces data it did not make: a landing zone whose pos/, mariadb/ or
events/ hold a file the marker does not list (an extraction, real POS drops) is refused,
with nothing changed, unless --force. --sources writes only some source systems of the
same world (e.g. --sources mariadb,events; build it with
--vars '{enabled_sources: [mariadb, events]}'); only their folders are checked and
replaced, the others (say a real extraction in mariadb/) are left as they are.

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

A snapshot table whose content has not changed since its newest extraction is not landed
again: the server computes a fingerprint of the rows (count and sum of per-row md5) in the
same consistent snapshot, which is compared with the one in that extraction's manifest
(`unchanged` in the summary). --full lands every table whatever its fingerprint.

A server whose names or types differ from ours is mapped in the same YAML (a copy of it
via --sources-yaml): `source_table` under meta.extract (the server's table, any case),
`meta: {source_column: ...}` and `data_type` per column. Declared types are cast with
silver's cleaning rules (text dates like POS dates, text integers and money); a value that
does not convert lands as NULL, is counted in the manifest and quarantined by silver.
Before reading any data every table is compared with the server; on a mismatch one
message lists every difference and the YAML that would map it (exit code 2).
"""


_EXPORT_HELP = """\
Publish the gold layer of the DuckDB warehouse (after `dbt build` has finished):

  --target parquet   every gold model as a Parquet dataset for BI, under OUT:
    OUT/<model>/data_0.parquet                          dimensions, aggregates, documents
    OUT/<model>/year=YYYY/month=MM/data_0.parquet       the facts, by month of order_date
    OUT/<model>/_manifest.json                          rows, Arrow schema, files with sha256,
                                                        dbt invocation id, source extractions
  --target mongodb   the doc_ models as MongoDB collections (meta.export.mongodb), in the
                     database of --mongodb-uri / $MONGODB_URI (default database aethermart)
  --target all       both

What is exported is declared next to each model, in `config.meta.export` of its YAML, and
read from dbt's target/manifest.json. The warehouse is opened read-only. Every dataset is
written (zstd, ordered by the model's key, so the same tables give the same bytes) into a
new version of the whole set, OUT/.versions/<run>/ (datasets not selected, unchanged
datasets in incremental mode, and in incremental mode the months of a fact whose rows did
not change, are hardlinked from the version before); only when it is
complete does one atomic rename point OUT/.current at it, and every OUT/<model> links
through OUT/.current. A run killed at any instant leaves all datasets on the old version or
all on the new one; a failed run publishes nothing; readers never see a half-written
dataset or a stale partition. The previous version is kept for rollback; older ones are
removed by the next run.

Only gold of one complete, successful `dbt build` is exported: dbt records every
invocation and the status of each node in the warehouse (schema ops); the last recorded
command must have finished without failure, built every exported model and passed its
tests, and the manifest must be that build's (or, after `dbt docs generate`/`compile`,
describe the same code). A killed or failed build is refused in one line naming the
reason; --allow-failed-build overrides. dbt's target folder is --target-path, else
$DBT_TARGET_PATH (as for dbt), else target/.

Read it with DuckDB: read_parquet('OUT/fct_orders/**/*.parquet', hive_partitioning=true)
or pyarrow: pyarrow.dataset.dataset('OUT/fct_orders', partitioning='hive'). DuckDB infers
month (folder text `03`) as VARCHAR, pyarrow as int32; filter on order_date, or pass
hive_types={'year': INTEGER, 'month': INTEGER}.

MongoDB, --mode full: documents are written to <collection>__staging_<run>, indexed,
validated (count, a sample read back byte for byte, indexes) and swapped in; the old
version stays as <collection>__previous for --rollback. On MongoDB the swap is one atomic
renameCollection (dropTarget); on FerretDB, which lacks dropTarget, two renames leave the
collection missing for a few milliseconds (the output says how long); readers never see a
partial collection. --mode incremental writes only documents whose content hash changed
and deletes vanished ids; it diffs against its ledger (<warehouse>.mongo-ledger/, what it last
wrote to that server and database) and reads the stored hashes back from the server only
when the ledger cannot vouch for them (missing, another run changed the collection since,
the server's count differs) or with --verify. A lock document per collection (_aethermart_locks) keeps two
exporters apart; a killed run's staging collections are dropped by the next run.
"""


_SYNC_HELP = """\
One command from the sources to the published outputs, each stage doing only what changed:

  1. extract      MariaDB -> LANDING/mariadb (as `aethermart extract`: snapshot or
                  incremental per table, from models/bronze/mariadb/_mariadb__sources.yml;
                  a snapshot table whose content fingerprint is unchanged is not landed),
                  when mariadb is an enabled source (dbt var enabled_sources) and a URL is
                  given (--mariadb-url / $MARIADB_URL); otherwise the stage says it is skipped
  2. check        has anything new landed since the last successful build? (the rule below)
  3. dbt build    only when something changed: `dbt build` with --vars / --target passed
                  through, the landing and warehouse of this command; when only landing
                  data changed, --select the models and snapshots downstream of the
                  sources that read it (a MariaDB table's own source; every source of a
                  POS or events drop), plus every exported model; a change of code,
                  --vars or --target, a first build or --force-build: everything
  4. export       `aethermart export --mode incremental` to Parquet (--out) and, with a
                  MongoDB URI (--mongodb-uri / $MONGODB_URI), to MongoDB: only documents
                  whose content changed are written, vanished ones deleted; skipped when the
                  warehouse's build is the one already exported to that destination

What counts as new (the landing signature, stored with the build's invocation id in
WAREHOUSE.sync.json next to the DuckDB file): for pos/ and events/, every file's path, size
and mtime; for mariadb/<Table>, the folder name and content (sha256 from the extraction
manifest) of the newest snapshot and of the incremental extractions with rows after it (an
unchanged table is not landed again); the dbt project's code (path, size, mtime); the --vars
and --target given. Names starting with '.' (staging folders, locks) are ignored. The state
counts only while the warehouse's newest recorded dbt command is the build it names: a
manual `dbt build`, a failed build or a new warehouse makes the next sync build.

Output: one screen with each stage's status and seconds, rows extracted per table, rows per
layer before and after the build (bronze: landed rows counted by the reconciliation audit;
silver and gold: table rows), the tables whose row count changed, and documents inserted,
updated, deleted per collection; --json prints the same as one JSON document per run.
--watch N repeats every N seconds until Ctrl-C (exit 130). A failing stage stops the run
with one line naming the stage and a nonzero exit; the stages after it do not run. The
Parquet and MongoDB exports run side by side, Parquet in a child process at lower CPU
priority (`export --nice`), so that the change reaches MongoDB first (the summary says after
how many seconds: mongodb_done_s); when one fails the other still finishes.
"""


_URI_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a wrong argument in one line and exits with 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes the arguments it refuses: a URI among them is shown without its secrets
        message = _URI_IN_TEXT.sub(lambda m: redact_uri(m.group()), message)
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


MAX_SCALE = 100.0  # ~66M rows; far beyond what one 2-core machine should generate


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not 0 < value <= MAX_SCALE:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most {MAX_SCALE:g}, got {text}")
    return value


def _source_systems(text: str) -> tuple[str, ...]:
    """An argparse type: a comma-separated list of source systems, in the order pos, mariadb, events."""
    from aethermart.generate.run import SOURCE_SYSTEMS

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SOURCE_SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{'unknown source system(s) ' + ', '.join(unknown) if unknown else 'no source system'}; "
            f"list one or more of {','.join(SOURCE_SYSTEMS)}"
        )
    return tuple(name for name in SOURCE_SYSTEMS if name in names)


def _whole_number(minimum: int, maximum: int | None = None):
    """An argparse type: an int within [minimum, maximum], else a one-line error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {text}")
        return value

    return parse


_QUALITY_HELP = """\
Print the data-quality report of the last `dbt build` from the warehouse (read-only):

  per source entity   rows landed, in silver, quarantined, de-duplicated, rejected by the
                      reader (silver.audit_reconciliation)
  set aside           every way rows left the main path - reader rejects, quarantine
                      reasons, de-duplicated copies, superseded versions, data-quality
                      flags, refused identity merges - with count, rate, three example keys
                      and the threshold crossed (silver.audit_set_aside; thresholds in the
                      dbt var quality_thresholds)

Exit status 1 when a reason is above its error threshold, or when the newest dbt command
recorded in the warehouse did not finish successfully (the numbers may then be an earlier
build's), else 0.
"""


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="aethermart", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gen = sub.add_parser(
        "generate",
        help="write synthetic POS, MariaDB and clickstream sources",
        description=_GENERATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    gen.add_argument(
        "--scale",
        type=_scale,
        default=1.0,
        help="size multiplier (default 1; 0.01 for tests, 10 for benchmarks)",
    )
    gen.add_argument(
        "--seed", type=_whole_number(0, 2**63 - 1), default=42, help="random seed, 0 or more (default 42)"
    )
    gen.add_argument(
        "--out",
        type=Path,
        default=None,
        help="landing folder to write (default $AETHERMART_LANDING, else dbt's default "
        "landing path, unless that is the committed sample); its pos/, "
        "mariadb/, events/ and _answer_key.json are replaced when the new "
        "ones are complete, other files are left alone",
    )
    gen.add_argument(
        "--sources",
        type=_source_systems,
        default=("pos", "mariadb", "events"),
        help="source systems to write, comma-separated (default pos,mariadb,events); "
        "the same list as dbt's var enabled_sources",
    )
    gen.add_argument(
        "--force",
        action="store_true",
        help="replace the folders of --sources (pos/, mariadb/, events/) of OUT even "
        "when they hold files generate did not make (an extraction, real POS drops)",
    )
    gen.add_argument(
        "--mariadb-url",
        help="also load the e-commerce tables into this MariaDB, replacing tables "
        "of the same name (mysql://user:password@host:port/db; never taken "
        "from $MARIADB_URL, so a production URL in the environment is safe)",
    )
    gen.add_argument(
        "--pos-layout",
        choices=("contract", "retail-export"),
        default="contract",
        help="POS file layout: the contract's (default) or 'retail-export', the same "
        "data as an invoice-style export with other file names and headers, "
        "an ignored column and line prices/numbers (map it in the sources YAML: "
        "`aethermart generate --pos-layout retail-export --print-pos-meta`)",
    )
    gen.add_argument(
        "--print-pos-meta",
        action="store_true",
        help="print the sources-YAML `meta` that maps --pos-layout, and write nothing",
    )
    gen.add_argument("--quiet", action="store_true", help="print nothing but errors")
    gen.set_defaults(func=_cmd_generate)

    ext = sub.add_parser(
        "extract",
        help="extract the MariaDB tables into the landing zone",
        description=_EXTRACT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ext.add_argument(
        "--mariadb-url",
        default=os.environ.get("MARIADB_URL"),
        help="source database, mysql://user:password@host:port/db (default $MARIADB_URL)",
    )
    ext.add_argument(
        "--landing",
        type=Path,
        default=None,
        help="landing zone root (default $AETHERMART_LANDING, else dbt's default landing "
        "path, the var landing_path_default, unless that is the committed sample)",
    )
    ext.add_argument("--tables", help="comma-separated subset of the declared tables")
    ext.add_argument(
        "--keep",
        type=_whole_number(1),
        default=3,
        help="published extractions kept per table, newest first (default 3)",
    )
    ext.add_argument(
        "--full",
        action="store_true",
        help="take a full snapshot of every table, also those declared incremental "
        "(re-syncs updates and deletes that a watermark cannot see) and those unchanged "
        "since their last extraction",
    )
    ext.add_argument(
        "--sources-yaml",
        type=Path,
        default=None,
        help="the dbt sources YAML that declares the tables "
        "(default models/bronze/mariadb/_mariadb__sources.yml)",
    )
    ext.add_argument(
        "--allow-type-change",
        action="store_true",
        help="accept a column whose type differs from the previous extraction",
    )
    ext.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    ext.add_argument("--quiet", action="store_true", help="print nothing but errors")
    ext.set_defaults(func=_cmd_extract)

    exp = sub.add_parser(
        "export",
        help="publish gold as Parquet for BI and as MongoDB documents",
        description=_EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    exp.add_argument(
        "--target", required=True, choices=("parquet", "mongodb", "all"), help="where to publish"
    )
    exp.add_argument(
        "--select",
        nargs="+",
        action="extend",
        metavar="MODEL",
        default=[],
        help="only these models (dbt model names, e.g. fct_orders dim_date); "
        "default every model that declares an export for the target",
    )
    exp.add_argument(
        "--mode",
        choices=("full", "incremental"),
        default="full",
        help="full (default) publishes a new version of every dataset; incremental "
        "keeps the published version of a dataset whose new files are "
        "byte-identical and writes only the months of a fact whose rows changed (the "
        "others are hardlinked: the same bytes); for MongoDB it "
        "writes only documents whose content hash changed and deletes vanished ids",
    )
    exp.add_argument(
        "--dry-run",
        action="store_true",
        help="check the manifest and the warehouse tables, print what would be "
        "published (rows, partitions; for MongoDB the documents that would be "
        "inserted, updated, deleted); write nothing",
    )
    exp.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help=f"DuckDB warehouse to read (default {_DUCKDB}); opened read-only",
    )
    exp.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help="dbt's target folder, whose manifest.json declares the exports (default "
        f"$DBT_TARGET_PATH, as for dbt, else {settings.TARGET_PATH_DEFAULT})",
    )
    exp.add_argument(
        "--manifest",
        type=Path,
        default=None,
        help="the dbt manifest itself, instead of TARGET_PATH/manifest.json",
    )
    exp.add_argument("--out", type=Path, default=None, help=f"Parquet root (default {_GOLD_DIR})")
    exp.add_argument(
        "--keep",
        type=_whole_number(1),
        default=2,
        help="Parquet versions (each a set of all datasets) kept, the published one included "
        "(default 2: the current one and one to roll back to)",
    )
    exp.add_argument(
        "--mongodb-uri",
        default=os.environ.get("MONGODB_URI"),
        help="MongoDB server and database, mongodb://user:password@host:port/database "
        f"(default $MONGODB_URI; database default {settings.MONGODB_DATABASE}; "
        "never printed)",
    )
    exp.add_argument(
        "--mongodb-decimals",
        choices=("decimal128", "double", "string"),
        default=None,
        help="DECIMAL columns as BSON decimal128, double or exact string, for every model "
        "(default: each model's meta decimals, else decimal128, or string on a "
        "server without Decimal128 such as FerretDB)",
    )
    exp.add_argument(
        "--allow-failed-build",
        action="store_true",
        help="publish even though the warehouse's build record does not show one "
        "complete, successful `dbt build` of the exported models and their tests "
        "matching the manifest (killed, failed, partial, other code); refused by default",
    )
    exp.add_argument(
        "--from-parquet",
        action="store_true",
        help="MongoDB: read the gold Parquet published under --out (by --target parquet) "
        "instead of the DuckDB file, e.g. on a machine without the warehouse",
    )
    exp.add_argument(
        "--verify",
        action="store_true",
        help="MongoDB: read every stored content hash back from the server instead of "
        "trusting the export ledger (the exporter's record of what it last wrote, "
        "next to the warehouse); rewrites documents changed behind its back",
    )
    exp.add_argument(
        "--rollback",
        action="store_true",
        help="MongoDB: make each collection's __previous version current again "
        "(and the current one __previous); needs --target mongodb",
    )
    exp.add_argument(
        "--nice",
        type=_whole_number(0, 19),
        default=0,
        metavar="N",
        help="lower this export's CPU priority by N (POSIX nice; no effect where the system "
        "has none) so that it uses the cores other work leaves; `aethermart sync` runs its "
        "Parquet export this way beside the MongoDB export",
    )
    exp.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    exp.add_argument("--quiet", action="store_true", help="print nothing but errors")
    exp.set_defaults(func=_cmd_export)

    syn = sub.add_parser(
        "sync",
        help="extract -> dbt build -> export, each only when something changed",
        description=_SYNC_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    syn.add_argument(
        "--mariadb-url",
        default=os.environ.get("MARIADB_URL"),
        help="source database, mysql://user:password@host:port/db (default $MARIADB_URL; "
        "without one the extract stage is skipped)",
    )
    syn.add_argument(
        "--mongodb-uri",
        default=os.environ.get("MONGODB_URI"),
        help="MongoDB server and database (default $MONGODB_URI; without one only "
        "Parquet is exported; never printed)",
    )
    syn.add_argument(
        "--landing",
        type=Path,
        default=None,
        help="landing zone root (default: the var landing_path of --vars, else "
        "$AETHERMART_LANDING, else dbt's default landing path)",
    )
    syn.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help=f"DuckDB warehouse (default {_DUCKDB}); "
        "the sync state is kept next to it, in WAREHOUSE.sync.json",
    )
    syn.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help=f"dbt's target folder (default $DBT_TARGET_PATH, else {settings.TARGET_PATH_DEFAULT})",
    )
    syn.add_argument("--out", type=Path, default=None, help=f"Parquet root (default {_GOLD_DIR})")
    syn.add_argument(
        "--vars",
        dest="dbt_vars",
        default=None,
        metavar="YAML",
        help="dbt vars, as for dbt build --vars (e.g. '{enabled_sources: [mariadb, events]}')",
    )
    syn.add_argument(
        "--target",
        dest="dbt_target",
        default=None,
        metavar="NAME",
        help="dbt target of profiles.yml (as dbt build --target; default the profile's)",
    )
    syn.add_argument(
        "--sources-yaml",
        type=Path,
        default=None,
        help="the MariaDB sources YAML for the extract stage "
        "(default models/bronze/mariadb/_mariadb__sources.yml)",
    )
    syn.add_argument(
        "--keep", type=_whole_number(1), default=3, help="published extractions kept per table (default 3)"
    )
    syn.add_argument(
        "--force-build",
        action="store_true",
        help="run a full dbt build even when nothing new landed (with --watch: the first run)",
    )
    syn.add_argument(
        "--watch",
        type=_whole_number(1),
        default=None,
        metavar="N",
        help="repeat every N seconds until Ctrl-C",
    )
    syn.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    syn.add_argument("--quiet", action="store_true", help="print nothing but errors")
    syn.set_defaults(func=_cmd_sync)

    qual = sub.add_parser(
        "quality",
        help="print the data-quality report of the last dbt build",
        description=_QUALITY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    qual.add_argument(
        "--duckdb",
        type=Path,
        default=None,
        help=f"DuckDB warehouse to read (default {_DUCKDB}); opened read-only",
    )
    qual.add_argument(
        "--all", action="store_true", help="list every reason, not only those above a threshold"
    )
    qual.add_argument("--json", action="store_true", help="print the whole report as JSON on stdout")
    qual.set_defaults(func=_cmd_quality)

    roles = sub.add_parser(
        "mongo-roles",
        help="print (or --apply) least-privilege MongoDB roles for the export",
        description="Print a mongosh script with two roles on the export database (the "
        "URI's path, default aethermart): a writer limited to the actions "
        "`aethermart export --target mongodb` uses, and a read-only role for "
        "applications; plus one createUser per role (mongosh prompts for "
        "the password).",
    )
    roles.add_argument(
        "--mongodb-uri",
        default=os.environ.get("MONGODB_URI"),
        help="server and export database (default $MONGODB_URI); without it and "
        "without --apply the database is aethermart",
    )
    roles.add_argument("--writer-role", default="aethermartExporter", help="writer role name")
    roles.add_argument("--reader-role", default="aethermartReader", help="read-only role name")
    roles.add_argument(
        "--json",
        action="store_true",
        help="print the createRole command documents as JSON instead of a mongosh script",
    )
    roles.add_argument(
        "--apply",
        action="store_true",
        help="create the roles on the server (updateRole where one exists); needs a user "
        "allowed to create roles; never creates users",
    )
    roles.set_defaults(func=_cmd_mongo_roles)
    return parser


def _cmd_mongo_roles(args: argparse.Namespace) -> int:
    import json
    import re

    from aethermart.mongo_roles import apply_roles, render_mongosh, role_commands

    for name in (args.writer_role, args.reader_role):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}", name):
            raise ConfigError(f"role name {name!r}: use letters, digits, _ . - (at most 64 characters)")
    if args.writer_role == args.reader_role:
        raise ConfigError(
            f"--writer-role and --reader-role are both {args.writer_role!r}; give them different names"
        )
    uri = _mongo_uri(args.mongodb_uri)
    database = uri.database if uri else settings.MONGODB_DATABASE
    if args.apply:
        if uri is None:
            raise ConfigError(
                "--apply needs a server: set MONGODB_URI or pass --mongodb-uri "
                "mongodb://admin:password@host:port/database?authSource=admin"
            )
        for line in apply_roles(uri, args.writer_role, args.reader_role):
            print(f"mongo-roles: {line}")
        return 0
    if args.json:
        print(
            json.dumps(
                {
                    "database": database,
                    "commands": role_commands(database, args.writer_role, args.reader_role),
                },
                indent=2,
            )
        )
    else:
        print(render_mongosh(database, args.writer_role, args.reader_role))
    return 0


def _cmd_quality(args: argparse.Namespace) -> int:
    import json

    from aethermart.quality import read_quality_report, render_quality_report

    report = read_quality_report(args.duckdb or settings.duckdb_path())
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(render_quality_report(report, show_all=args.all))
    return 1 if report.errors or not report.is_current else 0


def _cmd_export(args: argparse.Namespace) -> int:
    import json

    from aethermart.export import ExportConfig, export

    if args.manifest and args.target_path:
        raise ConfigError("pass --manifest or --target-path, not both")
    if args.rollback and args.target != "mongodb":
        raise ConfigError("--rollback needs --target mongodb")
    if args.nice and hasattr(os, "nice"):
        os.nice(args.nice)  # before DuckDB starts its threads, which inherit it
    # the URI is parsed here, once, before anything runs, and carried typed (export() refuses
    # a MongoDB export without one); a Parquet export ignores it
    cfg = ExportConfig(
        target=args.target,
        manifest=args.manifest or settings.manifest_path(args.target_path),
        duckdb=args.duckdb or settings.duckdb_path(),
        out=args.out or settings.gold_dir(),
        select=tuple(args.select),
        mode=args.mode,
        dry_run=args.dry_run,
        keep=args.keep,
        mongodb_uri=_mongo_uri(args.mongodb_uri, args.target != "parquet"),
        mongodb_decimals=args.mongodb_decimals,
        rollback=args.rollback,
        from_parquet=args.from_parquet,
        allow_failed_build=args.allow_failed_build,
        verify=args.verify,
    )
    result = export(cfg, quiet=args.quiet or args.json)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif not args.quiet:
        print(_export_table(result, cfg), file=sys.stderr)
    return 0


def _mongo_uri(text: str | None, wanted: bool = True) -> MongoURI | None:
    """The MongoDB server of --mongodb-uri / $MONGODB_URI, parsed once (a malformed URI is a
    one-line error before anything runs); None when none is given or the command does not
    use it."""
    if not text or not wanted:
        return None
    from aethermart.export.mongo.config import MongoURI

    return MongoURI.parse(text)


def _mariadb_url(text: str | None) -> MariaDBURL | None:
    """The MariaDB server of --mariadb-url / $MARIADB_URL, parsed once (a malformed URL is a
    one-line error before anything runs); None when none is given."""
    if not text:
        return None
    from aethermart.mariadb_url import MariaDBURL

    return MariaDBURL.parse(text)


def _destinations(cfg) -> str:
    places = [str(cfg.out)] if "parquet" in cfg.targets else []
    if "mongodb" in cfg.targets:
        places.append(cfg.mongodb_uri.redacted())
    return ", ".join(places)


def _export_table(result, cfg) -> str:
    """The summary of an export run: one line per dataset and a total."""
    lines = [
        f"{'dataset':<32} {'target':<8} {'status':<10} {'rows':>12} {'files':>6} {'MB':>9} {'seconds':>8}"
    ]
    for d in result.datasets:
        lines.append(
            f"{d.model:<32} {d.target:<8} {d.status:<10} {d.rows:>12,} {d.files:>6} "
            f"{d.bytes / 1e6:>9.2f} {d.seconds:>8.2f}"
        )
        if d.target == "mongodb" and d.status != "rolled back":
            lines.append(
                f"  -> {d.location} ({d.mode}): written {d.written:,}, inserted {d.inserted:,}, "
                f"updated {d.updated:,}, deleted {d.deleted:,}, unchanged {d.unchanged:,}"
            )
    if result.dry_run:
        lines.append(
            f"export: dry run, would publish {len(result.datasets)} datasets, {result.rows:,} rows "
            f"-> {_destinations(cfg)}; nothing written"
        )
        return "\n".join(lines)
    counts = {}
    for d in result.datasets:
        counts[d.status] = counts.get(d.status, 0) + 1
    size = sum(d.bytes for d in result.datasets) / 1e6
    lines.append(
        f"export: {', '.join(f'{n} {status}' for status, n in counts.items())} "
        f"({result.rows:,} rows, {size:.1f} MB) in {result.seconds:.1f}s -> {_destinations(cfg)}"
        + (f" (version {result.run_id})" if "published" in counts else "")
    )
    return "\n".join(lines)


def _cmd_extract(args: argparse.Namespace) -> int:
    try:
        return _extract(args)
    except AetherMartError as exc:
        if args.json:  # a caller reading stdout learns the failure too (stderr says it as ever)
            import json

            print(
                json.dumps(
                    {
                        "status": "error",
                        "exit_code": exc.exit_code,
                        "error": str(exc),
                        "errors": getattr(exc, "problems", None) or [str(exc)],
                    },
                    indent=2,
                )
            )
        raise


def _extract(args: argparse.Namespace) -> int:
    import json

    from aethermart.extract import ExtractConfig, extract, load_table_specs
    from aethermart.landing import writable_landing_path

    url = _mariadb_url(args.mariadb_url)
    if url is None:
        raise ConfigError(
            "no source database: set MARIADB_URL or pass --mariadb-url mysql://user:password@host:port/db"
        )
    tables = [t.strip() for t in args.tables.split(",")] if args.tables else None
    sources = {"path": args.sources_yaml} if args.sources_yaml else {}
    args.landing = writable_landing_path(args.landing, "--landing DIR", "aethermart extract")
    cfg = ExtractConfig(
        url=url, landing=args.landing, tables=load_table_specs(only=tables, **sources), keep=args.keep
    )
    result = extract(
        cfg, quiet=args.quiet or args.json, allow_type_change=args.allow_type_change, full=args.full
    )
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    elif not args.quiet:
        where = args.landing / "mariadb"
        print(f"extract: {result.describe()}, {result.seconds:.1f}s -> {where}", file=sys.stderr)
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    import json
    import time

    import yaml

    from aethermart.landing import landing_path, writable_landing_path
    from aethermart.sync import SyncConfig, SyncError, enabled_sources, render_summary, run_sync

    enabled = enabled_sources(args.dbt_vars)  # also: malformed --vars is a one-line error
    given = yaml.safe_load(args.dbt_vars) if args.dbt_vars else None
    if args.landing is None and isinstance(given, dict) and given.get("landing_path"):
        args.landing = Path(str(given["landing_path"]))
    extracting = bool(args.mariadb_url) and "mariadb" in enabled
    mariadb_url, mongodb_uri = _mariadb_url(args.mariadb_url), _mongo_uri(args.mongodb_uri)
    landing = (
        writable_landing_path(args.landing, "--landing DIR", "aethermart sync")
        if extracting
        else landing_path(args.landing)
    )
    cfg = SyncConfig(
        landing=landing.resolve(),
        duckdb=(args.duckdb or settings.duckdb_path()).resolve(),
        target_path=settings.manifest_path(args.target_path).parent.resolve(),
        gold_dir=(args.out or settings.gold_dir()).resolve(),
        mariadb_url=mariadb_url,
        mongodb_uri=mongodb_uri,
        dbt_vars=args.dbt_vars,
        dbt_target=args.dbt_target,
        sources_yaml=args.sources_yaml,
        keep=args.keep,
    )
    force = args.force_build
    while True:
        started = time.monotonic()
        run_cfg = SyncConfig(**{**cfg.__dict__, "force_build": force})
        try:
            result = run_sync(run_cfg)
        except SyncError as exc:
            if args.json:
                print(json.dumps(exc.result.as_dict()), flush=True)
            if not args.watch:
                raise
            # watching: a failed run (a locked warehouse, a file mid-upload) is reported and
            # the next tick tries again; the sync state is only written by successful stages
            print(
                f"aethermart sync: error: {exc} (next try in {args.watch:g} s)", file=sys.stderr, flush=True
            )
            time.sleep(max(0.0, args.watch - (time.monotonic() - started)))
            continue
        force = False  # --force-build: the first run only
        if args.json:
            print(json.dumps(result.as_dict(), indent=None if args.watch else 2), flush=True)
        elif not args.quiet:
            print(render_summary(result), flush=True)
        if not args.watch:
            return 0
        time.sleep(max(0.0, args.watch - (time.monotonic() - started)))


def _cmd_generate(args: argparse.Namespace) -> int:
    from aethermart.generate import GeneratorConfig, generate
    from aethermart.generate.config import PosLayout
    from aethermart.landing import writable_landing_path

    layout = PosLayout.retail_export() if args.pos_layout == "retail-export" else None
    if args.print_pos_meta:
        import yaml

        meta = {entity: entity_layout.meta() for entity, entity_layout in layout.entities} if layout else {}
        print(yaml.safe_dump(meta, sort_keys=False) if meta else "# the contract's layout needs no meta")
        return 0
    url = _mariadb_url(args.mariadb_url)
    args.out = writable_landing_path(args.out, "--out DIR", "aethermart generate")
    if args.out.exists() and not args.out.is_dir():
        raise ConfigError(f"--out {args.out} exists and is not a folder")
    if url is not None:  # fail before writing anything when the server is not usable
        from aethermart.generate.mariadb_load import check_connection

        check_connection(url)
    result = generate(
        GeneratorConfig(scale=args.scale, seed=args.seed, out=args.out, pos_layout=layout),
        quiet=args.quiet,
        sources=args.sources,
        force=args.force,
    )
    if url is not None:
        from aethermart.generate.mariadb_load import load_into_mariadb

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
        print(
            f"aethermart {args.command}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1
    except Exception as exc:
        # a driver error no module turned into an AetherMartError (e.g. a MongoDB user without
        # write permission): one line naming the library, never a traceback
        library = type(exc).__module__.split(".")[0]
        if library not in ("pymongo", "bson", "duckdb", "pymysql", "pyarrow"):
            raise
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:500]
        print(f"aethermart {args.command}: error from {library}: {text}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
