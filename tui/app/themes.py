"""dalal's own light and dark themes, and persisting the chosen theme to config.toml.

The App registers `THEMES` with `register_theme` (Textual's theme switcher in the command
palette lists them beside its own). The chosen theme is written back to config.toml with
tomlkit, so the user's comments and layout survive, atomically under the file's lock.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from textual.theme import Theme

from tui.settings import config_file
from tui.store.atomic import atomic_write, locked, read_text

DALAL_DARK = Theme(
    name="dalal-dark",
    primary="#4EA1D3",
    secondary="#7E8CE0",
    accent="#F2A541",
    foreground="#E3E6EA",
    background="#10151B",
    surface="#18202A",
    panel="#1F2935",
    success="#3FB950",
    warning="#E3B341",
    error="#F85149",
    dark=True,
)
"""Dark: deep blue-grey ground, amber accent, green/red for up/down."""

DALAL_LIGHT = Theme(
    name="dalal-light",
    primary="#1F6FB2",
    secondary="#5A4FCF",
    accent="#B35C00",
    foreground="#1D232A",
    background="#F7F7F4",
    surface="#FFFFFF",
    panel="#E6E9EC",
    success="#1A7F37",
    warning="#9A6700",
    error="#CF222E",
    dark=False,
)
"""Light: paper ground, dark text, darker green/red that read on white."""

THEMES = (DALAL_DARK, DALAL_LIGHT)


class ConfigWriteError(OSError):
    """config.toml could not be updated (it does not parse, or the write failed)."""


def save_theme(name: str, path: Path | None = None) -> Path:
    """Set `theme = name` in config.toml, keeping everything else in the file as it was.

    Args:
        name: a theme name.
        path: the config file (default: `config_dir()/config.toml`).

    Returns:
        The file written.

    Raises:
        ConfigWriteError: when the existing file does not parse as TOML (it is left alone).
    """
    path = path or config_file()
    with locked(path):
        try:
            text = read_text(path)
            doc = tomlkit.parse(text) if text else tomlkit.document()
        except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
            raise ConfigWriteError(f"{path} is not valid TOML ({exc}); theme not saved") from exc
        if doc.get("theme") == name:
            return path
        doc["theme"] = name
        atomic_write(path, doc.as_string().encode("utf-8"))
    return path
