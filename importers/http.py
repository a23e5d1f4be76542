"""Downloading a source over HTTP(S) for any importer: timeouts, retries with backoff, a size cap,
a content-type check, a descriptive User-Agent and a progress line on a terminal.

Every failure becomes a `SourceError` whose message is one sentence naming the URL, because the
person running an import needs to know what to do next (wait, fix the URL, ask the publisher), not
which exception httpx raised.

The bounds are HELPLINE_HTTP_* settings (helpline_tui.core.settings), read when a Downloader or
PageBounds is made: the read timeout, the first retry's delay (doubling each retry), the bytes one
import may download (counted decoded), the ratio a compressed body may inflate by past 10 MB, the
seconds one address may take to answer (headers, retries included: 35 s) and to download whole
(body and retries included: 120 s), and the pages one paginated source may have (10,000).

Why deadlines need a watchdog: httpx's read timeout applies to each read, so a server sending one
byte every few seconds (headers or body, chunked or not) never trips it. A timer shuts the
connection's socket down when the deadline passes, which ends the blocked read at once.

Redirects are followed (at most MAX_REDIRECTS), but not to a non-HTTP address (file://, ftp://) nor
from the address's host to another host on a private, loopback or link-local address.

Not retried, because another attempt would fail the same way: 4xx answers, a redirect refused or
looping, a TLS certificate or handshake failure, an oversize body, a deadline passed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from helpline_tui import __version__
from helpline_tui.core import settings, url_secrets
from helpline_tui.core.records import SourceError
from helpline_tui.errors import Signal


CONNECT_TIMEOUT = 10.0
ATTEMPTS = 3
RATIO_FLOOR = 10 * 1024 * 1024  # a small body may compress as well as it likes
MAX_REDIRECTS = 10
USER_AGENT = f"helpline/{__version__} (+referral directory import)"

JSON_TYPES = ("application/json", "text/json", "+json")


@dataclass
class Response:
    url: str
    content: bytes
    content_type: str  # lower-cased media type without parameters, "" when absent
    status: int


def refuse_web_page(response: Response) -> None:
    """A web page served where data was expected (a login or error page with status 200): one
    sentence quoting it, as `check_content_type` says it for an importer expecting one format."""
    snippet = body_snippet(response.content)
    if response.content_type in ("text/html", "application/xhtml+xml") or \
            snippet.lower().startswith(("<!doctype html", "<html")):
        raise SourceError(response.url, "the server sent a web page, not data"
                                        f"{': ' + repr(snippet) if snippet else ''}; check the address")


class _Retryable(Signal):
    """A failure worth another attempt; `message` is what the user sees if all attempts fail."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


