"""No secret of a connection URI is ever printed: the one redaction function
(aethermart.redact) and every command output that can show a MongoDB URI."""

from __future__ import annotations

import os
import socket
import subprocess
import traceback

import pytest

from aethermart.errors import ConfigError
from aethermart.export.mongo.config import MongoURI, connect
from aethermart.redact import ScrubbedError, redact_uri, scrub
from tests.conftest import BIN, REPO, run_cli

SECRET = "S3cr3t-Xq"  # distinctive: it may appear in no other text of an output

URIS = [
    f"mongodb://ann:{SECRET}@db:27017/x",
    f"mongodb://ann:pw@db:27017/x?tls=true&tlsCertificateKeyFilePassword={SECRET}",
    f"mongodb://db/x?TLSCERTIFICATEKEYFILEPASSWORD={SECRET}&appname=a",
    f"mongodb://db/x?sslClientCertificateKeyPassword={SECRET}",
    f"mongodb://db/x?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{SECRET}",
    f"mongodb://db/x?authMechanismProperties=SERVICE_NAME:mongodb,AWS_SESSION_TOKEN%3A{SECRET}",
    f"mongodb+srv://ann:{SECRET}@cluster.example.net/x?password={SECRET};appname=a",
    f"mongodb://ann@db/x?password={SECRET}",
    f"mysql://ann:{SECRET}@db:3306/x",
]
# unescaped characters that break naive parsing: no piece of the secret may show
UNESCAPED = [
    f"mongodb://ann:a@{SECRET}@db/x",
    f"mongodb://ann:a/{SECRET}@db/x",
    f"mongodb://ann:a?{SECRET}@db/x",
    f"mongodb://ann:a:{SECRET}@db/x",
    f"mongodb://ann:a#{SECRET}@db/x",
    f"mongodb://ann:a[{SECRET}@db/x",
    f"mongodb://db:27017/x?tlsCertificateKeyFilePassword=a@{SECRET}",
    f"mongodb://db:27017/x?tlsCertificateKeyFilePassword={SECRET}@b",
]
# a secret option value with an unescaped & ; or #, or an option name written percent-encoded
# (a driver decodes it, or names it in a warning): the value is hidden whole
TANGLED = [
    f"mongodb://db/x?tlsCertificateKeyFilePassword=ab&{SECRET};x&appname=a",
    f"mongodb://db/x?tlsCertificateKeyFilePassword=ab&{SECRET};x",
    f"mongodb://db/x?password=ab;{SECRET}&w=1",
    f"mongodb://db/x?password=ab#{SECRET}",
    f"mongodb://db/x?tlsCertificateKeyFile%50assword={SECRET}",
    f"mongodb://db/x?a=1&tlsCertificateKeyFile%2550assword={SECRET}&b=2",
    f"mongodb://db/x?pa%73sword={SECRET}",
    f"mongodb://db/x?my+pass={SECRET}",
]


@pytest.mark.parametrize("uri", URIS + UNESCAPED)
def test_redact_uri_hides_every_secret(uri):
    shown = redact_uri(uri)
    assert all(piece not in shown for piece in (SECRET, SECRET[:4], SECRET[-4:])), shown
    assert "***" in shown and shown.split("://")[0] == uri.split("://")[0]


@pytest.mark.parametrize("uri", TANGLED)
def test_redact_uri_hides_a_value_with_an_unescaped_separator_or_an_encoded_name(uri):
    shown = redact_uri(uri)
    assert all(piece not in shown for piece in (SECRET, SECRET[:4], SECRET[-4:])), shown
    assert "***" in shown
    if "appname=a" in uri or "&b=2" in uri or "&w=1" in uri:  # the options after it stay readable
        assert shown.endswith(("&appname=a", "&b=2", "&w=1")), shown


