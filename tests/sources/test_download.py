"""The downloader against a local server that misbehaves: each fault ends in success or a
clear error, and the cache never holds a damaged file under its real name."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import zipfile
from pathlib import Path

import pytest

from marketscout.errors import DownloadError
from marketscout.settings import Settings
from marketscout.sources._download import Timeouts, cache_path, download
from sources.http_server import Fault, LocalServer

FAST = {"backoff": 0.01, "progress": False, "timeout": Timeouts(connect=2, read=2)}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", cache_dir=tmp_path / "cache")


def big_body(size: int = 1_500_000) -> bytes:
    """Deterministic, incompressible-ish bytes, so offsets in a resumed file are checkable."""
    out = bytearray()
    block = b"seed"
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def leftovers(settings: Settings) -> list[str]:
    return sorted(p.name for p in Path(settings.cache_dir).rglob("*") if p.is_file())


def test_plain_download_lands_in_the_cache(http_server: LocalServer, settings: Settings) -> None:
    url = http_server.put("data/table.csv", "a,b\n1,2\n")
    path = download(url, "demo/table.csv", settings=settings, **FAST)
    assert path == Path(settings.cache_dir) / "demo" / "table.csv"
    assert path.read_text() == "a,b\n1,2\n"
    assert leftovers(settings) == ["table.csv"]  # no .part or validator left behind


def test_progress_bar_does_not_change_the_result(http_server: LocalServer,
                                                 settings: Settings) -> None:
    url = http_server.put("big.bin", big_body(300_000))
    path = download(url, "big.bin", settings=settings, backoff=0.01, progress=True)
    assert path.read_bytes() == big_body(300_000)


def test_500_then_success_is_retried_and_logged(
    http_server: LocalServer, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    http_server.fault("t.csv", Fault.ERROR_500)
    with caplog.at_level(logging.WARNING, logger="marketscout.download"):
        path = download(url, "t.csv", settings=settings, **FAST)
    assert path.read_text() == "x\n1\n"
    assert [r.status for r in http_server.hits("t.csv")] == [500, 200]
    assert "HTTP 500" in caplog.text and "retry 1 of 3" in caplog.text


def test_persistent_5xx_gives_up_after_the_retries(http_server: LocalServer,
                                                   settings: Settings) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    http_server.fault("t.csv", Fault.ERROR_503, times=10)
    with pytest.raises(DownloadError) as caught:
        download(url, "t.csv", settings=settings, retries=2, **FAST)
    assert len(http_server.hits("t.csv")) == 3  # the first attempt and two retries
    assert caught.value.where == url
    assert "3 attempts" in caught.value.what and "503" in caught.value.what
    assert "resume" in (caught.value.fix or "")
    assert not cache_path("t.csv", settings).exists()


def test_404_is_not_retried(http_server: LocalServer, settings: Settings) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    http_server.fault("t.csv", Fault.NOT_FOUND, times=5)
    with pytest.raises(DownloadError, match="HTTP 404") as caught:
        download(url, "t.csv", settings=settings, **FAST)
    assert len(http_server.hits("t.csv")) == 1
    assert caught.value.where == url and "URL" in (caught.value.fix or "")


def test_body_cut_short_resumes_with_range(http_server: LocalServer, settings: Settings) -> None:
    body = big_body(400_000)
    url = http_server.put("cut.bin", body)
    http_server.fault("cut.bin", Fault.CUT_SHORT)
    path = download(url, "cut.bin", settings=settings, expected_size=len(body), **FAST)
    assert path.read_bytes() == body
    first, second = http_server.hits("cut.bin")
    assert "range" not in first.headers
    assert second.headers["range"] == "bytes=200000-" and second.status == 206
    assert second.headers["if-range"].startswith('"')  # the ETag of the first answer


def test_reset_in_the_middle_of_a_large_file_resumes(http_server: LocalServer,
                                                     settings: Settings) -> None:
    body = big_body()
    url = http_server.put("baci/BACI_HS92_V202401.zip", body)
    http_server.fault("baci/BACI_HS92_V202401.zip", Fault.RESET, at=600_000)
    sha = hashlib.sha256(body).hexdigest()
    path = download(url, "baci/x.bin", settings=settings, sha256=sha, **FAST)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    first, second = http_server.hits("baci/BACI_HS92_V202401.zip")
    assert first.status == 200
    start = int(second.headers["range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < start <= 600_000 and second.status == 206


def test_server_ignoring_range_restarts_from_the_first_byte(http_server: LocalServer,
                                                            settings: Settings) -> None:
    body = big_body(400_000)
    url = http_server.put("f.bin", body)
    http_server.fault("f.bin", Fault.CUT_SHORT)
    http_server.fault("f.bin", Fault.IGNORE_RANGE)
    path = download(url, "f.bin", settings=settings, **FAST)
    assert path.read_bytes() == body
    assert [r.status for r in http_server.hits("f.bin")] == [200, 200]
    assert "range" in http_server.hits("f.bin")[1].headers


def test_partial_file_from_an_earlier_run_is_resumed(http_server: LocalServer,
                                                     settings: Settings) -> None:
    body = big_body(400_000)
    url = http_server.put("f.bin", body)
    http_server.fault("f.bin", Fault.CUT_SHORT)
    with pytest.raises(DownloadError, match="1 attempts"):
        download(url, "f.bin", settings=settings, retries=0, **FAST)
    assert leftovers(settings) == ["f.bin.part", "f.bin.part.json"]
    path = download(url, "f.bin", settings=settings, **FAST)
    assert path.read_bytes() == body
    assert http_server.hits("f.bin")[1].headers["range"] == "bytes=200000-"
    assert leftovers(settings) == ["f.bin"]


def test_changed_file_is_not_glued_to_an_old_partial(http_server: LocalServer,
                                                     settings: Settings) -> None:
    url = http_server.put("f.bin", big_body(400_000))
    http_server.fault("f.bin", Fault.CUT_SHORT)
    with pytest.raises(DownloadError):
        download(url, "f.bin", settings=settings, retries=0, **FAST)
    new = big_body(500_000)[::-1]  # the publisher replaced the file meanwhile
    http_server.put("f.bin", new)
    assert download(url, "f.bin", settings=settings, **FAST).read_bytes() == new
    assert http_server.hits("f.bin")[1].status == 200  # If-Range did not match: whole file


def test_corrupted_zip_is_refused_and_the_old_cache_kept(http_server: LocalServer,
                                                         settings: Settings) -> None:
    good = zip_bytes({"a.csv": big_body(100_000)})
    url = http_server.put("a.zip", good)
    assert download(url, "a.zip", settings=settings, **FAST).read_bytes() == good
    http_server.fault("a.zip", Fault.CORRUPT)
    with pytest.raises(DownloadError, match="damaged or incomplete") as caught:
        download(url, "a.zip", settings=settings, **FAST)
    assert caught.value.where == url
    assert cache_path("a.zip", settings).read_bytes() == good
    assert leftovers(settings) == ["a.zip"]


def test_truncated_gzip_is_refused(http_server: LocalServer, settings: Settings) -> None:
    whole = gzip.compress(big_body(50_000))
    url = http_server.put("d.csv.gz", whole[:-100])  # served completely, but cut at the source
    with pytest.raises(DownloadError, match="not a complete gzip file"):
        download(url, "d.csv.gz", settings=settings, **FAST)


def test_html_error_page_with_status_200_is_refused(http_server: LocalServer,
                                                    settings: Settings) -> None:
    url = http_server.put("data.csv", "a,b\n1,2\n")
    http_server.fault("data.csv", Fault.HTML_200)
    with pytest.raises(DownloadError, match="web page") as caught:
        download(url, "data.csv", settings=settings, **FAST)
    assert caught.value.where == url and "browser" in (caught.value.fix or "")
    assert len(http_server.hits("data.csv")) == 1
    assert not cache_path("data.csv", settings).exists()


def test_html_is_accepted_when_html_is_asked_for(http_server: LocalServer,
                                                 settings: Settings) -> None:
    url = http_server.put("page.html", "<!DOCTYPE html><html></html>")
    assert download(url, "page.html", settings=settings, **FAST).exists()


def test_slow_answer_times_out_then_succeeds(http_server: LocalServer,
                                             settings: Settings) -> None:
    url = http_server.put("t.json", '{"ok": 1}')
    http_server.fault("t.json", Fault.SLOW, delay=3)
    path = download(url, "t.json", settings=settings, backoff=0.01, progress=False,
                    timeout=(1, 0.3))
    assert path.read_text() == '{"ok": 1}'
    assert len(http_server.hits("t.json")) == 2


def test_always_slow_answer_is_a_clear_error(http_server: LocalServer,
                                             settings: Settings) -> None:
    url = http_server.put("t.json", '{"ok": 1}')
    http_server.fault("t.json", Fault.SLOW, delay=3, times=5)
    with pytest.raises(DownloadError, match="timed out") as caught:
        download(url, "t.json", settings=settings, retries=1, backoff=0.01, progress=False,
                 timeout=(1, 0.3))
    assert caught.value.where == url
    assert len(http_server.hits("t.json")) == 2


def test_invalid_json_is_refused(http_server: LocalServer, settings: Settings) -> None:
    url = http_server.put("t.json", '{"cut": ')
    with pytest.raises(DownloadError, match="not valid JSON"):
        download(url, "t.json", settings=settings, **FAST)


def test_size_and_sha256_are_checked(http_server: LocalServer, settings: Settings) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    with pytest.raises(DownloadError, match="4 bytes received, 5 expected"):
        download(url, "t.csv", settings=settings, expected_size=5, **FAST)
    with pytest.raises(DownloadError, match="sha256"):
        download(url, "t.csv", settings=settings, sha256="0" * 64, **FAST)
    assert not cache_path("t.csv", settings).exists()


def test_cached_file_with_matching_sha256_is_reused(http_server: LocalServer,
                                                    settings: Settings) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    sha = hashlib.sha256(b"x\n1\n").hexdigest()
    download(url, "t.csv", settings=settings, sha256=sha, **FAST)
    download(url, "t.csv", settings=settings, sha256=sha, **FAST)
    assert len(http_server.hits("t.csv")) == 1


def test_offline_uses_only_the_cache(http_server: LocalServer, settings: Settings) -> None:
    url = http_server.put("t.csv", "x\n1\n")
    with pytest.raises(DownloadError, match="not in the cache") as caught:
        download(url, "w/t.csv", settings=settings, offline=True, **FAST)
    assert str(cache_path("w/t.csv", settings)) in (caught.value.where or "")
    assert "without --offline" in (caught.value.fix or "")
    download(url, "w/t.csv", settings=settings, **FAST)
    again = download(url, "w/t.csv", settings=settings, offline=True, **FAST)
    assert again.read_text() == "x\n1\n"
    assert len(http_server.hits("t.csv")) == 1  # the offline calls made no request


def test_connection_refused_is_a_clear_error(settings: Settings) -> None:
    with LocalServer(Path(settings.cache_dir).parent / "gone") as server:
        url = server.url + "/t.csv"
    with pytest.raises(DownloadError, match="2 attempts") as caught:
        download(url, "t.csv", settings=settings, retries=1, **FAST)
    assert caught.value.where == url


@pytest.mark.parametrize("name", ["../escape.csv", "/abs/path.csv", ""])
def test_cache_names_cannot_escape_the_cache(settings: Settings, name: str) -> None:
    with pytest.raises(DownloadError, match="Invalid cache name"):
        cache_path(name, settings)


def test_partial_longer_than_the_file_starts_over(http_server: LocalServer,
                                                  settings: Settings) -> None:
    body = big_body(1000)
    url = http_server.put("f.bin", body)
    download(url, "f.bin", settings=settings, **FAST)
    etag = http_server.hits("f.bin")[0].headers.get("if-range")  # none sent the first time
    assert etag is None
    final = cache_path("f.bin", settings)
    # a partial from an earlier run, longer than the file, with the file's current ETag
    current = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    final.with_name("f.bin.part").write_bytes(b"x" * 5000)
    final.with_name("f.bin.part.json").write_text(json.dumps({"url": url,
                                                              "validator": current}))
    final.unlink()
    assert download(url, "f.bin", settings=settings, **FAST).read_bytes() == body
    assert [r.status for r in http_server.hits("f.bin")][1:] == [416, 200]


def test_test_server_is_bounded(tmp_path: Path, settings: Settings) -> None:
    with LocalServer(tmp_path / "www", max_requests=2) as server:
        url = server.put("t.csv", "x\n1\n")
        download(url, "a.csv", settings=settings, **FAST)
        download(url, "b.csv", settings=settings, **FAST)
        with pytest.raises(DownloadError, match="503"):
            download(url, "c.csv", settings=settings, retries=1, **FAST)
    assert [r.status for r in server.requests] == [200, 200, 503, 503]


def test_unwritable_cache_is_a_clear_error(http_server: LocalServer, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    settings = Settings(home=tmp_path, cache_dir=blocker)
    url = http_server.put("t.csv", "x\n1\n")
    with pytest.raises(DownloadError, match="Cannot write to the download cache") as caught:
        download(url, "w/t.csv", settings=settings, **FAST)
    assert "MARKETSCOUT_CACHE" in (caught.value.fix or "")
