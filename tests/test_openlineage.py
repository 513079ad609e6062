"""OpenLineage: `dbt-ol` (openlineage-dbt) wraps dbt and emits a START and a COMPLETE event
per model, with the model's inputs (sources, refs) and output; here to a file transport."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import BIN, REPO, SAMPLE, DbtProject

SALT = "ol-salt-never-emitted"


def test_dbt_ol_emits_start_and_complete_events_per_model(tmp_path):
    project = DbtProject(SAMPLE, tmp_path)
    events = tmp_path / "openlineage.jsonl"
    config = tmp_path / "openlineage.yml"
    config.write_text(f"transport:\n  type: file\n  log_file_path: {events}\n  append: true\n")
    env = {
        **project.env(),
        "OPENLINEAGE_CONFIG": str(config),
        "OPENLINEAGE_NAMESPACE": "aethermart-ci",
        "AETHERMART_PII_SALT": SALT,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }  # dbt-ol runs `dbt`
    proc = subprocess.run(
        [
            str(BIN / "dbt-ol"),
            "run",
            "--select",
            "brz_landing__files",
            "brz_mariadb__categories",
            "--target-path",
            str(project.target),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    emitted = [json.loads(line) for line in events.read_text().splitlines()]
    by_job = {}
    for event in emitted:
        assert event["job"]["namespace"] == "aethermart-ci"
        by_job.setdefault(
            event["job"]["name"].rsplit(".", 1)[-1] if "." in event["job"]["name"] else event["job"]["name"],
            [],
        ).append(event)
    model = {name: evs for name, evs in by_job.items() if name.startswith("brz_")}
    assert set(model) == {"brz_landing__files", "brz_mariadb__categories"}
    for name, evs in model.items():
        assert [e["eventType"] for e in evs] == ["START", "COMPLETE"], name
        assert [o["name"].rsplit(".", 1)[-1] for o in evs[-1]["outputs"]] == [name]
    inputs = {i["name"].split(".", 1)[-1] for i in model["brz_mariadb__categories"][-1]["inputs"]}
    assert {"bronze.brz_landing__files", "mariadb.Categories"} <= inputs
    assert SALT not in events.read_text()