@pytest.mark.parametrize("uri", TANGLED)
def test_a_driver_error_about_a_tangled_uri_shows_no_piece_of_the_secret(uri, capsys):
    """connect() reports pymongo's complaint (mixed separators, unknown option) scrubbed."""
    uri = uri.replace("mongodb://db/", "mongodb://127.0.0.1:1/") + "&serverSelectionTimeoutMS=50"
    with pytest.raises(Exception) as err:  # a ConfigError or SourceError: one line
        connect(MongoURI.parse(uri))
    shown = str(err.value) + capsys.readouterr().err
    assert "MongoDB" in str(err.value) and "\n" not in str(err.value)
    assert all(piece not in shown for piece in (SECRET, SECRET[:4], SECRET[-4:])), shown


@pytest.mark.parametrize(
    "uri", [*TANGLED, f"mongodb://ann:{SECRET}@127.0.0.1:1/x?serverSelectionTimeoutMS=50"]
)
def test_a_connect_error_keeps_the_drivers_error_as_a_cause_without_the_secret(uri):
    """The driver's error is chained (type, message, frames) but scrubbed: a traceback of the
    one-line error, as a library user or a test report prints it, shows no piece of the secret."""
    uri = uri.replace("mongodb://db/", "mongodb://127.0.0.1:1/")
    if "serverSelectionTimeoutMS" not in uri:
        uri += "&serverSelectionTimeoutMS=50"
    with pytest.raises(Exception) as err:
        connect(MongoURI.parse(uri))
    cause = err.value.__cause__
    assert isinstance(cause, ScrubbedError) and str(cause).startswith("pymongo.errors."), cause
    assert cause.__traceback__ is not None
    shown = "".join(traceback.format_exception(err.value))
    assert "The above exception was the direct cause" in shown
    assert all(piece not in shown for piece in (SECRET, SECRET[:4], SECRET[-4:])), shown


@pytest.mark.parametrize("uri", URIS)
def test_scrub_hides_the_secret_in_a_driver_message(uri):
    assert SECRET not in scrub(f"error near {SECRET} in {uri}", uri)


@pytest.mark.parametrize("uri", [u for u in UNESCAPED if u.startswith("mongodb")])
def test_an_unescaped_mongodb_uri_is_refused_without_a_piece_of_it(uri):
    with pytest.raises(ConfigError) as err:
        MongoURI.parse(uri)
    message = str(err.value)
    assert "percent-encode" in message and "\n" not in message
    assert all(piece not in message for piece in (SECRET, SECRET[:4], SECRET[-4:])), message


def test_scrub_hides_a_percent_encoded_secret_in_every_form():
    uri = "mongodb://ann:p%40ss%2Fw0rd@db/x?tlsCertificateKeyFilePassword=k%3Dy%26z"
    message = "auth failed for p@ss/w0rd (p%40ss%2Fw0rd); key password k=y&z rejected"
    assert scrub(message, uri) == "auth failed for *** (***); key password *** rejected"


