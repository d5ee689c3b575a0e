"""The applied study plan (`quiz plan --apply`): read, replaced, cleared; and the cards a plan counts."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

from quizcards.core.errors import StoreError
from quizcards.core.planning import StoredPlan
from quizcards.store.queue import Queue
from quizcards.store.rows import schedule_of, utc_timestamp

if TYPE_CHECKING:
    from quizcards.core.planning import PlanCard
    from quizcards.core.session import SessionFilter

_DAMAGED = "the stored study plan is damaged ({}); quiz plan --clear removes it."


class StudyPlans(Queue):
    """The one stored study plan (the study_plans table of m007) and the cards a plan is made of."""

    def study_plan(self) -> StoredPlan | None:
        """The applied plan, ended or not; None when there is none."""
        rows = self._query(
            "SELECT decks, tags, new_per_day, starts_on, until_on FROM study_plans WHERE id = 1"
        )
        if not rows:
            return None
        row = rows[0]
        try:
            decks, tags = json.loads(row["decks"]), json.loads(row["tags"])
            if not all(isinstance(name, str) for name in [*decks, *tags]):
                raise ValueError("a deck or tag that is not text")
            return StoredPlan(
                decks=tuple(decks),
                tags=tuple(tags),
                new_per_day=int(row["new_per_day"]),
                starts_on=date.fromisoformat(row["starts_on"]),
                until=date.fromisoformat(row["until_on"]),
            )
        except (TypeError, ValueError) as error:
            raise StoreError(_DAMAGED.format(error)) from None

    def save_study_plan(self, plan: StoredPlan, now: datetime) -> StoredPlan | None:
        """Store the plan in place of any earlier one, which is returned."""
        earlier = self.study_plan()
        with self._transaction() as conn:
            conn.execute("DELETE FROM study_plans")
            conn.execute(
                "INSERT INTO study_plans (id, decks, tags, new_per_day, starts_on, until_on, applied_at) "
                "VALUES (1, ?, ?, ?, ?, ?, ?)",
                [
                    json.dumps(list(plan.decks)),
                    json.dumps(list(plan.tags)),
                    plan.new_per_day,
                    plan.starts_on.isoformat(),
                    plan.until.isoformat(),
                    utc_timestamp(now),
                ],
            )
        return earlier

    def clear_study_plan(self) -> StoredPlan | None:
        """Remove the stored plan; returns it (None: there was none)."""
        try:
            earlier = self.study_plan()
        except StoreError:
            earlier = None  # a damaged plan is cleared all the same
        with self._transaction() as conn:
            removed = conn.execute("DELETE FROM study_plans").rowcount
        return earlier if removed else None

    def plan_cards(self, selection: SessionFilter) -> list[PlanCard]:
        """The selection's active cards with their schedules, in deck order (the order new cards start in)."""
        from quizcards.core.planning import PlanCard

        where, parameters = self._filter_sql(selection)
        rows = self._query(
            f"""
            SELECT c.deck, c.card_id, c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on,
                   c.lapses, c.reviews, c.last_reviewed_on
            FROM decks d CROSS JOIN cards c ON c.deck = d.slug
            WHERE {where}
            ORDER BY d.position, c.position
            """,  # the clauses are fixed text; every value is a parameter
            parameters,
        )
        return [PlanCard(row["deck"], row["card_id"], schedule_of(row)) for row in rows]
