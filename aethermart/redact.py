"""Connection URIs as they are safe to print: the one function every message, log line and
summary that shows a URI goes through (MongoDB's ``MONGODB_URI``, the local test servers).

Hidden: the password of the user info, and the values of query options that carry a
secret, whatever their spelling (``tlsCertificateKeyFilePassword``, ``sslClientCertificate-
KeyPassword``, ``password``, ``authMechanismProperties=AWS_SESSION_TOKEN:…``, any option
with pass/pwd/secret/token/credential/signature in its name).

    >>> redact_uri("mongodb://ann:pw@db:27017/x?tls=true&tlsCertificateKeyFilePassword=s3")
    'mongodb://ann:***@db:27017/x?tls=true&tlsCertificateKeyFilePassword=***'
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, unquote_plus

__all__ = ["ScrubbedError", "redact_uri", "scrub", "scrubbed_cause", "uri_secrets"]

MASK = "***"
_SECRET_OPTION = re.compile(
    r"pass|pwd|secret|token|credential|signature|authmechanismproperties", re.IGNORECASE
)
# a query option name; an item after ``&`` ``;`` ``#`` without one continues the value before it
_OPTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


def _secret_spans(rest: str) -> list[tuple[int, int]]:
    """Character ranges of ``rest`` (the URI after ``scheme://``) that may hold a secret.

    An unescaped password may contain ``@ / ? # :``, and an option value an ``@``, so the
    URI is read both ways and the union is hidden: the user info runs to the LAST ``@``
    (a host never holds one), or to the last ``@`` before the first ``/ ? #`` (RFC 3986);
    the options start after the first ``?``, or after the first ``?`` behind that ``@``.
    A secret option's value runs to the next ``&`` ``;`` or ``#`` that starts another
    ``name=`` option (its name percent-decoded): an unescaped ``&`` inside a value
    (``…Password=ab&Pw9;x``) does not end it. A value holding ``&name=`` itself cannot be
    told from two options; percent-encode it.
    """
    spans = []
    end = min([i for i in (rest.find(c) for c in "/?#") if i >= 0], default=len(rest))
    ats = {rest.rfind("@"), rest.rfind("@", 0, end)} - {-1}
    for at in ats:
        colon = rest.find(":", 0, at)
        if colon >= 0:
            spans.append((colon + 1, at))
    starts = {rest.find("?")} | {rest.find("?", at + 1) for at in ats}
    for start in starts - {-1}:
        pos, secret_from = start + 1, None
        for item in re.split(r"([&;#])", rest[start + 1 :]):
            if item and item not in "&;#":
                name, eq, _ = item.partition("=")
                secret = bool(eq) and bool(_SECRET_OPTION.search(_decoded(name)))
                if eq and (secret or _OPTION_NAME.fullmatch(_decoded(name))):  # a new option starts
                    if secret_from is not None:
                        spans.append((secret_from, pos - 1))
                    secret_from = pos + len(name) + 1 if secret else None
                # else: no option name (`ab&Pw9;x`): an unescaped & ; # inside the previous value
            pos += len(item)
        if secret_from is not None:
            spans.append((secret_from, pos))
    return spans


def _decoded(name: str) -> str:
    """An option name as a driver may read it: percent-decoded (``File%50assword``), repeatedly."""
    for _ in range(5):
        plain = unquote_plus(name)
        if plain == name:
            break
        name = plain
    return name


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact_uri(uri: str) -> str:
    """``uri`` with its password and every secret option value replaced by ``***``."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    out, pos = [], 0
    for start, end in _merged(_secret_spans(rest)):
        out += [rest[pos:start], MASK]
        pos = end
    return f"{scheme}://{''.join(out)}{rest[pos:]}"


def uri_secrets(uri: str) -> list[str]:
    """Every secret of ``uri`` in the forms a driver message may quote it (as written,
    percent-decoded, percent-encoded), longest first."""
    rest = uri.partition("://")[2]
    found = set()
    for start, end in _secret_spans(rest):
        value = rest[start:end]
        found.add(value)
        if rest[:start].lower().endswith("authmechanismproperties="):
            # SERVICE_NAME:mongodb,AWS_SESSION_TOKEN:y -> y, as a driver may quote it alone
            for prop in unquote(value).split(","):
                key, _, secret = prop.partition(":")
                if secret and _SECRET_OPTION.search(key):
                    found.add(secret)
    forms = set()
    for secret in found:
        forms |= {secret, unquote(secret), quote(unquote(secret), safe=""), quote(unquote(secret))}
    return sorted((f for f in forms if f), key=len, reverse=True)


def scrub(text: str, uri: str) -> str:
    """``text`` (e.g. a driver's error message) with ``uri`` and each of its secrets hidden."""
    text = text.replace(uri, redact_uri(uri))
    for secret in uri_secrets(uri):
        text = text.replace(secret, MASK)
    return text


class ScrubbedError(Exception):
    """A driver error as a cause that is safe to print: its type and message with the URI's
    secrets hidden, and its traceback (frames, no values)."""


def scrubbed_cause(exc: BaseException, uri: str) -> ScrubbedError:
    """The cause to chain (``raise ... from scrubbed_cause(exc, uri)``) when the driver's
    message may quote the URI or its password: a traceback of the original would print it."""
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    return ScrubbedError(f"{kind}: {scrub(str(exc), uri)}").with_traceback(exc.__traceback__)