@pytest.mark.parametrize(
    "uri, shown",
    [
        (
            "mongodb://ann:pw@db:27017/x?tls=true&tlsCertificateKeyFilePassword=s3&appname=a",
            "mongodb://ann:***@db:27017/x?tls=true&tlsCertificateKeyFilePassword=***&appname=a",
        ),
        ("mongodb://ann@db/x?authSource=admin", "mongodb://ann@db/x?authSource=admin"),
        ("mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"),
        ("mongodb://ann:p%40ss@db/x", "mongodb://ann:***@db/x"),
        (
            "mongodb://db/x?authMechanismProperties=AWS_SESSION_TOKEN:t&tlsCertificateKeyFile=/k.pem",
            "mongodb://db/x?authMechanismProperties=***&tlsCertificateKeyFile=/k.pem",
        ),
        (
            "mongodb://db/x?tlsCertificateKeyFilePassword=ab&Pw9;x&appname=a",
            "mongodb://db/x?tlsCertificateKeyFilePassword=***&appname=a",
        ),
        (
            "mongodb://db/x?tlsCertificateKeyFile%50assword=KEYPW&tlsCertificateKeyFile=/k.pem",
            "mongodb://db/x?tlsCertificateKeyFile%50assword=***&tlsCertificateKeyFile=/k.pem",
        ),
    ],
)
def test_redact_uri_keeps_what_helps_to_debug(uri, shown):
    assert redact_uri(uri) == shown


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _export(*args: str, uri: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    # the servers here are closed ports or the local test server: 300 ms to find one is
    # plenty (a URI's own serverSelectionTimeoutMS still wins)
    env["AETHERMART_MONGODB_TIMEOUT_MS"] = "300"
    if uri is not None:
        env["MONGODB_URI"] = uri
    return subprocess.run(
        [str(BIN / "aethermart"), "export", *args], cwd=REPO, capture_output=True, text=True, env=env
    )


def _export_reviews(project, *args: str, uri: str) -> subprocess.CompletedProcess:
    """`aethermart export --target mongodb` of doc_reviews from ``project``'s build."""
    built = ["--manifest", str(project.target / "manifest.json"), "--duckdb", str(project.duckdb_path)]
    return _export("--target", "mongodb", *built, "--select", "doc_reviews", *args, uri=uri)


def _assert_no_secret(proc: subprocess.CompletedProcess) -> None:
    out = proc.stdout + proc.stderr
    assert SECRET not in out, out


@pytest.mark.parametrize(
    "query",
    [
        f"tlsCertificateKeyFilePassword={SECRET}",
        f"authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{SECRET}",
        f"tls=true&tlsCertificateKeyFile=/nonexistent.pem&tlsCertificateKeyFilePassword={SECRET}",
        f"password={SECRET}&unknownOption=1",
        f"tlsCertificateKeyFilePassword={SECRET}&serverSelectionTimeoutMS=abc",
    ],
)
def test_a_failing_export_prints_no_secret(built_001, query):
    uri = f"mongodb://ann:{SECRET}@127.0.0.1:{_closed_port()}/x?{query}"
    if "serverSelectionTimeoutMS" not in query:
        uri += "&serverSelectionTimeoutMS=300"
    for args in (["--mongodb-uri", uri], []):  # on the command line and from $MONGODB_URI
        proc = _export_reviews(built_001, *args, uri=uri)
        assert proc.returncode != 0
        _assert_no_secret(proc)
        assert "Traceback" not in proc.stderr
        errors = [line for line in proc.stderr.splitlines() if "error:" in line]
        assert len(errors) == 1 and "***" in errors[0], proc.stderr


def test_help_and_dry_run_print_no_secret(built_001, ferretdb_server):
    uri = f"mongodb://ann:{SECRET}@127.0.0.1:1/x?tlsCertificateKeyFilePassword={SECRET}"
    proc = _export("--help", uri=uri)
    assert proc.returncode == 0 and "--mongodb-uri" in proc.stdout
    _assert_no_secret(proc)
    # a dry run against a live server: it connects, reports the server and the plan (pymongo
    # warns about the option it does not know; the warning is printed scrubbed, on one line)
    live = f"{ferretdb_server.uri}redact_dry_run?secretToken={SECRET}&appname=x"
    proc = _export_reviews(built_001, "--dry-run", uri=live)
    assert proc.returncode == 0, proc.stderr
    _assert_no_secret(proc)
    assert "secretToken=***" in proc.stderr and "Unknown option" in proc.stderr, proc.stderr
    assert "UserWarning" not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["mongo-roles", "--apply", "--uri", f"mongodb://ann:{SECRET}@db/x?password={SECRET}"],
        ["extract", "--url", f"mysql://ann:{SECRET}@db:3306/shop"],
        ["extract", "--url", f"mysql://ann:it's-{SECRET}@db:3306/shop"],
        [
            "export",
            "--target",
            "mongodb",
            "--mongodb-uri",
            f"mongodb+srv://ann:{SECRET}@c.example.net/x",
            "--mongo-uri",
            f"mongodb://ann:{SECRET}@db/x",
        ],
    ],
)
def test_a_mistyped_option_next_to_a_uri_is_refused_without_the_secret(args):
    """argparse quotes the arguments it does not know; a URI among them is shown redacted."""
    proc = run_cli(*args)
    assert proc.returncode == 2 and "unrecognized arguments" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "***" in proc.stderr, proc.stderr
    _assert_no_secret(proc)
