"""The settings file `<home>/config.toml` is read through the one TOML reader: same error
class and message shape as call files and recipes, file named, and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketscout.errors import InputError
from marketscout.settings import load_settings


def test_config_file_values_and_environment_order(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        'cache_dir = "/tmp/ms-cache"\n[urls]\nBACI = "http://mirror.example/baci"\n',
        encoding="utf-8")
    settings = load_settings({"MARKETSCOUT_HOME": str(tmp_path)})
    assert settings.cache_dir == Path("/tmp/ms-cache")
    assert settings.url("baci", "default") == "http://mirror.example/baci"
    env = {"MARKETSCOUT_HOME": str(tmp_path), "MARKETSCOUT_BACI_URL": "http://env/baci",
           "MARKETSCOUT_CACHE": "/tmp/env-cache"}
    settings = load_settings(env)
    assert settings.url("baci", "default") == "http://env/baci"
    assert settings.cache_dir == Path("/tmp/env-cache")


def test_no_config_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings({"MARKETSCOUT_HOME": str(tmp_path)})
    assert settings.home == tmp_path and settings.urls == {}


@pytest.mark.parametrize("content", [b"urls = [\n", b"cache_dir = '\xff\xfe'\n"],
                         ids=["bad syntax", "not UTF-8"])
def test_bad_config_file_is_named_with_what_to_do(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_settings({"MARKETSCOUT_HOME": str(tmp_path)})
    assert err.value.what.startswith("The configuration file is not valid TOML: ")
    assert err.value.where == str(path)
    assert err.value.fix == "Fix the syntax or delete the file to use the defaults."
