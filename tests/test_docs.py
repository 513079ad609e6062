"""The docs site tells the truth: everything is described, and every export is an exposure."""

from __future__ import annotations

import json
import warnings

import jinja2
from dbt_common.clients.jinja import get_environment


def _manifest(project) -> dict:
    return json.loads((project.target / "manifest.json").read_text())


def _ours(resources) -> list[dict]:
    return [r for r in resources if r["package_name"] == "aethermart"]


def test_everything_has_a_description(built_001):
    """Sources, models, seeds, snapshots, their columns, exposures, singular data tests,
    unit tests, macros and macro arguments all carry a description."""
    manifest = _manifest(built_001)
    missing = []
    for node in _ours([*manifest["nodes"].values(), *manifest["sources"].values()]):
        name = node["unique_id"]
        if node["resource_type"] == "test":
            # A generic test instance (`unique`, `relationships`, ...) has an empty
            # description unless its YAML entry sets `description:`; dbt 1.11 allows that,
            # but the test name, column and arguments already say what it checks, so only
            # singular tests (description in tests/singular/_singular__tests.yml) are held
            # to it. The generic tests' definitions are macros and are checked below.
            if not node.get("test_metadata") and not node["description"].strip():
                missing.append(name)
            continue
        if node["resource_type"] not in ("model", "seed", "source", "snapshot"):
            continue
        if not node["description"].strip():
            missing.append(name)
        for column, spec in node["columns"].items():
            if not spec["description"].strip():
                missing.append(f"{name}.{column}")
    for unit_test in _ours(manifest["unit_tests"].values()):
        if not unit_test["description"].strip():
            missing.append(unit_test["unique_id"])
    for exposure in _ours(manifest["exposures"].values()):
        name = exposure["unique_id"]
        if not exposure["description"].strip():
            missing.append(name)
        if not (exposure.get("label") or "").strip():
            missing.append(f"{name} (label)")
        if not exposure["owner"].get("name") or not exposure["owner"].get("email"):
            missing.append(f"{name} (owner name and email)")
    for macro in _ours(manifest["macros"].values()):
        if not macro["description"].strip():
            missing.append(macro["unique_id"])
        for argument in macro["arguments"]:
            if not (argument.get("description") or "").strip():
                missing.append(f"{macro['unique_id']}({argument['name']})")
    assert not missing, f"described nowhere: {missing}"


def test_documented_macro_arguments_are_the_real_arguments(built_001):
    """macros/_macros.yml lists each macro's parameters, in order, as its signature has them."""
    env = get_environment()
    wrong = []
    for macro in _ours(_manifest(built_001)["macros"].values()):
        with warnings.catch_warnings():  # jinja2 warns about regex escapes in SQL string literals
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = env.parse(macro["macro_sql"])
        definitions = [
            node for node in tree.find_all(jinja2.nodes.Macro) if node.name == f"dbt_macro__{macro['name']}"
        ]
        assert definitions, f"cannot find the definition of {macro['unique_id']}"
        real = [arg.name for arg in definitions[0].args]
        if macro["name"].startswith("materialization_"):
            # dbt gives a materialization's macro its own `supported_languages` parameter:
            # not ours to document; the model config (e.g. `buckets`) is described instead
            real = [name for name in real if name != "supported_languages"]
        documented = [arg["name"] for arg in macro["arguments"]]
        if real != documented:
            wrong.append(f"{macro['name']}: signature {real}, documented {documented}")
    assert not wrong, "macro arguments documented wrongly:\n" + "\n".join(wrong)


def test_documented_columns_are_the_real_columns(built_001):
    """A column described in YAML but missing from the model (or vice versa) is a doc bug."""
    manifest = _manifest(built_001)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        documented = list(node["columns"])
        actual = [
            r[0]
            for r in built_001.query(
                "select column_name from information_schema.columns "
                f"where table_schema = '{node['schema']}' and table_name = '{node['name']}' "
                "order by ordinal_position"
            )
        ]
        assert documented == actual, node["name"]


# the settings of an export; the model's `config.meta.export` is their one declaration
_EXPORT_SETTINGS = {"collection", "key", "indexes", "decimals", "path", "partition_by_month_of"}


