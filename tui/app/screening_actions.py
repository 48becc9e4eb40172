"""The App's screening half: the screener's query, selectors' rows, `s` (save) and `e` (export).

`ScreeningActions` is a layer of `DalalApp`: its thread workers evaluate queries
(`tui.screening`), write saved screens (`tui.store.screens`) and exported CSV files, and post
messages; its handlers update the screener pane. A result is shown only if it answers the
current request (a newer query or load makes it stale).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.worker import get_current_worker

from tui.app.dashboard_view import DashboardView
from tui.app.messages import (
    QueryFailed,
    QueryRequest,
    RowsEvaluated,
    RowsExported,
    ScreenSaved,
    SectorsListed,
)
from tui.app.panes import ScreenerPane

if TYPE_CHECKING:
    from tui.market.analysis import Analysis


class ScreeningActions(App[None]):
    """Screener workers and handlers (a base of DalalApp)."""

    analysis: Analysis | None
    generation: int
    current_query: QueryRequest | None

    @property
    def dashboard_view(self) -> DashboardView:
        """The dashboard screen (wherever the screen stack is)."""
        view = self.screen_stack[0]
        assert isinstance(view, DashboardView)
        return view

    @property
    def closing(self) -> bool:
        """The app is exiting (or its screens are gone): late worker results are dropped."""
        return bool(self._exit) or not self.screen_stack

    @on(ScreenerPane.QuerySubmitted)
    def _query_submitted(self, message: ScreenerPane.QuerySubmitted) -> None:
        self.run_query(message.text)

    def run_query(self, text: str) -> None:
        """Evaluate a query against the current analysis (no-op before the first load)."""
        if self.analysis is None:
            return
        self.current_query = QueryRequest(self.generation, text)
        self.dashboard_view.screener.loading = True
        self.evaluate(self.current_query, self.analysis)

    @work(thread=True, exclusive=True, group="screening", exit_on_error=False,
          description="Evaluating query")  # fmt: skip
    def evaluate(self, request: QueryRequest, analysis: Analysis) -> None:
        """The rows matching the request's query, best score first; "" matches every stock."""
        from tui import screening
        from tui.screening.frame import screen_frame
        from tui.screening.output import DEFAULT_COLUMNS, sort_rows

        fields = screening.query_registry(analysis)
        # The table (and `e`) show DEFAULT_COLUMNS: fields beyond them and the query's are
        # not computed until a query reads them.
        frame = screen_frame(analysis, DEFAULT_COLUMNS)
        sectors = sorted({str(s) for s in frame["sector"].dropna().unique()})
        if not get_current_worker().is_cancelled:
            self.post_message(SectorsListed(request, sectors))
        try:
            if request.text:
                query = screening.parse(request.text, fields=fields)
                rows = screening.evaluate(analysis, query, DEFAULT_COLUMNS)
                echo = query.echo
            else:
                rows, echo = frame, "every stock"
        except screening.QueryError as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(QueryFailed(request, str(exc)))
            return
        rows = sort_rows(rows, None, fields)
        if not get_current_worker().is_cancelled:
            self.post_message(RowsEvaluated(request, rows, echo))

    @on(SectorsListed)
    def _sectors_listed(self, message: SectorsListed) -> None:
        if self.closing:
            return
        if message.request.load == self.generation:
            self.dashboard_view.screener.set_sectors(message.sectors)

    @on(RowsEvaluated)
    def _rows(self, message: RowsEvaluated) -> None:
        if self.closing:
            return
        if message.request == self.current_query:
            screener = self.dashboard_view.screener
            screener.show_rows(message.rows, message.echo)
            screener.loading = False

    @on(QueryFailed)
    def _query_failed(self, message: QueryFailed) -> None:
        if self.closing:
            return
        if message.request == self.current_query:
            screener = self.dashboard_view.screener
            screener.show_error(message.error)
            screener.loading = False

    @on(ScreenerPane.SaveRequested)
    def _save_requested(self, message: ScreenerPane.SaveRequested) -> None:
        """Check the query parses, then ask for a name (SaveScreenDialog) and save it."""
        from tui import screening
        from tui.app.dialogs.save_screen import SaveScreenDialog, screen_name_problem
        from tui.screening.presets import builtin_screens

        fields = None if self.analysis is None else screening.query_registry(self.analysis)
        try:
            screening.parse(message.query, fields=fields)
        except screening.QueryError as exc:
            self.notify(f"Cannot save this screen: {exc}", title="Save screen",
                        severity="error", markup=False)  # fmt: skip
            return
        builtin = [s.key for s in builtin_screens()]
        query = message.query

        def saved(name: str | None) -> None:
            if name:
                self.save_screen(name, query, builtin)

        self.push_screen(
            SaveScreenDialog(query, lambda name: screen_name_problem(name, builtin), message.name),
            saved,
        )

    @work(thread=True, group="screens", exit_on_error=False, description="Saving the screen")
    def save_screen(self, name: str, query: str, builtin: list[str]) -> None:
        """Write a saved screen (tui.store.screens), so `dalal screens` lists it."""
        from tui.store.screens import save_screen

        saved = save_screen(name, query, builtin=builtin)
        self.post_message(ScreenSaved(saved.name, query, str(saved.path)))

    @on(ScreenSaved)
    def _screen_saved(self, message: ScreenSaved) -> None:
        if self.closing:
            return
        self.dashboard_view.screener.screen_saved(message.name, message.query)
        self.notify(f"Saved screen '{message.name}' ({message.path}).", title="Save screen",
                    markup=False)  # fmt: skip

    @on(ScreenerPane.ExportRequested)
    def _export_requested(self, message: ScreenerPane.ExportRequested) -> None:
        import os

        if self.analysis is not None:
            name = f"{message.screen}-{self.analysis.as_of.isoformat()}.csv"
            self.export_rows(message, self.analysis, os.path.join(os.getcwd(), name))

    @work(thread=True, group="export", exit_on_error=False, description="Exporting the rows")
    def export_rows(
        self, request: ScreenerPane.ExportRequested, analysis: Analysis, path: str
    ) -> None:
        """Write the rows as `dalal screen --format csv` does (DEFAULT_COLUMNS, field ids)."""
        from pathlib import Path

        from tui import screening
        from tui.screening.output import columns_for, csv_text
        from tui.store.atomic import atomic_write

        fields = screening.query_registry(analysis)
        text = csv_text(request.rows, columns_for((), fields), fields)
        atomic_write(Path(path), text.encode("utf-8"))
        self.post_message(RowsExported(path, len(request.rows)))

    @on(RowsExported)
    def _rows_exported(self, message: RowsExported) -> None:
        self.notify(f"Exported {message.count:,} rows to {message.path}", title="Export",
                    markup=False)  # fmt: skip
