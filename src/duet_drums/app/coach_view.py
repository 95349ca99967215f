"""The words of the results screen's coach panel, from the coach's report only.

Kept apart from drawing so that what the panel *says* is a plain function of the
`CoachReport` (and its drill offers): a test computes the report again from the saved
replay and checks the panel says the same. Signs become words here ("early", "Ben
ahead"), as on the rest of the results screen; units are always written out.
"""

from __future__ import annotations

from dataclasses import dataclass

from duet_drums.app.run_records import CoachOutcome
from duet_drums.core.coach_models import CoachReport, Interval, PairingOffset, PlayerCoach, TempoWindow

NO_MESSAGES = "Nothing stands out: no lean, drift or leader is certain at this many unisons."


def _ms(x: float) -> str:
    return f"{abs(x):.1f} ms"


def _interval_ms(x: Interval) -> str:
    return f"(95%: {x.low:+.1f} to {x.high:+.1f})"


def player_summary(p: PlayerCoach) -> str:
    """Accuracy, precision and unstable rate in one line."""
    if p.mean_error_ms is None or p.sd_ms is None or p.unstable_rate is None:
        return f"no notes hit ({p.notes} notes)"
    lean = "early" if p.mean_error_ms < 0 else "late"
    return (f"mean {_ms(p.mean_error_ms)} {lean} · SD {p.sd_ms:.1f} ms · "
            f"unstable rate {p.unstable_rate:.0f} · {p.hits}/{p.notes} hit")


def player_drift(p: PlayerCoach) -> str:
    """The player's strongest tempo drift against the click, or that there was none."""
    best = _strongest(p.tempo.windows, pair=False)
    if best is None:
        return "tempo: steady against the click"
    return f"tempo: {_drift_phrase(best)}"


def _strongest(windows: list[TempoWindow], pair: bool) -> TempoWindow | None:
    chosen = [w for w in windows if w.drift is not None and (w.significant or not pair)]
    return max(chosen, key=lambda w: abs(w.drift.value) if w.drift else 0.0, default=None)


def _drift_phrase(w: TempoWindow) -> str:
    assert w.drift is not None
    way = "fast" if w.drift.value > 0 else "slow"
    when = "at the end of " if w.drift_kind == "end" else "through "
    where = w.name if w.kind == "after_fill" else when + w.name
    return f"{abs(w.drift.value):.1f} BPM {way} {where} (95%: {w.drift.low:+.1f} to {w.drift.high:+.1f})"


@dataclass(frozen=True, slots=True)
class OffsetRow:
    """One drum pairing's lean, as drawn: `interval` only where it is shown."""

    label: str
    interval: Interval | None
    significant: bool
    text: str


def offset_row(o: PairingOffset) -> OffsetRow:
    if not o.shown or o.mean_ms is None:
        return OffsetRow(o.label, None, False, f"{o.label}: too few unisons to say (n={o.n})")
    m = o.mean_ms
    if o.significant:
        text = f"{o.label}: {o.ahead} ahead {_ms(m.value)} {_interval_ms(m)} n={m.n}"
    else:
        text = f"{o.label}: together, {m.value:+.1f} ms {_interval_ms(m)} n={m.n}"
    return OffsetRow(o.label, m, o.significant, text)


def offset_rows(report: CoachReport) -> list[OffsetRow]:
    return [offset_row(o) for o in report.pair.offsets]


def spread_lines(report: CoachReport) -> list[str]:
    s = report.pair.spread
    if s.sd_ms is None or s.mean_abs_ms is None:
        return ["spread: no unison hit by both"]
    shares = " / ".join(f"{100 * (x or 0.0):.0f}" for x in (s.within_10, s.within_20, s.within_50))
    return [f"spread: SD {s.sd_ms:.1f} ms, mean gap {s.mean_abs_ms:.1f} ms",
            f"within 10 / 20 / 50 ms: {shares} % of {s.n}"]


def coupling_line(report: CoachReport) -> str:
    c = report.pair.coupling
    if c.verdict == "unclear":
        return f"who adapts: unclear at n={c.n}"
    return f"who adapts: {c.text}"


def joint_drift_line(report: CoachReport) -> str:
    best = _strongest(report.pair.drift.windows, pair=True)
    if best is None:
        return "together vs the click: no joint drift"
    return f"together vs the click: {_drift_phrase(best)}"


def message_rows(outcome: CoachOutcome) -> list[tuple[str, str | None]]:
    """(message text, the label of the drill it offers or None), best first."""
    offers = list(outcome.offers) + [None] * (len(outcome.report.messages) - len(outcome.offers))
    return [(m.text, None if offer is None else offer.label)
            for m, offer in zip(outcome.report.messages, offers, strict=False)]


def panel_text(outcome: CoachOutcome) -> list[str]:
    """Every line of words the coach panel shows, in reading order."""
    r = outcome.report
    lines: list[str] = []
    rows = message_rows(outcome)
    if not rows:
        lines.append(NO_MESSAGES)
    for k, (text, offer) in enumerate(rows, start=1):
        lines.append(f"{k}. {text}")
        if offer:
            lines.append(offer)
    for p in r.players:
        lines += [p.label, player_summary(p), player_drift(p)]
    lines += [row.text for row in offset_rows(r)]
    lines += spread_lines(r)
    lines += [coupling_line(r), joint_drift_line(r)]
    return lines
