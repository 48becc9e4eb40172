"""Where dalal keeps its config, user data and cache: the only caller of platformdirs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs


def config_dir() -> Path:
    """Where config.toml and saved screens live."""
    return _resolve("DALAL_CONFIG_DIR", platformdirs.user_config_path)


def data_dir() -> Path:
    """Where watchlists live."""
    return _resolve("DALAL_DATA_DIR", platformdirs.user_data_path)


def cache_dir() -> Path:
    """Where fetched data and the expanded demo snapshot live."""
    return _resolve("DALAL_CACHE_DIR", platformdirs.user_cache_path)


def _resolve(variable: str, default: Callable[..., Path]) -> Path:
    override = os.environ.get(variable)
    return Path(override) if override else default("dalal", appauthor=False)
