"""Gold's PII rule: hashed and masked contact data, and a salt that never leaves the process."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import SAMPLE, DbtProject

# what dbt writes is searched for the salt: at its default, most verbose, log level
pytestmark = pytest.mark.usefixtures("full_dbt_log")

SALT = "s3cr3t-salt-'quoted'"


def test_email_hash_is_salted_and_the_salt_is_written_nowhere(tmp_path):
    project = DbtProject(SAMPLE, tmp_path)
    built = project.dbt(
        "build",
        "--select",
        "+dim_customer",
        "--resource-type",
        "model",
        "seed",
        check=False,
        extra_env={"AETHERMART_PII_SALT": SALT},
    )
    assert built.returncode == 0, built.stdout[-3000:]
    rows = project.query("""
        select customers.email, customers.phone_e164, dim.email_sha256, dim.email_masked, dim.phone_masked
        from gold.dim_customer as dim
        inner join silver.slv_customers as customers using (customer_key)""")
    assert sum(1 for r in rows if r[0]) > 10 and sum(1 for r in rows if r[1]) > 5
    for email, phone, digest, masked, phone_masked in rows:
        if email:
            assert digest == hashlib.sha256((SALT + email.strip().lower()).encode()).hexdigest()
            assert masked == email[0] + "***@" + email.split("@")[1]
        else:
            assert digest is None and masked is None
        if phone:
            assert phone_masked == phone[:2] + "*" * (len(phone) - 6) + phone[-4:]
    gold_columns = {
        r[0]
        for r in project.query(
            "select column_name from information_schema.columns where table_schema = 'gold'"
        )
    }
    assert not gold_columns & {"email", "phone_e164", "address_line_1", "address_line_2", "birth_date"}
    leaked = [
        str(p)
        for p in [*project.target.rglob("*"), *(tmp_path / "logs").rglob("*")]
        if p.is_file() and SALT.encode() in p.read_bytes()
    ]
    assert not leaked, f"the salt was written to {leaked}"
