"""What is waiting after today's session: due dates, the new cards left and where, suspended cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Outlook:
    """What is waiting after today: the next due date and the new cards left."""

    next_due_on: date | None
    next_due_count: int
    new_waiting: int  # new cards the session draws from (its new-card selection), buried ones included
    due_now: int = 0  # due today or overdue, not buried: left undone when a session stops early
    new_buried: int = 0  # of new_waiting, buried today
    # New cards the review's selection holds outside its new-card selection (an applied plan's), by deck.
    new_outside: tuple[tuple[str, int], ...] = ()
    suspended: int = 0  # in the review's selection

    @property
    def outside_count(self) -> int:
        return sum(count for _, count in self.new_outside)
