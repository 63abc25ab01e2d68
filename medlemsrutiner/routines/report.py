"""What a daily run did, for stdout and the exit code: counts and IDs only, never a name, an
address or a phone number. No I/O (the CLI prints the lines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from medlemsrutiner.errors import EXIT_OK, EXIT_PARTIAL
from medlemsrutiner.letters.render import OutgoingEmail
from medlemsrutiner.plan import DELIVERY_NAMES, Delivery, DeliveryKind, Flag, Verdict
from medlemsrutiner.sheet import changes as ch


@dataclass
class DailyReport:
    """What a run did, by delivery kind (`welcome`, `introduction`, …) and ID."""

    today: dt.date
    dry_run: bool
    new_ids: list[int] = field(default_factory=list)
    sent: dict[DeliveryKind, list[int]] = field(default_factory=dict)
    failed: dict[DeliveryKind, list[int]] = field(default_factory=dict)
    waiting: dict[DeliveryKind, list[int]] = field(default_factory=dict)
    erased: list[int] = field(default_factory=list)
    skipped_writes: list[ch.Skipped] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    status_updates: int = 0
    emails: list[OutgoingEmail] = field(default_factory=list)
    sent_last_24h: int = 0
    """Letters Logg says went out in the 24 hours before this run (for `mail.daily_limit`)."""
    daily_limit: int | None = None
    """Set when the rolling 24-hour limit held letters back."""
    stopped: str | None = None
    """Why sending stopped early (a quota, a dropped connection), redacted; the rest waits."""
    write_error: str | None = None
    """Why the last write failed after the first one landed (letters may have gone out)."""
    problem_groups: list[str] = field(default_factory=list)
    """Groups whose share of active people at follow-up is below the alert level."""

    def add(self, verdict: Verdict, delivery: Delivery) -> None:
        """Count `delivery` as sent, failed (held for a person) or waiting (next run)."""
        table = {"sent": self.sent, "failed": self.failed, "waiting": self.waiting}[verdict]
        if delivery.row_id is not None:
            table.setdefault(delivery.kind, []).append(delivery.row_id)

    @property
    def exit_code(self) -> int:
        failed = any(self.failed.values()) or self.stopped is not None or bool(self.write_error)
        return EXIT_PARTIAL if failed or any(flag.problem for flag in self.flags) else EXIT_OK

    def lines(self) -> list[str]:
        """The report in Swedish, for stdout."""
        out: list[str] = []
        what = "Provkörning (inget skrivs i arbetsboken)" if self.dry_run else "Daglig körning"
        out.append(f"{what} {self.today.isoformat()}")
        if self.new_ids:
            out.append(f"  nya rader: {len(self.new_ids)} ({_ids(self.new_ids)})")
        verb = "skulle skickas" if self.dry_run else "skickade"
        kinds = set(self.sent) | set(self.failed) | set(self.waiting)
        for kind in sorted(kinds, key=lambda k: DELIVERY_NAMES[k]):
            sent = self.sent.get(kind, [])
            line = f"  {DELIVERY_NAMES[kind]}: {len(sent)} {verb}"
            if sent:
                line += f" ({_ids(sent)})"
            if self.failed.get(kind):
                line += f"; misslyckades: {_ids(self.failed[kind])}"
            if self.waiting.get(kind):
                line += f"; väntar till nästa körning: {_ids(self.waiting[kind])}"
            out.append(line)
        if not self.sent and not self.failed:
            out.append("  inga brev att skicka")
        if self.stopped is not None:
            out.append(f"  utskicket stoppades: {self.stopped}. Resten skickas vid nästa körning.")
        if self.write_error is not None:
            out.append(
                f"  FEL vid sista skrivningen: {self.write_error} Datum, Status och Logg skrevs "
                "inte. Breven som gick iväg har kvar markeringen 'Skickar…' och skickas aldrig "
                "igen: skriv dagens datum i de cellerna."
            )
        if self.daily_limit is not None:
            out.append(
                f"  dygnsgräns: {self.sent_last_24h} av högst {self.daily_limit} brev "
                "skickade de senaste 24 timmarna (mail.daily_limit)"
            )
        if self.erased:
            out.append(f"  personuppgifter raderade: {_ids(sorted(self.erased))}")
        if self.status_updates:
            out.append(f"  Status uppdaterad på {self.status_updates} rader")
        if self.problem_groups:
            out.append(
                "  grupper där få är kvar vid uppföljningen (se Statistik): "
                + ", ".join(self.problem_groups)
            )
        if self.skipped_writes:
            out.append(f"  skrivningar som inte kunde göras: {len(self.skipped_writes)}")
            for skipped in self.skipped_writes:
                target = getattr(skipped.change, "row_id", None)
                out.append(
                    f"    ID {target}: {skipped.reason}" if target else f"    {skipped.reason}"
                )
        problems = [flag for flag in self.flags if flag.problem]
        notices = [flag for flag in self.flags if not flag.problem]
        if problems:
            out.append(f"  rader att rätta: {len(problems)}")
            out.extend(f"    {_where(flag)}: {flag.text}" for flag in problems)
        if notices:
            out.append(f"  att kontrollera: {len(notices)}")
            out.extend(f"    {_where(flag)}: {flag.text}" for flag in notices)
        return out


def _ids(ids: Sequence[int]) -> str:
    return "ID " + ", ".join(str(i) for i in ids)


def _where(flag: Flag) -> str:
    return f"ID {flag.row_id}" if flag.row_id is not None else f"rad {flag.row}"
