"""Credentials in source addresses: used for the download, never stored, never shown.

A source address such as `https://host/export?api_key=SECRET` or `https://user:pass@host/export`
is stored (sources, import history) and shown (summary, --json, info, errors) with each credential
replaced by a placeholder naming an environment variable:
`https://host/export?api_key=${HELPLINE_SECRET_API_KEY}`, `https://${HELPLINE_SECRET_USERINFO}@host/`.
A download fills the placeholders in for the request only: from the address typed on this command
line (`lent`), else from the environment — so `helpline refresh`, which has only the stored
address, reads the secret from that variable. An admin may also type the placeholder itself (in
single quotes) to keep the secret off the command line.

Credentials are the user:password part of an address and query values whose key names a secret
(`SECRET_KEYS`, or a key ending in _token, _secret, _password, _signature, _apikey, _api_key).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from helpline_tui.core.records import SourceError

SECRET_KEYS = frozenset({
    "key", "api_key", "apikey", "token", "access_token", "auth", "auth_token", "password", "passwd",
    "pwd", "secret", "client_secret", "sig", "signature", "private_token", "refresh_token",
    "id_token", "session", "sessionid", "subscription_key", "x_api_key",
})
_SECRET_ENDINGS = ("_token", "_secret", "_password", "_signature", "_apikey", "_api_key")
PREFIX = "HELPLINE_SECRET_"
# A placeholder, as typed or as URL-encoding leaves it (%24%7B...%7D).
_PLACEHOLDER = re.compile(r"(?:\$|%24)(?:\{|%7B)(HELPLINE_SECRET_[A-Z0-9_]+)(?:\}|%7D)", re.IGNORECASE)

# An address inside a sentence, without the punctuation that follows it ("URL: the server ...").
_ADDRESS = re.compile(r"https?://[^\s'\"]+?(?=[:;,.)]*(?:[\s'\"]|$))")

_LENT: dict[str, str] = {}  # secrets typed in this command's address, by placeholder name


def is_secret_key(key: str) -> bool:
    folded = key.strip().lower().replace("-", "_")
    return folded in SECRET_KEYS or folded.endswith(_SECRET_ENDINGS)


def env_name(key: str) -> str:
    return PREFIX + (re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_") or "KEY")


def hide(url: str) -> tuple[str, dict[str, str]]:
    """(the address with every credential replaced by its placeholder, {placeholder name: the
    secret it replaced}). Placeholders already there are kept; anything not a URL is returned as is."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, {}
    if parts.scheme not in ("http", "https"):
        return url, {}
    found: dict[str, str] = {}
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if not _PLACEHOLDER.fullmatch(userinfo):
            found[PREFIX + "USERINFO"] = unquote(userinfo)
            netloc = f"${{{PREFIX}USERINFO}}@{host}"
    query = parts.query
    if query:
        pieces = []
        for piece in query.split("&"):
            key, sep, value = piece.partition("=")
            if sep and value and is_secret_key(unquote(key)) and not _PLACEHOLDER.fullmatch(value):
                name = env_name(unquote(key))
                found[name] = unquote(value.replace("+", " "))
                value = f"${{{name}}}"
            pieces.append(f"{key}{sep}{value}")
        query = "&".join(pieces)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)), found


def names(url: str) -> list[str]:
    """The placeholder names in an address, in order, once each."""
    return list(dict.fromkeys(m.group(1).upper() for m in _PLACEHOLDER.finditer(url)))


def missing(url: str) -> list[str]:
    """Placeholders of `url` that neither this command's address nor the environment fills."""
    return [n for n in names(url) if n not in _LENT and not os.environ.get(n)]


@contextmanager
def lent(secrets: dict[str, str]) -> Iterator[None]:
    """While open, downloads fill these placeholders with these values (the address as typed)."""
    saved = dict(_LENT)
    _LENT.update(secrets)
    try:
        yield
    finally:
        _LENT.clear()
        _LENT.update(saved)


def resolve(url: str) -> str:
    """The address to request: placeholders filled in (URL-encoded where they stand). A secret
    that is nowhere to be found is a SourceError naming the variable to set."""
    absent = missing(url)
    if absent:
        raise SourceError(url, f"needs the secret {absent[0]}, which is not stored in the directory; "
                               "set that environment variable and run again")
    if not _PLACEHOLDER.search(url):
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{_fill(userinfo, safe=':')}@{host}"
    rest = [_fill(p, safe="") for p in (parts.path, parts.query, parts.fragment)]
    return urlunsplit((parts.scheme, netloc, *rest))


def _fill(text: str, safe: str) -> str:
    return _PLACEHOLDER.sub(lambda m: quote(_secret(m.group(1).upper()), safe=safe), text)


def _secret(name: str) -> str:
    return _LENT.get(name) or os.environ.get(name, "")


def scrub(text: str) -> str:
    """`text` (an address a server redirected to, an error message) with every credential
    hidden: secret query values and user:password by `hide`, and any secret known to this
    process (typed or from HELPLINE_SECRET_* variables) wherever it appears."""
    known = {**{k: v for k, v in os.environ.items() if k.startswith(PREFIX)}, **_LENT}
    for name, value in sorted(known.items(), key=lambda kv: -len(kv[1])):
        if len(value) >= 4:  # a one- or two-character "secret" would blank out ordinary text
            for form in dict.fromkeys((value, quote(value, safe=""), quote(value, safe=":"))):
                text = text.replace(form, f"${{{name}}}")
    return _ADDRESS.sub(lambda m: hide(m.group(0))[0], text)
