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
    _screen_parsers(sub)

    _watchlist_parser(sub)
    fetch = sub.add_parser("fetch", help="fill or refresh the cache of a live source")
    _global_options(fetch)
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
    if args.command is None:
        return _cmd_tui(args)
    command = args.command
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "summary": _cmd_summary,
        "explain": _cmd_explain,
        "locate": _cmd_locate,
        "screen": _cmd_screen,
        "screens": _cmd_screens,
        "watchlist": _cmd_watchlist,
        "fetch": _cmd_fetch,
    }
    return handlers[command](args)


def _cmd_tui(args: argparse.Namespace) -> int:
    """`dalal` with no subcommand: the Textual app on the configured segment."""
    from tui.settings import load_settings

    settings = load_settings()  # a bad config.toml fails here, as one line, before the TUI
    as_of = getattr(args, "as_of", None)
    from tui.app import DalalApp

    app = DalalApp(
        getattr(args, "source", None) or settings.source,
        as_of=None if as_of is None else _parse_date(as_of),
        segment=settings.segment,
        theme=settings.theme,
    )
    app.run()
    return app.return_code or 0


def _cmd_locate(args: argparse.Namespace) -> int:
    from tui import paths

    where = {"config": paths.config_dir, "data": paths.data_dir, "cache": paths.cache_dir}
    print(where[args.what]())
    return 0


def _open(args: argparse.Namespace) -> tuple[Any, Any]:
    """Load the chosen source and analyse it at --as-of."""
    from tui.market.params import params_from
    from tui.settings import config_file, load_settings
    from tui.sources.analysed import open_analysis

    settings = load_settings()
    params = params_from(settings.analytics, str(config_file()))
    spec = getattr(args, "source", None) or settings.source
    as_of = getattr(args, "as_of", None)
    if as_of is not None:
        as_of = _parse_date(as_of)
    return open_analysis(spec, settings, as_of, params, notice=_fail), settings


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


# --- dalal watchlist ---------------------------------------------------------------------------


def _watchlist_parser(sub: Any) -> None:
    """`dalal watchlist list | show | add | remove | delete | import | export`."""
    watchlist = sub.add_parser("watchlist", help="list, show and change watchlists")
    _global_options(watchlist)
    actions = watchlist.add_subparsers(
        dest="watchlist_action", parser_class=_Parser, metavar="ACTION"
    )
    actions.required = True

    def action(name: str, help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help)
        _global_options(parser)
        return parser

    action("list", "every watchlist and how many symbols it holds")
    show = action("show", "a watchlist's entries, with the return since each was added")
    show.add_argument("name")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add = action("add", "add symbols at the data's as-of close (creates the list)")
    add.add_argument("name")
    add.add_argument("symbols", nargs="+", metavar="SYM")
    remove = action("remove", "remove symbols from a watchlist")
    remove.add_argument("name")
    remove.add_argument("symbols", nargs="+", metavar="SYM")
    delete = action("delete", "delete a watchlist")
    delete.add_argument("name")
    importer = action("import", "add the symbols of a CSV (symbol column) or a plain list")
    importer.add_argument("name")
    importer.add_argument("file")
    export = action("export", "write a watchlist as CSV to stdout")
    export.add_argument("name")


def _cmd_watchlist(args: argparse.Namespace) -> int:
    from tui.store import watchlists as wl

    def notice(event: object) -> None:
        _fail(str(event))

    action = args.watchlist_action
    if action == "list":
        lists = wl.load_all(notice=notice)
        if not lists:
            _fail("no watchlists yet; start one with: dalal watchlist add NAME SYMBOL...")
        width = max((len(w.name) for w in lists), default=0)
        for w in lists:
            count = len(w.entries)
            print(f"{w.name:<{width}}  {count} symbol{'' if count == 1 else 's'}")
        return 0
    if action == "show":
        return _watchlist_show(args, wl.get(args.name, notice=notice))
    if action == "add":
        wl.check_name(args.name)
        analysis, _ = _open(args)
        symbols = list(dict.fromkeys(s.strip().upper() for s in args.symbols if s.strip()))
        entries = [_watch_entry(analysis, s) for s in symbols]
        known = [e for e in entries if e is not None]
        unknown = [s for s, e in zip(symbols, entries, strict=True) if e is None]
        if not known:
            raise CliError(f"unknown symbol {', '.join(unknown)}; nothing added to '{args.name}'")
        if unknown:
            _fail(f"unknown symbol {', '.join(unknown)}, not added")
        change = wl.add_symbols(args.name, known, notice=notice)
        _report_change(change, "added", "to", analysis.as_of)
        return 0
    if action == "remove":
        change = wl.remove_symbols(args.name, args.symbols, notice=notice)
        if not change.done:
            raise CliError(f"{', '.join(change.skipped)} not on '{change.name}'; nothing removed")
        if change.skipped:
            _fail(f"{', '.join(change.skipped)} not on '{change.name}'")
        print(f"removed {', '.join(change.done)} from '{change.name}'")
        return 0
    if action == "delete":
        print(f"deleted watchlist '{wl.delete(args.name, notice=notice)}'")
        return 0
    if action == "import":
        from pathlib import Path

        wl.check_name(args.name)
        if not wl.read_symbols(Path(args.file)):
            raise CliError(f"{args.file} holds no symbols")
        analysis, _ = _open(args)
        change = wl.import_symbols(
            args.name, Path(args.file), lambda s: _watch_entry(analysis, s), notice=notice
        )
        if change.unknown and not change.done and not change.skipped:
            raise CliError(
                f"unknown symbol {', '.join(change.unknown)}; nothing added to '{args.name}'"
            )
        if change.unknown:
            _fail(f"unknown symbol {', '.join(change.unknown)}, not added")
        _report_change(change, "added", "to", analysis.as_of)
        return 0
    if action == "export":
        sys.stdout.write(wl.export_csv(args.name, notice=notice))
        return 0
    raise CliError(f"unknown watchlist action '{action}'")  # pragma: no cover


