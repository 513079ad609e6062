"""The code fingerprint (aethermart.code_fingerprint): what a unit test's outcome depends on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from aethermart.code_fingerprint import PROJECT_PARTS, code_fingerprint
from tests.conftest import REPO


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            (copy / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    return copy


def test_the_fingerprint_follows_code_vars_target_and_landing_not_file_times(tmp_path):
    project = _project_copy(tmp_path)
    base = code_fingerprint(project, {}, None, landing="/landing")
    assert base == code_fingerprint(REPO, {}, None, landing="/landing")  # content, not location
    macro = project / "macros" / "gold" / "mask_email.sql"
    os.utime(macro, (1, 1))  # touched, not changed
    assert code_fingerprint(project, {}, None, landing="/landing") == base
    assert code_fingerprint(project, {"document_build_buckets": 2}, None, landing="/landing") != base
    assert code_fingerprint(project, {}, "prod", landing="/landing") != base
    assert code_fingerprint(project, {}, None, landing="/elsewhere") != base
    (project / "aethermart" / "dbt_plugins" / "__pycache__").mkdir()
    (project / "aethermart" / "dbt_plugins" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert code_fingerprint(project, {}, None, landing="/landing") == base  # bytecode is no code
    macro.write_text(macro.read_text() + "\n-- edited\n")
    assert code_fingerprint(project, {}, None, landing="/landing") != base
    macro.unlink()
    assert code_fingerprint(project, {}, None, landing="/landing") != base
