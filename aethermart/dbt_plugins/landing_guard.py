"""dbt-duckdb plugin (registered in profiles.yml): looks at landing files without reading them.

Jinja has no ``os``, so the macro ``assert_landing_source`` asks DuckDB, through two scalar
functions registered here on every connection dbt opens (cursors share them), whether the
files it is about to read are safe to read:

``aethermart_landing_tree_problem(root, pattern)``
    Walks the landing zone along a relative glob such as ``events/date=*/*.jsonl`` with
    ``os.lstat`` only (no file is opened, no symlink followed) and returns its problems
    as one line (each entry named; the first five when there are more), or NULL. It sees
    what DuckDB's glob silently skips (fifos, directories and broken symlinks named like a
    data file) and names DuckDB cannot list (bytes that are not UTF-8, which make
    ``glob()`` fail without naming the file).
``aethermart_landing_file_problem(path, depth)``
    The same checks for one path DuckDB's ``glob()`` returned, on its last ``depth``
    components (the part below the landing root).
``aethermart_file_modified_us(path)``
    When the file last changed, in microseconds since the epoch: the later of ``lstat``'s
    modification time and its status-change time (NULL when the file is gone); part of a
    landed file's identity for incremental bronze. The status-change time (ctime) is set by
    the system on every write, rename or metadata change and no tool can set it back, while
    ``cp -p``, ``rsync -a`` and ``touch -r`` put the modification time back: a file they
    rewrite with the same size would otherwise look unchanged. DuckDB's own
    ``read_blob(...).last_modified`` has whole seconds only, so a file rewritten within a
    second with the same size would look unchanged too.

A problem is: a symbolic link, anything that is not a regular file (or folder on the way),
or a name DuckDB cannot read back safely by name - glob characters ``* ? [ ]`` (a file
read by name would match other files), control or invisible format characters (they
break one-line messages and terminals), bytes that are not UTF-8. Names in the messages
are escaped (Python repr) and shortened.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import unicodedata

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from aethermart.dbt_plugins import register_once
from aethermart.file_identity import changed_ns

__all__ = [
    "Plugin",
    "combine_problems",
    "display_path",
    "file_modified_us",
    "file_problem",
    "name_problem",
    "tree_problem",
]

GLOB_CHARACTERS = frozenset("*?[]")
# control, format (bidi overrides, zero-width), surrogate (undecodable bytes), line/para separators
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MAX_SHOWN = 300
_MAX_LISTED = 5


def display_path(path: str, limit: int = _MAX_SHOWN) -> str:
    """The path as a one-line Python repr, cut in the middle when longer than ``limit``."""
    # undecodable bytes reach Python as lone surrogates: show them as the bytes they were
    shown = re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", repr(path))
    if len(shown) > limit:
        keep = limit // 2
        shown = shown[:keep] + "…" + shown[-(limit - keep - 1) :]
    return shown


def name_problem(name: str) -> str | None:
    """Why DuckDB cannot safely take this file or folder name, or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "has a name that is not valid UTF-8"
    glob = sorted(GLOB_CHARACTERS.intersection(name))
    if glob:
        return (
            "has a glob character (" + " ".join(glob) + ") in its name: DuckDB would read "
            "other files by that name; rename it"
        )
    for char in name:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return f"has a control or invisible character (U+{ord(char):04X}) in its name; rename it"
    return None


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a fifo"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _entry_problem(path: str, name: str, *, folder: bool) -> str | None:
    """The problem of one landing entry (a folder on the way, or the data file itself)."""
    what = "Landing folder" if folder else "Landing file"
    problem = name_problem(name)
    if problem:
        return f"{what} {display_path(path)} {problem}."
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"{what} {display_path(path)} cannot be inspected ({exc.strerror})."
    if stat.S_ISLNK(mode):
        return (
            f"{what} {display_path(path)} is a symbolic link; the landing zone is read only "
            "through regular files and folders (copy the data in, not a link)."
        )
    if folder and not stat.S_ISDIR(mode):
        return f"{what} {display_path(path)} is {_kind(mode)}, not a folder."
    if not folder and not stat.S_ISREG(mode):
        return f"{what} {display_path(path)} is {_kind(mode)}, not a regular file; remove or rename it."
    return None


def file_problem(path: str, depth: int) -> str | None:
    """Problem of a path returned by DuckDB's glob: its last ``depth`` components are checked
    (the folders below the landing root and the file), outermost first."""
    parts = path.split("/")
    depth = max(1, min(int(depth), len(parts)))
    for index in range(len(parts) - depth, len(parts)):
        prefix = "/".join(parts[: index + 1])
        problem = _entry_problem(prefix, parts[index], folder=index < len(parts) - 1)
        if problem:
            return problem
    return None


def combine_problems(problems: list[str], limit: int = _MAX_LISTED) -> str | None:
    """One line for the problems found: the only one, or how many and the first ``limit``."""
    if len(problems) <= 1:
        return problems[0] if problems else None
    shown = "; ".join(problem.rstrip(".") for problem in problems[:limit])
    more = f"; … and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} landing entries cannot be read safely: {shown}{more}."


def tree_problem(root: str, pattern: str) -> str | None:
    """The problems among the entries below ``root`` that match the relative glob
    ``pattern`` component by component (``*`` does not cross ``/``), as one line, or None."""
    components = [part for part in pattern.split("/") if part]
    problems: list[str] = []

    def walk(folder: str, level: int) -> None:
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError:
            return  # a missing folder matches nothing; DuckDB reports what is missing
        last = level == len(components) - 1
        for name in names:
            if not fnmatch.fnmatchcase(name, components[level]):
                continue
            path = os.path.join(folder, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                mode = 0
            if not last and not stat.S_ISDIR(mode) and not stat.S_ISLNK(mode):
                continue  # a file where a folder is expected: DuckDB's glob skips it too
            problem = _entry_problem(path, name, folder=not last)
            if problem:
                problems.append(problem)
            elif not last:
                walk(path, level + 1)

    if components:
        walk(root or ".", 0)
    return combine_problems(problems)


def file_modified_us(path: str) -> int | None:
    """When a file last changed (aethermart.file_identity.changed_ns), in microseconds since the
    epoch (lstat), or None when it is gone."""
    try:
        return changed_ns(os.lstat(path)) // 1000
    except OSError:
        return None


def _register(con) -> None:
    varchar, integer = duckdb.sqltype("VARCHAR"), duckdb.sqltype("INTEGER")
    con.create_function(
        "aethermart_file_modified_us",
        file_modified_us,
        [varchar],
        duckdb.sqltype("BIGINT"),
        null_handling="special",
        side_effects=True,
    )
    con.create_function(
        "aethermart_landing_tree_problem",
        tree_problem,
        [varchar, varchar],
        varchar,
        null_handling="special",
        side_effects=True,
    )
    con.create_function(
        "aethermart_landing_file_problem",
        file_problem,
        [varchar, integer],
        varchar,
        null_handling="special",
        side_effects=True,
    )


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register_once(_register, conn)
