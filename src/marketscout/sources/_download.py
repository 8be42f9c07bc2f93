"""The one downloader: temp file, verify, atomic move into the cache (after pooch's habits).

Every publisher's file goes through `download`. A download streams into `<name>.part` beside
its final place in the cache folder, resumes with an HTTP Range request after a dropped
connection, retries 5xx answers and timeouts with exponential back-off (never other 4xx), is
verified (size, sha256, zip/gzip integrity, no HTML error page in place of data) and only
then moved into place, so the cache never holds half a file under its real name.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import ssl
import time
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from marketscout import __version__
from marketscout.errors import DownloadError
from marketscout.settings import Settings

if TYPE_CHECKING:  # httpx loads on the first download, not with every reader (~0.1 s)
    import httpx

log = logging.getLogger("marketscout.download")

USER_AGENT = f"marketscout/{__version__} (+https://github.com/marketscout/marketscout)"
# Above this size a zip is checked through its central directory only; its members' CRCs
# are still checked by zipfile when a parser reads them (a mismatch raises BadZipFile).
FULL_ZIP_CHECK_LIMIT = 256 * 1024 * 1024
# Retried besides 5xx: 408 (request timeout) and 429 (too many requests) are transient by
# definition (RFC 9110 15.5.9, RFC 6585 4); every other 4xx is an error at once.
RETRY_4XX = {408, 429}
MAX_BACKOFF = 60.0
TEXT_KINDS = {"json", "csv", "txt", "tsv", "xml"}


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and between two chunks of an answer."""

    connect: float = 10.0
    read: float = 60.0


class _RetryableError(Exception):
    """An attempt failed in a way worth repeating (5xx, timeout, dropped connection)."""


class _RestartError(_RetryableError):
    """The partial file cannot be resumed (416, or a 206 at the wrong offset): start over."""


def cache_path(dest_name: str, settings: Settings) -> Path:
    """Where `dest_name` (a relative path such as 'worldbank/country.json') lives in the cache."""
    parts = PurePosixPath(dest_name).parts
    if not parts or PurePosixPath(dest_name).is_absolute() or ".." in parts:
        raise DownloadError(
            f"Invalid cache name {dest_name!r}.",
            fix="Use a relative name without '..'; this is a bug in the connector.",
        )
    return Path(settings.cache_dir).joinpath(*parts)


def retrieved_on(path: Path) -> str:
    """The date a cached file was downloaded (its modification time), as YYYY-MM-DD."""
    return date.fromtimestamp(Path(path).stat().st_mtime).isoformat()


def download(
    url: str,
    dest_name: str,
    *,
    settings: Settings,
    expected_size: int | None = None,
    sha256: str | None = None,
    kind: str | None = None,
    offline: bool = False,
    progress: bool | Progress = True,
    timeout: Timeouts | tuple[float, float] = Timeouts(),
    retries: int = 3,
    backoff: float = 1.0,
    params: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
) -> Path:
    """Fetch `url` into the cache as `dest_name` and return its path, verified.

    `kind` is what the body must be ('zip', 'gz', 'json', 'csv', 'xlsx', ...; default: the
    suffix of `dest_name`). With a known `sha256`, a matching cached file is reused without a
    request. `offline=True` uses only the cache. `retries` repeats failed attempts after the
    first, waiting `backoff * 2**n` seconds.
    """
    final = cache_path(dest_name, settings)
    kind = (kind or final.suffix.lstrip(".") or "binary").lower()
    import httpx

    full_url = str(httpx.URL(url, params=params)) if params else url
    if offline:
        return _from_cache(final, full_url, sha256)
    if sha256 and final.exists() and _sha256(final) == sha256.lower():
        log.info("using cached %s (sha256 matches)", final)
        return final
    limits = timeout if isinstance(timeout, Timeouts) else Timeouts(*timeout)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with _client(client, limits) as http, _progress(progress) as bars:
            _fetch(http, full_url, final, retries=retries, backoff=backoff, bars=bars)
    except OSError as exc:  # the cache folder is not writable, or the disk is full
        raise DownloadError(f"Cannot write to the download cache: {exc}", where=str(final),
                            fix="Free some disk space, or point MARKETSCOUT_CACHE at a "
                            "writable folder.") from exc
    return _install(final, full_url, kind=kind, expected_size=expected_size, sha256=sha256)