def _watch_entry(analysis: Any, symbol: str) -> Any:
    """The entry for `symbol` at the analysis' session and close; None for an unknown symbol."""
    import math

    from tui.store.watchlists import Entry

    close = _close_now(analysis, symbol)
    if close is None and symbol not in analysis.data.stocks.index:
        return None
    return Entry(symbol, analysis.as_of, None if close is None or math.isnan(close) else close)


def _close_now(analysis: Any, symbol: str) -> float | None:
    """The symbol's last close up to the analysis' session (NaN before its first bar)."""
    try:
        col = analysis.column(symbol)
    except KeyError:
        return None
    return float(analysis.panel.filled[3][analysis.t, col])


def _report_change(change: Any, verb: str, preposition: str, as_of: Any) -> None:
    if change.done:
        print(
            f"{verb} {', '.join(change.done)} {preposition} '{change.name}' "
            f"(as of {as_of.isoformat()})"
        )
    if change.skipped:
        print(f"already on '{change.name}' (kept as first added): {', '.join(change.skipped)}")


def _watchlist_show(args: argparse.Namespace, watchlist: Any) -> int:
    import math

    analysis, _ = _open(args)
    names = analysis.data.stocks.get("name")
    rows = []
    for e in watchlist.entries:
        close = _close_now(analysis, e.symbol)
        if close is not None and math.isnan(close):
            close = None
        since = None
        if close is not None and e.added_price:
            since = (close / e.added_price - 1.0) * 100.0
        name = names.get(e.symbol) if names is not None else None
        rows.append(
            {
                "symbol": e.symbol,
                "name": name if isinstance(name, str) else None,
                "added_on": None if e.added_on is None else e.added_on.isoformat(),
                "added_price": e.added_price,
                "close": close,
                "return_since_added": since,
            }
        )
    if args.format == "json":
        out = {"name": watchlist.name, "as_of": analysis.as_of.isoformat(), "entries": rows}
        print(json.dumps(out, ensure_ascii=False, allow_nan=False))
        return 0
    count = f"{len(rows)} symbol{'' if len(rows) == 1 else 's'}"
    print(f"{watchlist.name} — {count}, as of {analysis.as_of.isoformat()}")
    if not rows:
        return 0
    dash = "—"

    def price(value: float | None) -> str:
        return dash if value is None else f"{value:,.2f}"

    table = [["symbol", "name", "added on", "added at", "close", "since added"]]
    for r in rows:
        table.append(
            [
                r["symbol"],
                (r["name"] or "")[:32],
                r["added_on"] or dash,
                price(r["added_price"]),
                price(r["close"]),
                dash if r["return_since_added"] is None else f"{r['return_since_added']:+.2f}%",
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    right = {3, 4, 5}
    for row in table:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    return 0


# --- dalal screen, dalal screens ---------------------------------------------------------------


def _screen_parsers(sub: Any) -> None:
    """`dalal screen QUERY | --preset NAME ...` and `dalal screens`."""
    screen = sub.add_parser("screen", help="filter the universe with a query or a screen")
    _global_options(screen)
    screen.add_argument("query", nargs="?", help="an SQ query (quote it; '--' before a leading -)")
    screen.add_argument("--preset", help="a built-in or saved screen (see `dalal screens`)")
    screen.add_argument("--sort", help="FIELD or FIELD:desc (default: the screen's, or score)")
    screen.add_argument("--limit", type=int, help="show at most N rows")
    screen.add_argument("--columns", help="extra columns, comma-separated (e.g. pe,rsi)")
    screen.add_argument("--format", choices=("table", "csv", "json"), default="table")
    screens = sub.add_parser("screens", help="built-in and saved screens")
    _global_options(screens)
    screens.add_argument("--format", choices=("text", "json"), default="text")


def _cmd_screen(args: argparse.Namespace) -> int:
    from tui import screening
    from tui.screening import output
    from tui.screening.presets import PresetError, find_screen

    if not args.query and not args.preset:
        raise CliError("give a QUERY or --preset NAME (`dalal screens` lists the screens)")
    if args.limit is not None and args.limit < 0:
        raise CliError("--limit must be 0 or more")
    try:
        preset = find_screen(args.preset) if args.preset else None
    except PresetError as exc:
        raise CliError(str(exc)) from exc
    analysis, _ = _open(args)
    fields = screening.query_registry(analysis)
    query = None
    for text, prefix in ((preset.query if preset else None, f"screen '{args.preset}': "),
                         (args.query, "")):  # fmt: skip
        if not text:
            continue
        try:
            parsed = screening.parse(text, fields=fields)
        except screening.QueryError as exc:
            _fail(f"{prefix}{exc}")
            return EXIT_USAGE
        query = parsed if query is None else query.and_(parsed)
    assert query is not None
    extra = list(preset.columns) if preset else []
    extra += (args.columns or "").split(",")
    try:
        columns = output.columns_for(extra, fields)
        rows = screening.evaluate(analysis, query)
        rows = output.sort_rows(rows, args.sort or (preset.sort if preset else None), fields)
    except (output.ColumnError, screening.QueryError) as exc:
        raise CliError(str(exc)) from exc
    limit = args.limit if args.limit is not None else (preset.limit if preset else None)
    total = len(rows)
    if limit is not None:
        rows = rows.iloc[:limit]
    if args.format == "json":
        print(json.dumps(output.records(rows, columns, fields), ensure_ascii=False,
                         allow_nan=False))  # fmt: skip
    elif args.format == "csv":
        sys.stdout.write(output.csv_text(rows, columns, fields))
    else:
        print(output.table_text(rows, columns, fields))
        demo = " · DEMO DATA" if analysis.data.source == "demo" else ""
        shown = f"{len(rows)} of {total}" if len(rows) < total else f"{total}"
        print(f"\n{shown} stocks · {query.echo} · as of {analysis.as_of.isoformat()}"
              f" · source {analysis.data.source}{demo}")  # fmt: skip
    return 0


def _cmd_screens(args: argparse.Namespace) -> int:
    from tui.screening.presets import all_screens

    screens, problems = all_screens()
    for problem in problems:
        _fail(problem)
    if args.format == "json":
        print(json.dumps([{"name": s.key, "title": s.title, "description": s.description,
                           "query": s.query, "columns": list(s.columns), "sort": s.sort,
                           "limit": s.limit, "builtin": s.builtin} for s in screens],
                         ensure_ascii=False))  # fmt: skip
        return 0
    width = max((len(s.key) for s in screens), default=0)
    for label, builtin in (("Built-in screens", True), ("Saved screens", False)):
        group = [s for s in screens if s.builtin is builtin]
        if not group:
            continue
        print(label)
        for s in group:
            print(f"  {s.key:<{width}}  {s.description or s.title}")
            print(f"  {'':<{width}}  {s.query}")
    return 0


# --- dalal fetch -------------------------------------------------------------------------------


def _progress_printer(tty: bool) -> Callable[[int, int, str], None]:
    """A progress bar redrawn on stderr (a terminal), else a plain line per tenth done."""
    state = {"step": -1}

    def show(done: int, total: int, label: str) -> None:
        if total <= 0:
            return
        if tty:
            width = 30
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            print(f"\r[{bar}] {done:,}/{total:,} {label:<12}", end="", file=sys.stderr, flush=True)
            return
        step = 10 * done // total
        if step != state["step"]:
            state["step"] = step
            print(f"fetched {done:,} of {total:,} ({label or 'starting'})", file=sys.stderr)

    return show


def _cmd_fetch(args: argparse.Namespace) -> int:
    """`dalal fetch`: fill or refresh the cache of a live source; failures by reason on stderr;
    exit 1 only if nothing succeeded."""
    from tui.settings import load_settings
    from tui.sources.base import SourceError
    from tui.sources.cache import Cache
    from tui.sources.live import LiveSource
    from tui.sources.live.providers import NothingArrived

    settings = load_settings()
    spec = getattr(args, "source", None) or settings.source
    if spec == "auto":
        spec = settings.live_source
    if spec not in ("nse", "bse", "yahoo"):
        raise CliError(f"dalal fetch needs a live source (nse, bse or yahoo), not '{spec}'")
    removed = Cache().delete_old_versions()
    for path in removed:
        print(f"removed old cache {path}", file=sys.stderr)
    tty = sys.stderr.isatty()
    source = LiveSource(spec, settings, _progress_printer(tty))
    report = None
    error: SourceError | None = None
    data = None
    try:
        result = source.run()
        data, report = result.data, result.report
    except NothingArrived as exc:
        report, error = exc.report, exc
    except SourceError as exc:
        error = exc
    if tty:
        print(file=sys.stderr)
    if report is not None:
        for reason, keys in sorted(report.by_reason().items()):
            print(f"failed ({reason}, {len(keys):,}): {', '.join(keys)}", file=sys.stderr)
        for noun in report.batches:
            if report.batches[noun].report:
                print(f"{spec}: {report.coverage(noun)}", file=sys.stderr)
    if data is None or report is None or report.succeeded == 0:
        _fail(str(error) if error is not None else f"{spec}: nothing could be fetched")
        return EXIT_ERROR
    stale = " · stale" if data.stale else ""
    print(f"{spec}: {report.coverage('histories')} · as of {data.meta.as_of}{stale}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
