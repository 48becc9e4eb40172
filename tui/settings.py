"""config.toml: dalal's settings as one frozen value (design.md §1 keys).

Precedence everywhere: command-line option, then environment variable, then config.toml, then
the default. A wrong key or type is one sentence naming the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from tui.paths import config_dir

SOURCES = ("auto", "demo", "nse", "bse", "yahoo")
LIVE_SOURCES = ("nse", "bse", "yahoo")
SEGMENTS = ("small", "mid", "large")
_KIND: dict[type, str] = {
    str: "a string", int: "an integer", float: "a number", bool: "true or false",
    dict: "a table", list: "a list",
}  # fmt: skip


class SettingsError(ValueError):
    """config.toml is unreadable or holds a wrong key or type."""


@dataclass(frozen=True)
class Settings:
    """The settings dalal runs with."""

    source: str = "auto"
    """demo, folder:PATH, nse, bse, yahoo or auto."""
    live_source: str = "nse"
    """The live source `auto` uses."""
    segment: str = "small"
    """The dashboard's segment: small, mid or large."""
    refresh: int = 60
    """Seconds between refreshes while the market is open."""
    theme: str = "textual-dark"
    """The TUI theme."""
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → key."""
    http: dict[str, Any] = field(default_factory=dict)
    """Timeouts, retry base delay, Retry-After cap, breaker cool-down."""
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-source base_url, rps, in_flight."""
    analytics: dict[str, Any] = field(default_factory=dict)
    """Overrides of tui.market.params.Params."""


def config_file() -> Path:
    """The config.toml path."""
    return config_dir() / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml (missing file → defaults) and apply DALAL_SOURCE."""
    path = path or config_file()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read config: {exc}") from exc
    known = {f.name: f for f in fields(Settings)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"{path}: unknown key '{key}'")
        default = getattr(Settings(), key)
        if not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(
            default, bool
        ):
            raise SettingsError(
                f"{path}: key '{key}' must be {_KIND[type(default)]}, "
                f"not {_KIND.get(type(value), type(value).__name__)}"
            )
        kwargs[key] = value
    settings = Settings(**kwargs)
    _check(settings, path)
    env_source = os.environ.get("DALAL_SOURCE")
    if env_source:
        settings = replace(settings, source=env_source)
    return settings


def _check(settings: Settings, path: Path) -> None:
    if not (settings.source in SOURCES or settings.source.startswith("folder:")):
        raise SettingsError(
            f"{path}: key 'source' must be one of {', '.join(SOURCES)} or folder:PATH"
        )
    if settings.live_source not in LIVE_SOURCES:
        raise SettingsError(f"{path}: key 'live_source' must be one of {', '.join(LIVE_SOURCES)}")
    if settings.segment not in SEGMENTS:
        raise SettingsError(f"{path}: key 'segment' must be one of {', '.join(SEGMENTS)}")
    if settings.refresh < 5:
        raise SettingsError(f"{path}: key 'refresh' must be at least 5 seconds")
