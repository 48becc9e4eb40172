"""Command line entry point: the TUI and the headless commands (design.md §4).

Global options (--source, --as-of) go before the subcommand and also work after it; given in
both places, the one after the subcommand wins. Errors are one sentence on stderr and a non-zero
exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui import __version__

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing failure: printed as one sentence, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, no usage dump
        raise CliError(message)


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        default=argparse.SUPPRESS,
        help="demo, folder:PATH, nse, bse, yahoo or auto (default: config, then auto)",
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        default=argparse.SUPPRESS,
        help="recompute everything with data up to this date (YYYY-MM-DD)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree of every command."""
    parser = _Parser(prog="dalal", description="A terminal stock screener.")
    parser.add_argument("--version", action="version", version=f"dalal {__version__}")
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    summary = sub.add_parser("summary", help="the dashboard's figures as text or JSON")
    _global_options(summary)
    summary.add_argument("--segment", choices=("small", "mid", "large"), default=None)
    summary.add_argument("--format", choices=("text", "json"), default="text")

    explain = sub.add_parser("explain", help="every pillar, reading and check behind a call")
    _global_options(explain)
    explain.add_argument("symbol")
    explain.add_argument("--format", choices=("text", "json"), default="text")

    locate = sub.add_parser("locate", help="print where dalal keeps config, data or cache")
    _global_options(locate)
    locate.add_argument("what", choices=("config", "data", "cache"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run dalal and return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except CliError as exc:
        _fail(str(exc))
        return EXIT_USAGE if "argument" in str(exc) or "invalid choice" in str(exc) else EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: one sentence, never a traceback
        _fail(_describe(exc))
        return EXIT_ERROR


def _describe(exc: Exception) -> str:
    from tui.settings import SettingsError

    known: tuple[type[Exception], ...] = (SettingsError, ValueError, KeyError, OSError)
    try:
        from tui.sources.base import SourceError
        from tui.sources.folder import FolderError

        known = (*known, FolderError, SourceError)
    except ImportError:  # pragma: no cover - the sources package is always present
        pass
    if isinstance(exc, KeyError):
        return str(exc.args[0]) if exc.args else "not found"
    if isinstance(exc, known):
        return str(exc)
    return f"internal error ({type(exc).__name__}): {exc}"


def _fail(message: str) -> None:
    message = " ".join(str(message).split())
    print(f"dalal: {message}", file=sys.stderr)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "summary"
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "summary": _cmd_summary,
        "explain": _cmd_explain,
        "locate": _cmd_locate,
    }
    return handlers[command](args)


def _cmd_locate(args: argparse.Namespace) -> int:
    from tui import paths

    where = {"config": paths.config_dir, "data": paths.data_dir, "cache": paths.cache_dir}
    print(where[args.what]())
    return 0


def _open(args: argparse.Namespace) -> tuple[Any, Any]:
    """Load the chosen source and analyse it at --as-of."""
    from tui.market.analysis import analyse
    from tui.settings import load_settings
    from tui.sources.resolve import open_source

    settings = load_settings()
    spec = getattr(args, "source", None) or settings.source
    data = open_source(spec, settings, notice=_fail)
    as_of = getattr(args, "as_of", None)
    if as_of is not None:
        as_of = _parse_date(as_of)
    return analyse(data, as_of), settings


def _parse_date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--as-of: '{text}' is not a date (YYYY-MM-DD)") from exc


def _cmd_summary(args: argparse.Namespace) -> int:
    from tui.market.dashboard import build_dashboard
    from tui.market.report import summary_text

    analysis, settings = _open(args)
    segment = getattr(args, "segment", None) or settings.segment
    dashboard = build_dashboard(analysis, segment)
    if getattr(args, "format", "text") == "json":
        print(json.dumps(dashboard.as_json(), ensure_ascii=False, allow_nan=False))
    else:
        print(summary_text(dashboard))
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from tui.market.explain import explain, explain_text

    analysis, _ = _open(args)
    symbol = args.symbol.upper()
    if symbol not in analysis.symbols:
        raise CliError(f"unknown symbol '{args.symbol}'")
    result = explain(analysis, symbol)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, allow_nan=False, default=str))
    else:
        print(explain_text(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