def test_every_export_is_an_exposure(built_001):
    """Each `meta.export` target of a model is the exposure `<target>_<model>` that depends on
    that model alone, so the lineage graph ends where the data leaves; no exposure is stale;
    and no exposure repeats an export setting (collection, key, indexes, path, partitioning):
    the model's meta.export is their only declaration, nothing has to be kept equal to it."""
    manifest = _manifest(built_001)
    exposures = {e["name"]: e for e in _ours(manifest["exposures"].values())}
    expected = {}  # exposure name -> (model unique_id, target)
    parquet_models = set()
    problems = []
    for node in _ours(manifest["nodes"].values()):
        if node["resource_type"] != "model":
            continue
        export = node["config"]["meta"].get("export") or {}
        if node["fqn"][1] == "gold" and "parquet" not in export:
            problems.append(f"{node['name']}: a gold model without `meta.export.parquet`")
        for target in ("parquet", "mongodb"):
            if target in export:
                expected[f"{target}_{node['name']}"] = (node["unique_id"], target)
        if "parquet" in export:
            parquet_models.add(node["unique_id"])

    mongodb_exports = [name for name, (_, target) in expected.items() if target == "mongodb"]
    assert len(mongodb_exports) >= 5, "the doc_ models lost their MongoDB exports"
    assert len(parquet_models) >= 14, "the gold models lost their Parquet exports"
    for name, (model, target) in sorted(expected.items()):
        exposure = exposures.get(name)
        if exposure is None:
            problems.append(
                f"{model}: its {target} export has no exposure `{name}` (models/gold/_gold__exposures.yml)"
            )
            continue
        if exposure["depends_on"]["nodes"] != [model]:
            problems.append(f"{name}: depends on {exposure['depends_on']['nodes']}, not [{model}]")
        if exposure["config"]["meta"].get("target") != target:
            problems.append(f"{name}: config.meta.target is not {target}")
    for name, exposure in exposures.items():
        meta = exposure["config"]["meta"]
        if meta.get("target") in ("parquet", "mongodb") and name not in expected:
            problems.append(f"{name}: an exposure for an export no model declares")
        repeated = sorted(_EXPORT_SETTINGS & set(meta))
        if repeated:
            problems.append(
                f"{name}: config.meta repeats {repeated}; they are declared once, in the "
                "model's config.meta.export"
            )
    bi = exposures.get("bi_gold_parquet")
    if bi is None:
        problems.append("no exposure `bi_gold_parquet` for the BI users of gold Parquet")
    elif set(bi["depends_on"]["nodes"]) != parquet_models:
        problems.append(
            f"bi_gold_parquet: depends on {sorted(bi['depends_on']['nodes'])}, "
            f"not on the Parquet-published models {sorted(parquet_models)}"
        )
    assert not problems, "\n".join(problems)


def test_the_exporter_follows_the_models_export_declaration(built_001, tmp_path):
    """The exporters take every setting from the model's `config.meta.export` (the exposures
    carry none): the specs equal the models' meta, and a setting changed there (a collection
    renamed, an index dropped, partitioning removed) is what the exporter uses, with no other
    file to edit."""
    from aethermart.export import read_manifest

    manifest = _manifest(built_001)
    specs = read_manifest(built_001.target / "manifest.json")
    nodes = {n["unique_id"]: n for n in _ours(manifest["nodes"].values())}
    mongodb = specs.for_target("mongodb")
    assert len(mongodb) >= 5
    for spec in mongodb:
        declared = nodes[spec.unique_id]["config"]["meta"]["export"]["mongodb"]
        assert spec.mongodb.collection == declared["collection"]
        assert len(spec.mongodb.indexes) == len(declared.get("indexes") or [])

    node = nodes[mongodb[0].unique_id]
    node["config"]["meta"]["export"]["mongodb"]["collection"] = "renamed_in_the_model"
    node["config"]["meta"]["export"]["mongodb"]["indexes"] = []
    partitioned = next(
        n
        for n in nodes.values()
        if ((n["config"]["meta"].get("export") or {}).get("parquet") or {}).get("partition_by_month_of")
    )
    partitioned["config"]["meta"]["export"]["parquet"] = {}
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(manifest))
    specs = {s.model: s for s in read_manifest(changed).specs}
    assert specs[node["name"]].mongodb.collection == "renamed_in_the_model"
    assert specs[node["name"]].mongodb.indexes == ()
    assert specs[partitioned["name"]].parquet.partition_by_month_of is None
    assert manifest["exposures"] == _manifest(built_001)["exposures"]  # nothing else was edited


def test_overview_block_exists(built_001):
    docs = _manifest(built_001)["docs"]
    assert any(d["name"] == "__overview__" and "lineage graph" in d["block_contents"] for d in docs.values())


def test_gold_docs_blocks_are_shown(built_001):
    """Each gold docs block is rendered into at least one model's description (a docs block
    that nothing references never appears on the site)."""
    manifest = _manifest(built_001)
    blocks = {d["name"]: d["block_contents"].strip() for d in _ours(manifest["docs"].values())}
    descriptions = [
        n["description"] for n in _ours(manifest["nodes"].values()) if n["resource_type"] == "model"
    ]
    for name in ("gold_layer", "gold_revenue", "gold_pii", "rfm_segmentation", "gold_exports"):
        assert name in blocks, f"docs block {name} is missing"
        assert any(blocks[name] in d for d in descriptions), f"docs block {name} is in no model's description"
