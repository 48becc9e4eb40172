"""Golden case 26 on the demo: a Hold → Buy upgrade is in that session's list with its text
and drivers, and not in the next session's."""

from __future__ import annotations

from tui.market.analysis import analyse
from tui.market.changes import events_on
from tui.sources.demo import DemoSource


def test_upgrade_listed_on_its_session_only() -> None:
    a = analyse(DemoSource().load().compact())
    found = None
    for row in range(a.t - 30, a.t):
        for e in events_on(a, row)["call"]:
            if (e.from_, e.to) == ("Hold", "Buy"):
                found = (row, e)
                break
        if found:
            break
    assert found is not None
    row, event = found
    assert event.date == a.panel.dates[row].date().isoformat()
    assert event.text.startswith(f"{event.name} upgraded from Hold to Buy (score ")
    assert event.drivers, "a call change names what drove it"
    assert event.score_to is not None
    assert event.score_to >= 65
    later = [e for e in events_on(a, row + 1)["call"] if e.symbol == event.symbol]
    assert all((e.from_, e.to) != ("Hold", "Buy") for e in later)


def test_todays_hold_to_buy_upgrades_have_drivers() -> None:
    a = analyse(DemoSource().load().compact())
    heg = next(e for e in events_on(a)["call"] if e.symbol == "HEG")
    assert (heg.from_, heg.to) == ("Hold", "Buy")
    assert any(d.startswith(("Technicals", "Valuation", "Financial trend", "Quality"))
               for d in heg.drivers)  # fmt: skip
