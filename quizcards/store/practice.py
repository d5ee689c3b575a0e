"""The cards the practice modes choose from (cram, mock interview), with their recent grades."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from quizcards.core.checks import is_day
from quizcards.store.base import BaseStore
from quizcards.store.queue import drawable_cards
from quizcards.store.rows import card_name, schedule_of, texts_of

if TYPE_CHECKING:
    from quizcards.core.practice import PracticeCard
    from quizcards.core.scheduler import Schedule
    from quizcards.core.session import SessionFilter


class PracticeQueries(BaseStore):
    """What `quiz cram` and `quiz mock` read to choose their cards."""

    def practice_cards(self, selection: SessionFilter) -> list[PracticeCard]:
        """Every active, unsuspended card the selection names, in deck order, with its latest grades."""
        from quizcards.core.practice import RECENT_GRADES, PracticeCard
        from quizcards.core.scheduler import parse_grade

        # The session's own rule: active and unsuspended (the learner asked not to see those).
        where, parameters = drawable_cards(selection)
        due = self._due_source()
        rows = self._query(
            f"""
            SELECT c.id, c.deck, c.card_id, c.tags, d.tags AS deck_tags,
                   c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses,
                   c.reviews, c.last_reviewed_on, {due.column} AS due_in_force,
                   (SELECT json_group_array(grade) FROM (
                        SELECT r.grade FROM reviews r WHERE r.card = c.id ORDER BY r.id DESC LIMIT :recent
                   )) AS recent
            FROM cards c JOIN decks d ON d.slug = c.deck {due.join}
            WHERE {where}
            ORDER BY d.position, c.position, c.id
            """,  # the clauses are fixed text; every value is a parameter
            {**parameters, "recent": RECENT_GRADES},
        )
        cards = []
        for order, row in enumerate(rows):
            owner = card_name(row["deck"], row["card_id"])
            own = texts_of(row["tags"], "tags", owner)
            deck_tags = texts_of(row["deck_tags"], "tags", f"deck {row['deck']}")
            recent = tuple(int(parse_grade(grade)) for grade in reversed(json.loads(row["recent"])))
            cards.append(
                PracticeCard(
                    pk=row["id"],
                    deck=row["deck"],
                    card_id=row["card_id"],
                    order=order,
                    tags=own + tuple(tag for tag in deck_tags if tag not in own),
                    schedule=_in_force(schedule_of(row), row["due_in_force"]),
                    recent_grades=recent,
                )
            )
        return cards


def _in_force(schedule: Schedule, due_in_force: object) -> Schedule:
    """The schedule with the due day of the scheduler in force (FSRS's, when it is), which is what
    `--due-within` and the mock's due cards mean; easiness and lapses stay SM-2's."""
    from dataclasses import replace

    if schedule.is_new or not is_day(due_in_force):
        return schedule  # FSRS's state rebuilt by `quiz check --repair` when it is missing
    return replace(schedule, due_on=date.fromisoformat(str(due_in_force)))