def _install(final: Path, url: str, *, kind: str, expected_size: int | None,
             sha256: str | None) -> Path:
    """Verify the complete partial file, then move it into place (atomic on one filesystem)."""
    part = _part(final)
    try:
        _verify(part, url, kind=kind, expected_size=expected_size, sha256=sha256)
    except DownloadError:
        part.unlink(missing_ok=True)  # a complete but wrong file cannot be resumed
        raise
    finally:
        _validator_file(final).unlink(missing_ok=True)
    part.replace(final)
    return final


def _from_cache(final: Path, url: str, sha256: str | None) -> Path:
    if not final.exists():
        raise DownloadError(
            "Offline, and this file is not in the cache.",
            where=f"{final} (from {url})",
            fix="Run the update once without --offline while online, or copy the file to "
            "that path.",
        )
    if sha256 and _sha256(final) != sha256.lower():
        raise DownloadError(
            "The cached file does not match its expected sha256.",
            where=str(final),
            fix="Delete the file and run the update again while online.",
        )
    return final


@contextmanager
def _client(client: httpx.Client | None, limits: Timeouts) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    import httpx

    timeout = httpx.Timeout(connect=limits.connect, read=limits.read, write=limits.read,
                            pool=limits.connect)
    with httpx.Client(timeout=timeout, follow_redirects=True, verify=_tls(),
                      headers={"User-Agent": USER_AGENT}) as owned:
        yield owned


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs ~0.1 s, a client ~0.02 s."""
    import httpx

    return httpx.create_ssl_context()


@contextmanager
def _progress(progress: bool | Progress) -> Iterator[Progress | None]:
    if isinstance(progress, Progress):
        yield progress
        return
    if not progress:
        yield None
        return
    bars = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TransferSpeedColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)
    with bars:
        yield bars


def _fetch(http: httpx.Client, url: str, final: Path, *, retries: int, backoff: float,
           bars: Progress | None) -> None:
    """Stream into the partial file, retrying (and resuming) up to `retries` times."""
    task = bars.add_task(final.name, total=None) if bars is not None else None
    try:
        for attempt in range(retries + 1):
            try:
                # a partial file from this call may always be resumed; one left by an
                # earlier run only when its ETag/Last-Modified was saved (sent as If-Range)
                _attempt(http, url, final, bars, task, same_call=attempt > 0)
                return
            except _RetryableError as exc:
                if attempt == retries:
                    raise DownloadError(
                        f"Download failed after {retries + 1} attempts: {exc}",
                        where=url,
                        fix="Check your connection and try again later; the part already "
                        "downloaded is kept and the next run resumes it. Use --offline to "
                        "work from the cache, or set MARKETSCOUT_<SOURCE>_URL to a mirror.",
                    ) from exc
                wait = min(backoff * 2**attempt, MAX_BACKOFF)
                log.warning("%s: %s; retry %d of %d in %.1f s", url, exc, attempt + 1,
                            retries, wait)
                time.sleep(wait)
    finally:
        if bars is not None and task is not None:
            bars.remove_task(task)


def _attempt(http: httpx.Client, url: str, final: Path, bars: Progress | None,
             task: object, *, same_call: bool) -> None:
    """One GET: from the start, or from the end of the partial file with a Range request."""
    import httpx

    part = _part(final)
    have = part.stat().st_size if part.exists() else 0
    validator = _load_validator(final, url) if have else None
    # identity encoding: byte offsets in Range must count the bytes stored on disk
    headers = {"Accept-Encoding": "identity"}
    if have and (validator or same_call):
        headers["Range"] = f"bytes={have}-"
        if validator:
            headers["If-Range"] = validator
    try:
        with http.stream("GET", url, headers=headers) as response:
            offset = _start_offset(response, url, have if "Range" in headers else 0)
            _save_validator(final, url, response)
            total = _total_size(response, offset)
            if bars is not None:
                bars.update(task, total=total, completed=offset)  # type: ignore[arg-type]
            _write_body(response, part, offset, bars, task)
    except _RestartError:
        part.unlink(missing_ok=True)
        _validator_file(final).unlink(missing_ok=True)
        raise
    except httpx.TimeoutException as exc:
        raise _RetryableError(f"timed out ({type(exc).__name__})") from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise _RetryableError(f"connection dropped ({exc or type(exc).__name__})") from exc
    got = part.stat().st_size
    if total is not None and got < total:
        raise _RetryableError(f"body cut short: {got} of {total} bytes")


def _start_offset(response: httpx.Response, url: str, have: int) -> int:
    """Where the body starts in the file: 0, or `have` for a matching 206 answer."""
    status = response.status_code
    if status == 206 and have:
        first = response.headers.get("Content-Range", "").removeprefix("bytes ").split("-")[0]
        if first.strip() == str(have):
            return have
        log.warning("%s: unexpected Content-Range %r; starting again", url,
                    response.headers.get("Content-Range"))
        raise _RestartError("the server resumed at the wrong offset")
    if status == 416:  # the partial file is no prefix of the current one: start again
        raise _RestartError("the server refused to resume (416)")
    if status >= 500 or status in RETRY_4XX:
        raise _RetryableError(f"HTTP {status} {response.reason_phrase}")
    if status >= 400:
        raise DownloadError(
            f"The server answered HTTP {status} {response.reason_phrase}.",
            where=url,
            fix="Check the URL (or the MARKETSCOUT_<SOURCE>_URL variable that set it); "
            "the publisher may have moved the file.",
        )
    if status != 200 and status != 206:
        raise _RetryableError(f"unexpected HTTP {status}")
    if have:  # a server that ignores Range sends the whole file with 200
        log.info("%s: the server ignored the Range request; downloading from the start", url)
    return 0


def _total_size(response: httpx.Response, offset: int) -> int | None:
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.isdigit() else None


def _write_body(response: httpx.Response, part: Path, offset: int, bars: Progress | None,
                task: object) -> None:
    mode = "r+b" if offset else "wb"
    with part.open(mode) as fh:
        fh.seek(offset)
        fh.truncate()
        # no chunk_size: every piece is written as it arrives, so nothing received is lost
        # when the connection drops (a re-chunking buffer would drop its tail)
        for chunk in response.iter_raw():
            fh.write(chunk)
            if bars is not None:
                bars.advance(task, len(chunk))  # type: ignore[arg-type]


def _part(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def _validator_file(final: Path) -> Path:
    return final.with_name(final.name + ".part.json")


def _save_validator(final: Path, url: str, response: httpx.Response) -> None:
    """Remember the ETag (or Last-Modified) so a resume asks for the same version of the file."""
    if response.status_code == 206:
        return
    value = response.headers.get("ETag") or response.headers.get("Last-Modified")
    target = _validator_file(final)
    if value and not value.startswith("W/"):  # weak ETags cannot be used with If-Range
        target.write_text(json.dumps({"url": url, "validator": value}), encoding="utf-8")
    else:
        target.unlink(missing_ok=True)


def _load_validator(final: Path, url: str) -> str | None:
    """The validator of the partial file, if it came from this URL (else start over)."""
    try:
        saved = json.loads(_validator_file(final).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(saved["validator"]) if saved.get("url") == url else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(path: Path, url: str, *, kind: str, expected_size: int | None,
            sha256: str | None) -> None:
    """Raise DownloadError unless the downloaded file is what was asked for."""
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        _bad(url, f"{size} bytes received, {expected_size} expected")
    if kind != "html" and _looks_like_html(path):
        raise DownloadError(
            "The server sent a web page (HTML) instead of the data file.",
            where=url,
            fix="Open the URL in a browser: the publisher may be down for maintenance, ask "
            "for a login, or have moved the file. Try again later or set the source's "
            "MARKETSCOUT_<SOURCE>_URL.",
        )
    if sha256 and _sha256(path) != sha256.lower():
        _bad(url, f"sha256 {_sha256(path)} instead of {sha256.lower()}")
    if kind in ("zip", "xlsx", "xlsm"):
        _check_zip(path, url, full=size <= FULL_ZIP_CHECK_LIMIT)
    elif kind == "gz":
        _check_gzip(path, url)
    elif kind == "json":
        _check_json(path, url)


def _bad(url: str, detail: str) -> None:
    raise DownloadError(
        f"The downloaded file is damaged or incomplete ({detail}).",
        where=url,
        fix="Run the update again; if it fails again, the publisher's file may have changed: "
        "report it, or download it by hand and import it.",
    )


def _looks_like_html(path: Path) -> bool:
    """An HTML error page served with status 200 instead of data (a common publisher habit)."""
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _check_zip(path: Path, url: str, *, full: bool) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip() if full else None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        _bad(url, f"not a readable zip archive: {exc}")
    if broken is not None:
        _bad(url, f"zip member {broken!r} fails its CRC check")


def _check_gzip(path: Path, url: str) -> None:
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as exc:
        _bad(url, f"not a complete gzip file: {exc}")


def _check_json(path: Path, url: str) -> None:
    try:
        json.loads(path.read_bytes())
    except ValueError as exc:
        _bad(url, f"not valid JSON: {exc}")


__all__ = ["Timeouts", "cache_path", "download", "retrieved_on"]
