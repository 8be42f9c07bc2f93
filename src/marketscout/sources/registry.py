"""The publishers `marketscout data update` knows: one declarative entry per source.

A publisher module in `marketscout.sources` declares its entry at module level from the
declarative table `publishers.toml`:

    SOURCE = declare("worldbank", update)

(or `SOURCES = (declare(...), ...)`), and `sources()` finds it by importing every public
module (or package) of `marketscout.sources`, so adding a publisher never means editing
this file. The update
function receives an `UpdateContext` and yields `Parsed` results; the caller loads each one
into the store in its own transaction.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marketscout.errors import InputError, MarketscoutError
from marketscout.settings import Settings
from marketscout.sources import Parsed, publishers
from marketscout.sources._download import Timeouts, download

if TYPE_CHECKING:
    from rich.progress import Progress

Years = tuple[int, int]
# Public modules of marketscout.sources that declare no source (read by other layers).
NOT_PUBLISHERS = frozenset({"registry", "update", "publishers", "read", "table", "user",
                            "dsm_inputs", "crosswalk", "partial", "naturalearth",
                            "sdmx_fdi"})


@dataclass(frozen=True)
class UpdateContext:
    """What an update function may use: settings, options, and the downloader preset."""

    settings: Settings
    source: Source
    offline: bool = False
    years: Years | None = None
    file: Path | None = None  # a local file to parse instead of downloading (where supported)
    progress: bool | Progress = False
    timeout: Timeouts = field(default_factory=Timeouts)
    retries: int = 3
    backoff: float = 1.0

    @property
    def base_url(self) -> str:
        """The source's base URL: `MARKETSCOUT_<ID>_URL` or the config file, else the default."""
        return self.settings.url(self.source.id, self.source.default_url).rstrip("/")

    @property
    def url_overridden(self) -> bool:
        return self.source.id.lower() in self.settings.urls

    def file_url(self, name: str) -> str:
        """The URL of the publisher's file `name`: the base URL itself when it names a file
        (ends in a suffix such as .xlsx or .zip), else `<base URL>/<name>`."""
        last = self.base_url.rsplit("/", 1)[-1]
        has_suffix = "." in last and not last.startswith(".") and "/" in self.base_url[8:]
        return self.base_url if has_suffix else f"{self.base_url}/{name}"

    def download(self, url: str, dest_name: str, **options: Any) -> Path:
        """`_download.download` with this run's settings, offline flag, timeouts and retries."""
        preset: dict[str, Any] = {"settings": self.settings, "offline": self.offline,
                                  "progress": self.progress, "timeout": self.timeout,
                                  "retries": self.retries, "backoff": self.backoff}
        return download(url, dest_name, **(preset | options))


UpdateFunction = Callable[[UpdateContext], Iterable[Parsed]]


@dataclass(frozen=True)
class Source:
    """One publisher's entry: who, where from, under which licence, and how to update it."""

    id: str  # the CLI word (`marketscout data update worldbank`) and MARKETSCOUT_<ID>_URL
    name: str
    publisher: str
    default_url: str
    licence: str
    update: UpdateFunction
    note: str = ""
    downloadable: bool = True  # False: import only (IMD); skipped by --all
    accepts_file: bool = False  # True: `--file PATH` parses a local copy instead
    needs_url: bool = False  # True: no default download (GII); --all skips it unless set

    @property
    def env_var(self) -> str:
        return f"MARKETSCOUT_{self.id.upper()}_URL"

    def skip_reason(self, settings: Settings) -> str:
        """Why `data update --all` leaves this source out ("" when it is updated)."""
        if not self.downloadable:
            return self.note
        if self.needs_url and self.id.lower() not in settings.urls:
            return (f"{self.note} Skipped by --all until {self.env_var} (or [urls] "
                    f"{self.id} in config.toml) names the file.")
        return ""


def declare(source_id: str, update: UpdateFunction, *, default_url: str | None = None) -> Source:
    """A source from its `[source.<id>]` entry in publishers.toml and its update function."""
    facts = publishers.source_facts(source_id)
    return Source(
        id=source_id, name=facts["name"], publisher=facts["publisher"],
        default_url=default_url if default_url is not None else facts.get("url", ""),
        licence=facts["licence"], update=update, note=facts.get("note", ""),
        downloadable=bool(facts.get("downloadable", True)),
        accepts_file=bool(facts.get("accepts_file", False)),
        needs_url=bool(facts.get("needs_url", False)),
    )


def sources() -> dict[str, Source]:
    """Every declared source by id, in the summary table's order."""
    import marketscout.sources as package

    found: dict[str, Source] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in NOT_PUBLISHERS:
            continue
        try:
            module = importlib.import_module(f"marketscout.sources.{info.name}")
        except Exception as exc:  # one broken connector must not hide the others
            found[info.name] = _broken(info.name, exc)
            continue
        declared = getattr(module, "SOURCES", ())
        single = getattr(module, "SOURCE", None)
        for entry in (*declared, *([single] if single is not None else [])):
            if isinstance(entry, Source):
                found[entry.id] = entry
    # the order of publishers.toml, then any others by id
    rank = {name: i for i, name in enumerate(publishers.source_ids())}
    return dict(sorted(found.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def _broken(module: str, exc: Exception) -> Source:
    """A stand-in for a connector module that cannot be imported: updating it says why."""
    message = f"The connector module marketscout.sources.{module} cannot be imported: {exc!r}"

    def fail(ctx: UpdateContext) -> Iterable[Parsed]:
        raise MarketscoutError(message, where=f"marketscout/sources/{module}.py",
                               fix="This is a bug or a broken installation; please report it.")

    return Source(id=module, name=f"(broken) {module}", publisher="?", default_url="",
                  licence="", update=fail, note=message, downloadable=False)


def get(source_id: str) -> Source:
    """The source named `source_id` (case-insensitive), or an error listing the known ones."""
    known = sources()
    found = known.get(source_id.strip().lower())
    if found is None:
        raise InputError(
            f"Unknown source {source_id!r}.",
            where="marketscout data update SOURCE",
            fix=f"Use one of: {', '.join(known)} (or --all).",
        )
    return found


def parse_years(text: str | None) -> Years | None:
    """'2016-2021' -> (2016, 2021); '2021' -> (2021, 2021); None stays None."""
    if text is None or not text.strip():
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-:]\s*(\d{4})\s*)?", text)
    if not match:
        raise InputError(
            f"Not a year range: {text!r}.",
            where="--years",
            fix="Write one year (2021) or a range (2016-2021).",
        )
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        raise InputError(f"The range {text!r} runs backwards.", where="--years",
                         fix=f"Write {last}-{first}.")
    return first, last
