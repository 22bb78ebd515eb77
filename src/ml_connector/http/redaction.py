"""Keep secrets out of logs and error text.

Two defences: URLs, headers and form bodies are scrubbed by field name (`password`, `client_secret`,
`Authorization`, ...), and every secret value the process handles is registered so that any text
(an exception message, a response excerpt, a log line) can be scrubbed of it by value.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
SENSITIVE_NAMES = frozenset(
    {
        "password",
        "passwd",
        "client_secret",
        "secret",
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "assertion",
        "client_assertion",
        "code",
        "api_key",
        "apikey",
        "key",
        "sig",
        "signature",
        "sask",
        "saak",
        "cs",
        "authorization",
        "cookie",
        "set-cookie",
        "proxy-authorization",
        "encodeddata",
        "encodedsigneddata",
        "tokenvalue",
    }
)
_MIN_SECRET_LEN = 4
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()
# Narrower than SENSITIVE_NAMES: a JSON body legitimately has "code" and "key" fields.
_JSON_SECRET_FIELDS = (
    "password",
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "assertion",
    "client_assertion",
    "tokenValue",
    "saak",
    "sask",
    "secret",
)
# The value may hold escaped quotes (`\"`): it ends at the first quote that is not escaped.
_JSON_FIELD = re.compile(r'("(?:' + "|".join(_JSON_SECRET_FIELDS) + r')"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)


def register_secret(value: str | None) -> None:
    """Remember a secret value so that `redact_text` masks it wherever it shows up."""
    global _pattern
    if not value or len(value) < _MIN_SECRET_LEN:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def is_sensitive(name: str) -> bool:
    return name.lower() in SENSITIVE_NAMES


def redact_text(text: str) -> str:
    """Mask every registered secret and every `"password": "..."`-style JSON field in `text`."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return _JSON_FIELD.sub(lambda m: f'{m.group(1)}"{MASK}"', text)


def redact_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, MASK if is_sensitive(k) else redact_text(v)) for k, v in pairs]


def redact_url(url: str) -> str:
    """The URL with user info and sensitive query parameters masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = urlencode(redact_pairs(parse_qsl(parts.query, keep_blank_values=True)), safe="*")
    return redact_text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (MASK if is_sensitive(k) else redact_text(v)) for k, v in headers.items()}
