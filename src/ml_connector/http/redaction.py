"""Keep secrets out of logs, errors, the audit trail, CLI output and web pages.

Two defences:

- By name, pure functions that know no secret: URLs, headers and form pairs are scrubbed of fields like
  `password`, `client_secret`, `Authorization` (`redact_url`, `redact_headers`, `redact_pairs`), and JSON
  text of `"password": "..."`-style fields (`mask_fields`). These hold even before a composition root
  exists (a config that does not parse).
- By value, a `Redactor`: the composition root (`ml_connector.root`) makes one and passes it down, and
  every secret its parts handle (the vault's values, each client's credentials, the tokens it is given)
  is registered with it, so any text (an exception message, a response excerpt, a log line) can be
  scrubbed of it. Two redactors share nothing.

A redactor's growth is bounded: a value registered again changes nothing, values that replace each
other (tokens, a rotating refresh token, a vault entry) share a slot that keeps only its last few, and
the one pattern is rebuilt only when the set of secrets changes.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
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
# The same names in plain text (`password=...`, `client_secret: ...`), as error messages and logs write them.
_TEXT_FIELD = re.compile(
    r"\b((?:" + "|".join(_JSON_SECRET_FIELDS) + r")\s*[=:]\s*)(?!\*\*\*)[^\s&,;'\"]+", re.IGNORECASE
)
# The password in a URL's user info: scheme://user:password@host
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^/\s@]+(@)")


def is_sensitive(name: str) -> bool:
    return name.lower() in SENSITIVE_NAMES


def mask_fields(text: str) -> str:
    """Mask every `"password": "..."`-style JSON field, every `password=...` in plain text and every password in
    a URL's user info (by name: no secret needs to be known)."""
    text = _JSON_FIELD.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
    text = _TEXT_FIELD.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2)}", text)


def redact_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Form or query pairs with the values of sensitive names masked."""
    return [(k, MASK if is_sensitive(k) else mask_fields(v)) for k, v in pairs]


def redact_url(url: str) -> str:
    """The URL with user info and sensitive query parameters masked (by name)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    query = urlencode(redact_pairs(parse_qsl(parts.query, keep_blank_values=True)), safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with the values of sensitive names (`Authorization`, `Cookie`, ...) masked."""
    return {k: (MASK if is_sensitive(k) else v) for k, v in headers.items()}


class Redactor:
    """The secret values one composition root has seen, and their masking in any text.

    `register` is for secrets that last (a password, a client secret, a private key); `rotate` for a
    value that replaces the one before it in `slot` (a token, a vault entry's field): the slot keeps
    only its last `KEPT_PER_SLOT` values, so a long-running process does not collect every token it was
    ever given. Thread-safe.
    """

    KEPT_PER_SLOT = 3

    def __init__(self) -> None:
        self._lasting: set[str] = set()
        self._slots: dict[Hashable, deque[str]] = {}
        self._secrets: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        """How many secret values are masked now."""
        return len(self._secrets)

    def register(self, *values: str | None) -> None:
        """Mask these values for as long as the redactor lives (too short or empty values are ignored)."""
        with self._lock:
            self._lasting.update(v for v in values if v is not None and _worth_masking(v))
            self._rebuild()

    def rotate(self, slot: Hashable, value: str | None) -> None:
        """Mask `value` as the newest of `slot`; the oldest beyond `KEPT_PER_SLOT` is no longer masked."""
        if value is None or not _worth_masking(value):
            return
        with self._lock:
            kept = self._slots.setdefault(slot, deque(maxlen=self.KEPT_PER_SLOT))
            if value in kept:
                if kept[-1] == value:
                    return
                kept.remove(value)
            kept.append(value)
            self._rebuild()

    def redact(self, text: str) -> str:
        """`text` with every registered secret and every `"password": "..."`-style JSON field masked."""
        pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return mask_fields(text)

    def redact_url(self, url: str) -> str:
        return self.redact(redact_url(url))

    def redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {k: self.redact(v) for k, v in redact_headers(headers).items()}

    def _rebuild(self) -> None:
        # Under the lock. The pattern is compiled again only when the set of secrets changed.
        secrets = frozenset(self._lasting.union(*self._slots.values()))
        if secrets == self._secrets:
            return
        ordered = sorted(secrets, key=len, reverse=True)  # longest first: a secret inside another is masked whole
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None
        self._secrets = secrets


def _worth_masking(value: str) -> bool:
    return len(value) >= _MIN_SECRET_LEN