class Downloader:
    """One import's downloads: they share a client (connection reuse) and one byte budget, so
    a source of many pages is capped as a whole."""

    def __init__(self, *, max_bytes: int | None = None, progress: bool | None = None,
                 fetched: tuple[str, Response] | None = None):
        """`fetched`: (an address, its download) made before, by `helpline import auto` to tell the
        format: the first `get` of that address answers with it instead of fetching it again (its
        content-type check still applies)."""
        self._fetched = dict([fetched]) if fetched else {}
        self.max_bytes = settings.HTTP_MAX_BYTES.read() if max_bytes is None else max_bytes
        self.backoff = settings.HTTP_BACKOFF.read()
        self.deadline = settings.HTTP_DEADLINE.read()
        self.download_deadline = settings.HTTP_DOWNLOAD_DEADLINE.read()
        self.max_ratio = settings.HTTP_MAX_RATIO.read()
        self.total_bytes = 0
        self.progress = sys.stderr.isatty() if progress is None else progress
        self._status = ""  # the progress line as last printed
        self._prefix = "downloading"
        self.read_timeout = settings.HTTP_TIMEOUT.read()
        self.connect_timeout = min(CONNECT_TIMEOUT, self.read_timeout)
        self._sockets: list[socket.socket] = []  # this client's connections, for the watchdog
        self._asked = httpx.URL("http://unset/")  # the address being fetched, for the redirect rule
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.read_timeout, connect=self.connect_timeout),
            # Only encodings _decoded inflates step by step.
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, */*;q=0.5",
                     "Accept-Encoding": "gzip, deflate"},
            follow_redirects=True, max_redirects=MAX_REDIRECTS,
            event_hooks={"request": [self._refuse_private_redirect]},
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
        naming `what` was expected. `url` may hold ${HELPLINE_SECRET_...} placeholders
        (helpline_tui.core.url_secrets): they are filled in for the request only."""
        ready = self._fetched.pop(url, None)
        if ready is not None:
            self.total_bytes += len(ready.content)
            if expect:
                check_content_type(ready, expect, what)
            return ready
        first = ""
        started = time.monotonic()
        times = _Deadlines(answer=started + self.deadline, done=started + self.download_deadline)
        for attempt in range(1, ATTEMPTS + 1):
            # A later attempt gets only what is left of the deadline, so a hanging server ends the
            # import within the answer deadline, not after ATTEMPTS full read timeouts.
            remaining = times.first() - time.monotonic()
            try:
                response = self._attempt(url, min(self.read_timeout, max(remaining, 0.5)), times)
            except _Retryable as problem:
                first = first or problem.message
                pause = self.backoff * 2 ** (attempt - 1)
                if attempt == ATTEMPTS or times.first() - time.monotonic() - pause < 0.5:
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
            tries = f"on {attempt} attempt{'s' if attempt > 1 else ''} in the {self.deadline:g} s allowed"
        raise SourceError(url, f"{first} {tries}; try again later")

    def _attempt(self, url: str, read_timeout: float, times: _Deadlines) -> Response:
        timeout = httpx.Timeout(read_timeout, connect=min(self.connect_timeout, read_timeout))
        fetched = url_secrets.resolve(url)
        watchdog = _Watchdog(self._cut_connections)
        watchdog.arm(*times.until_answer())
        received = 0
        try:
            self._asked = httpx.URL(fetched)
            with self._client.stream("GET", fetched, timeout=timeout,
                                     extensions={"trace": self._note_socket}) as response:
                watchdog.arm(times.done, "download")
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
                for chunk in _decoded(response):
                    received += len(chunk)
                    if self.total_bytes + received > self.max_bytes:
                        raise self._too_big(url)
                    if received > RATIO_FLOOR and received > self.max_ratio * max(response.num_bytes_downloaded, 1):
                        raise SourceError(url, f"the body inflates to over {self.max_ratio:g} times its "
                                               f"compressed size ({_megabytes(received)} from "
                                               f"{_megabytes(response.num_bytes_downloaded)}), beyond the "
                                               "limit HELPLINE_HTTP_MAX_RATIO sets; ask the publisher")
                    if watchdog.fired:
                        raise self._late(url, watchdog.fired, received)
                    chunks.append(chunk)
                    self._show(received)
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                shown = url_secrets.scrub(str(response.url))
                return Response(shown, b"".join(chunks), content_type, status)
        except httpx.HTTPError as exc:
            if watchdog.fired:  # the watchdog cut the connection: say which deadline passed
                raise self._late(url, watchdog.fired, received) from None
            raise _failure(url, exc, timeout) from None
        except httpx.InvalidURL as exc:
            raise SourceError(url, f"is not a valid address ({exc})") from None
        finally:
            watchdog.disarm()

    def _late(self, url: str, which: str, received: int) -> SourceError:
        if which == "answer":
            return SourceError(url, f"the server did not finish its answer within the {self.deadline:g} s "
                                    "allowed (HELPLINE_HTTP_DEADLINE); try again later")
        return SourceError(url, f"the download did not finish within the {self.download_deadline:g} s allowed "
                                f"(HELPLINE_HTTP_DOWNLOAD_DEADLINE; {_megabytes(received)} received); "
                                "try again later, or raise the setting on a slow link")

    def _note_socket(self, event: str, info: dict) -> None:
        """httpcore's trace hook: remember each new connection's socket (TCP, then TLS)."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]

    def _cut_connections(self) -> None:
        # shutdown, not close: it wakes a read blocked in another thread at once.
        for sock in list(self._sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _refuse_private_redirect(self, request: httpx.Request) -> None:
        """A redirect that leaves the address's host for a private, loopback or link-local
        address (an intranet service, cloud metadata) is not followed."""
        host = request.url.host
        if host == self._asked.host or request.url.scheme not in ("http", "https"):
            return  # another scheme is refused as such (UnsupportedProtocol)
        address = _private_address(host, request.url.port or (443 if request.url.scheme == "https" else 80))
        if address is not None:
            shown = url_secrets.hide(str(self._asked))[0]
            raise SourceError(shown, f"the server redirected to another host, {host}, at the private or "
                                     f"local address {address}, which is not followed; check the address")

    def _too_big(self, url: str) -> SourceError:
        return SourceError(url, f"the download is larger than the {_megabytes(self.max_bytes)} limit; "
                                "narrow the query (state, county) or raise HELPLINE_HTTP_MAX_BYTES")


@dataclass
class _Deadlines:
    answer: float  # monotonic time by which the headers must be in (HELPLINE_HTTP_DEADLINE)
    done: float  # ... and the whole download (HELPLINE_HTTP_DOWNLOAD_DEADLINE)

    def first(self) -> float:
        return min(self.answer, self.done)

    def until_answer(self) -> tuple[float, str]:
        # A second's grace: a silent server is the read timeout's (which retries within the
        # deadline); the watchdog is for one that keeps the read timeout from ever passing.
        return (self.answer + 1.0, "answer") if self.answer <= self.done else (self.done, "download")


class _Watchdog:
    """Calls `cut` when a deadline passes; `fired` then names it ("answer" or "download")."""

    def __init__(self, cut) -> None:
        self._cut = cut
        self._timer: threading.Timer | None = None
        self.fired = ""

    def arm(self, at: float, which: str) -> None:
        self.disarm()
        self._timer = threading.Timer(max(at - time.monotonic(), 0.0), self._fire, args=(which,))
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self, which: str) -> None:
        self.fired = which
        self._cut()


def _failure(url: str, exc: httpx.HTTPError, timeout: httpx.Timeout) -> Exception:
    """The SourceError (or _Retryable) an httpx error means for the person importing."""
    if isinstance(exc, httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return _Retryable(f"the server did not accept a connection within {timeout.connect:g} s")
        return _Retryable(f"the server did not answer within {round(timeout.read or 0, 1):g} s")
    if isinstance(exc, httpx.TooManyRedirects):
        return SourceError(url, f"the server redirects in a loop (more than {MAX_REDIRECTS} redirects), "
                                "which is not followed; check the address")
    if isinstance(exc, httpx.RemoteProtocolError):
        return _Retryable("the download was cut off before the end")
    if isinstance(exc, httpx.UnsupportedProtocol):
        # The address given was http(s) (the CLI checks), so this is where a redirect led.
        return SourceError(url, f"the server redirected to {_scheme(exc)}://…, which is not followed "
                                "(only http and https are); check the address")
    if isinstance(exc, httpx.ConnectError):
        tls = _tls_error(exc)
        if tls is not None:
            return SourceError(url, tls)
        return _Retryable(f"cannot connect ({_reason(exc)})")
    if isinstance(exc, httpx.TransportError):
        return _Retryable(f"the connection failed ({_reason(exc)})")
    return _Retryable(f"the download failed ({_reason(exc)})")


def _private_address(host: str, port: int) -> str | None:
    """The first private, loopback, link-local or otherwise non-public address `host` resolves
    to, else None (a name that does not resolve is left to fail as a connection error)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not address.is_global:
            return str(address)
    return None


_STEP = 1 << 20  # most bytes one step of decoding yields


def _decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body as it comes, decoded in steps of at most _STEP bytes, so that the caps and the
    deadline are checked between steps: httpx inflates each network read whole (64 KB of gzip
    can be 64 MB) and, given a chunk size, gathers that much before yielding anything."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        yield from response.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        yield from response.iter_bytes()  # not asked for (see Accept-Encoding); httpx decodes it
        return
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, told from the header
    started = False
    for raw in response.iter_raw():
        data = raw
        while data:
            try:
                out = inflater.decompress(data, _STEP)
            except zlib.error:
                if started or encoding != "deflate":
                    raise httpx.DecodingError("the compressed body does not decode") from None
                inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent raw, as some servers do
                continue
            started = True
            data = inflater.unconsumed_tail
            if out:
                yield out
    rest = inflater.flush()
    if rest:
        yield rest


class PageBounds:
    """The bounds of one paginated source: at most HELPLINE_HTTP_MAX_PAGES pages, and
    no page that brings nothing new. A server that ignores the page number, or declares a billion
    pages, would otherwise be paged until the byte cap, holding the import lock all the while."""

    def __init__(self) -> None:
        self.limit = settings.HTTP_MAX_PAGES.read()
        self.pages = 0
        self._seen: set[bytes] = set()  # a digest of every record seen

    def declared(self, total: int, where: str) -> None:
        if total > self.limit:
            raise SourceError(where, f"declares {total:,} pages, over the {self.limit:,}-page limit "
                                     "(HELPLINE_HTTP_MAX_PAGES); narrow the query or raise the setting")

    def page(self, number: int, items: list, where: str) -> None:
        """Count a page and its records; a page past the limit, or whose records all came on
        earlier pages, is a SourceError (an empty page is the caller's end of the source)."""
        self.pages += 1
        if self.pages > self.limit:
            raise SourceError(where, f"goes on past the {self.limit:,}-page limit "
                                     "(HELPLINE_HTTP_MAX_PAGES); narrow the query or raise the setting")
        digests = {hashlib.blake2b(json.dumps(item, sort_keys=True, default=str).encode(), digest_size=16).digest()
                   for item in items}
        if digests and digests <= self._seen:
            raise SourceError(where, f"page {number} brings only records of earlier pages (the server seems "
                                     "to ignore the page number), so paging stops; ask the publisher")
        self._seen |= digests


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
