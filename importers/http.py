"""Downloading a source over HTTP(S) for any importer: timeouts, retries with backoff, a size cap,
a content-type check, a descriptive User-Agent and a progress line on a terminal.

Every failure becomes a `SourceError` whose message is one sentence naming the URL, because the
person running an import needs to know what to do next (wait, fix the URL, ask the publisher), not
which exception httpx raised.

Settings are module constants, seeded from the environment so a subprocess (tests, a cron job on a
slow link) can change them: HELPLINE_HTTP_TIMEOUT (read timeout, seconds), HELPLINE_HTTP_BACKOFF
(first retry delay, seconds; doubles each retry), HELPLINE_HTTP_MAX_BYTES (total download cap),
HELPLINE_HTTP_DEADLINE (seconds one address may take to answer, retries included: a dead or hanging
server ends the import within it, 35 s by default, rather than after 3 full read timeouts).

Not retried, because another attempt would fail the same way: 4xx answers, a redirect to a
non-HTTP address (file://, ftp://), a TLS certificate or handshake failure, an oversize body.
"""

from __future__ import annotations

import os
import ssl
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from helpline_tui import __version__
from helpline_tui.core.records import SourceError


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value >= 0 else default


CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = _env_float("HELPLINE_HTTP_TIMEOUT", 30.0)
ATTEMPTS = 3
BACKOFF_BASE = _env_float("HELPLINE_HTTP_BACKOFF", 1.0)
MAX_BYTES = int(_env_float("HELPLINE_HTTP_MAX_BYTES", 200 * 1024 * 1024))
DEADLINE = _env_float("HELPLINE_HTTP_DEADLINE", 35.0)
USER_AGENT = f"helpline/{__version__} (+referral directory import)"

JSON_TYPES = ("application/json", "text/json", "+json")


@dataclass
class Response:
    url: str
    content: bytes
    content_type: str  # lower-cased media type without parameters, "" when absent
    status: int


# Downloads already made, by the address asked for: `helpline import auto URL` fetches the source to
# tell its format, then hands that download to the importer, whose first `get` of the same address
# takes it from here instead of fetching it again (its own content-type check still applies).
_HANDED_OVER: dict[str, Response] = {}


@contextmanager
def handed_over(url: str, response: Response) -> Iterator[None]:
    """While open, the next `Downloader.get(url)` answers with `response` without a request."""
    _HANDED_OVER[url] = response
    try:
        yield
    finally:
        _HANDED_OVER.pop(url, None)


def refuse_web_page(response: Response) -> None:
    """A web page served where data was expected (a login or error page with status 200): one
    sentence quoting it, as `check_content_type` says it for an importer expecting one format."""
    snippet = body_snippet(response.content)
    if response.content_type in ("text/html", "application/xhtml+xml") or \
            snippet.lower().startswith(("<!doctype html", "<html")):
        raise SourceError(response.url, "the server sent a web page, not data"
                                        f"{': ' + repr(snippet) if snippet else ''}; check the address")


