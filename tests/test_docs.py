"""Every source, model, seed, column and project macro is described in the manifest."""

from __future__ import annotations

import json


def _manifest(project) -> dict:
    return json.loads((project.target / "manifest.json").read_text())


def test_everything_has_a_description(built_001):
    manifest = _manifest(built_001)
    missing = []
    for node in [*manifest["nodes"].values(), *manifest["sources"].values()]:
        if node["resource_type"] not in ("model", "seed", "source"):
            continue
        if node["package_name"] != "aethermart":
            continue
        name = node["unique_id"]
        if not node["description"].strip():
            missing.append(name)
        for column, spec in node["columns"].items():
            if not spec["description"].strip():
                missing.append(f"{name}.{column}")
    for macro in manifest["macros"].values():
        if macro["package_name"] == "aethermart" and not macro["description"].strip():
            missing.append(macro["unique_id"])
    assert not missing, f"described nowhere: {missing}"


def test_documented_columns_are_the_real_columns(built_001):
    """A column described in YAML but missing from the model (or vice versa) is a doc bug."""
    manifest = _manifest(built_001)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        documented = list(node["columns"])
        actual = [r[0] for r in built_001.query(
            "select column_name from information_schema.columns "
            f"where table_schema = '{node['schema']}' and table_name = '{node['name']}' "
            "order by ordinal_position")]
        assert documented == actual, node["name"]


def test_overview_block_exists(built_001):
    docs = _manifest(built_001)["docs"]
    assert any(d["name"] == "__overview__" and "lineage graph" in d["block_contents"]
               for d in docs.values())
