"""config.toml: defaults, types, unknown keys, DALAL_SOURCE, and [analytics] overrides."""

from pathlib import Path

import pytest

from tui.market.params import DEFAULT, params_from
from tui.settings import SettingsError, load_settings


def test_missing_file_gives_defaults_and_env_source(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "config.toml")
    assert s.source == "demo"  # DALAL_SOURCE from the test environment
    assert s.segment == "small"


def test_values_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('segment = "mid"\nrefresh = 30\n[analytics]\nsectors_min_members = 8\n')
    s = load_settings(path)
    assert (s.segment, s.refresh) == ("mid", 30)
    assert params_from(s.analytics).sectors_min_members == 8
    path.write_text("refresh = 'soon'\n")
    with pytest.raises(SettingsError, match="key 'refresh' must be an integer"):
        load_settings(path)
    path.write_text("colour = 'red'\n")
    with pytest.raises(SettingsError, match="unknown key 'colour'"):
        load_settings(path)
    path.write_text("segment = 'micro'\n")
    with pytest.raises(SettingsError, match="segment"):
        load_settings(path)
    path.write_text("segment = \n")
    with pytest.raises(SettingsError, match="cannot read config"):
        load_settings(path)


def test_analytics_overrides_are_checked() -> None:
    assert params_from({}) == DEFAULT
    assert params_from({"weights": [0.25, 0.25, 0.25, 0.25]}).weights == (0.25,) * 4
    with pytest.raises(ValueError, match=r"unknown key 'analytics\.nope'"):
        params_from({"nope": 1})
    with pytest.raises(ValueError, match="must be 4 numbers"):
        params_from({"weights": [1, 2]})
    with pytest.raises(ValueError, match="must be an integer"):
        params_from({"movers_top": 2.5})
    with pytest.raises(ValueError, match="true or false"):
        params_from({"use_partial_bars": 1})