class _Retryable(Exception):
    """A failure worth another attempt; `message` is what the user sees if all attempts fail."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


class Downloader:
    """One import's downloads: they share a client (connection reuse) and one byte budget, so
    a source of many pages is capped as a whole."""

    def __init__(self, *, max_bytes: int | None = None, progress: bool | None = None):
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.total_bytes = 0
        self.progress = sys.stderr.isatty() if progress is None else progress
        self._status = ""  # the progress line as last printed
        self._prefix = "downloading"
        # Read from the module at call time, so tests (and HELPLINE_HTTP_TIMEOUT) can shorten both.
        self.read_timeout = READ_TIMEOUT
        self.connect_timeout = min(CONNECT_TIMEOUT, READ_TIMEOUT) or CONNECT_TIMEOUT
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5"},
            follow_redirects=True,
        )

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        if self.progress and self._status:
            print("\r" + " " * len(self._status) + "\r", end="", file=sys.stderr, flush=True)

    def status(self, text: str) -> None:
        """Show what is being fetched ("page 3 of 12") on the progress line, terminals only."""
        self._prefix = text
        self._show(0)

    def _show(self, received: int) -> None:
        if not self.progress:
            return
        line = f"  {self._prefix} · {_megabytes(self.total_bytes + received)}"
        pad = max(0, len(self._status) - len(line))
        self._status = line
        print("\r" + line + " " * pad, end="", file=sys.stderr, flush=True)

    def get(self, url: str, *, expect: tuple[str, ...] = (), what: str = "JSON") -> Response:
        """GET `url` with retries. `expect`: acceptable media types (a leading "+" matches a
        suffix, e.g. "+json"); anything else is refused with a sentence quoting the body and
        naming `what` was expected."""
        ready = _HANDED_OVER.pop(url, None)
        if ready is not None:
            self.total_bytes += len(ready.content)
            if expect:
                check_content_type(ready, expect, what)
            return ready
        first = ""
        deadline = time.monotonic() + DEADLINE
        for attempt in range(1, ATTEMPTS + 1):
            # A later attempt gets only what is left of the deadline, so a hanging server ends the
            # import in DEADLINE seconds, not after ATTEMPTS full read timeouts.
            remaining = deadline - time.monotonic()
            try:
                response = self._attempt(url, min(self.read_timeout, max(remaining, 0.5)))
            except _Retryable as problem:
                first = first or problem.message
                pause = BACKOFF_BASE * 2 ** (attempt - 1)
                if attempt == ATTEMPTS or deadline - time.monotonic() - pause < 0.5:
                    break
                time.sleep(pause)
                continue
            self.total_bytes += len(response.content)
            if expect:
                check_content_type(response, expect, what)
            return response
        if ATTEMPTS == 1:
            tries = "once"
        elif attempt == ATTEMPTS:
            tries = f"on all {ATTEMPTS} attempts"
        else:
            tries = f"on {attempt} attempt{'s' if attempt > 1 else ''} in the {DEADLINE:g} s allowed"
        raise SourceError(url, f"{first} {tries}; try again later")

    def _attempt(self, url: str, read_timeout: float) -> Response:
        timeout = httpx.Timeout(read_timeout, connect=min(self.connect_timeout, read_timeout))
        try:
            with self._client.stream("GET", url, timeout=timeout) as response:
                status = response.status_code
                if status >= 500 or status == 429:
                    raise _Retryable(f"the server answered {status} {response.reason_phrase}".rstrip())
                if status >= 400:
                    raise SourceError(url, f"the server answered {status} {response.reason_phrase}; "
                                           "check the address".replace(" ;", ";"))
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and self.total_bytes + int(declared) > self.max_bytes:
                    raise self._too_big(url)
                chunks: list[bytes] = []
                received = 0
                for chunk in response.iter_bytes(1 << 16):
                    received += len(chunk)
                    if self.total_bytes + received > self.max_bytes:
                        raise self._too_big(url)
                    chunks.append(chunk)
                    self._show(received)
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return Response(str(response.url), b"".join(chunks), content_type, status)
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise _Retryable(f"the server did not accept a connection within {timeout.connect:g} s") from None
            raise _Retryable(f"the server did not answer within {round(read_timeout, 1):g} s") from None
        except httpx.RemoteProtocolError:
            raise _Retryable("the download was cut off before the end") from None
        except httpx.UnsupportedProtocol as exc:
            # The address given was http(s) (the CLI checks), so this is where a redirect led.
            raise SourceError(url, f"the server redirected to {_scheme(exc)}://…, which is not followed "
                                   "(only http and https are); check the address") from None
        except httpx.ConnectError as exc:
            tls = _tls_error(exc)
            if tls is not None:
                raise SourceError(url, tls) from None
            raise _Retryable(f"cannot connect ({_reason(exc)})") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"the connection failed ({_reason(exc)})") from None
        except httpx.InvalidURL as exc:
            raise SourceError(url, f"is not a valid address ({exc})") from None

    def _too_big(self, url: str) -> SourceError:
        return SourceError(url, f"the download is larger than the {_megabytes(self.max_bytes)} limit; "
                                "narrow the query (state, county) or raise HELPLINE_HTTP_MAX_BYTES")


def _scheme(exc: httpx.RequestError) -> str:
    try:
        return exc.request.url.scheme or "non-HTTP"
    except RuntimeError:  # httpx attached no request
        return "non-HTTP"


def _tls_error(exc: BaseException) -> str | None:
    """One sentence for a TLS failure found anywhere in the exception's chain, else None."""
    seen: BaseException | None = exc
    while seen is not None:
        for error in (seen, *seen.args):
            if isinstance(error, ssl.SSLCertVerificationError):
                why = error.verify_message or "not trusted"
                return (f"the server's TLS certificate cannot be verified ({why}); check the address, "
                        "or this machine's clock and certificate store")
            if isinstance(error, ssl.SSLError):
                return f"the secure (TLS) connection failed ({error.reason or error}); check the address"
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    # "[Errno 111] Connection refused" -> "Connection refused"
    if text.startswith("[Errno") and "]" in text:
        text = text.split("]", 1)[1].strip()
    return text


def check_content_type(response: Response, expect: tuple[str, ...], what: str = "JSON") -> None:
    ctype = response.content_type
    if any(ctype.endswith(e) if e.startswith("+") else ctype == e for e in expect):
        return
    snippet = body_snippet(response.content)
    if ctype == "text/html" or snippet.lower().startswith(("<!doctype html", "<html")):
        raise SourceError(response.url, "the server sent a web page, not data"
                                        f"{': ' + repr(snippet) if snippet else ''}; check the address")
    raise SourceError(response.url, f"the server sent '{ctype or 'no content type'}' instead of {what}"
                                    f"{': ' + repr(snippet) if snippet else ''}")


def body_snippet(content: bytes, limit: int = 80) -> str:
    """The start of a body as one short printable line, for error messages."""
    text = content[: limit * 4].decode("utf-8", "replace")
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
