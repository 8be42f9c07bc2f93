"""One settings object: defaults, then a TOML file, then environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from marketscout.tomlfile import read_toml

APP = "marketscout"


@dataclass(frozen=True)
class Settings:
    """Where marketscout keeps its data and where it fetches from."""

    home: Path
    cache_dir: Path
    urls: Mapping[str, str] = field(default_factory=dict)
    # the survey admin's password (MARKETSCOUT_ADMIN_PASSWORD or admin_password in the file);
    # the store keeps only a salted hash of it; kept out of repr so it never reaches a log
    admin_password: str | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return self.home / "marketscout.duckdb"

    def url(self, source: str, default: str) -> str:
        """The base URL for `source`: `MARKETSCOUT_<SOURCE>_URL` wins over the config file."""
        return self.urls.get(source.lower(), default)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from defaults, `<home>/config.toml`, then `MARKETSCOUT_*` variables."""
    env = os.environ if env is None else env
    home = Path(env.get("MARKETSCOUT_HOME") or platformdirs.user_data_dir(APP)).expanduser()
    config: dict[str, object] = {}
    config_file = home / "config.toml"
    if config_file.exists():
        config = read_toml(config_file, missing="The configuration file",
                           invalid="The configuration file",
                           fix_syntax="Fix the syntax or delete the file to use the defaults.")
    cache = Path(
        env.get("MARKETSCOUT_CACHE")
        or str(config.get("cache_dir", ""))
        or platformdirs.user_cache_dir(APP)
    ).expanduser()
    urls = {str(k).lower(): str(v) for k, v in dict(config.get("urls", {}) or {}).items()}  # type: ignore[call-overload]
    for key, value in env.items():
        if key.startswith("MARKETSCOUT_") and key.endswith("_URL"):
            urls[key[len("MARKETSCOUT_") : -len("_URL")].lower()] = value
    password = env.get("MARKETSCOUT_ADMIN_PASSWORD") or str(config.get("admin_password", ""))
    return Settings(home=home, cache_dir=cache, urls=urls, admin_password=password or None)
