"""The cards the practice modes choose from (cram, mock interview), with their recent grades."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from quizcards.store.connection import Connection
from quizcards.store.queue import drawable_cards
from quizcards.store.rows import card_name, schedule_of, texts_of

if TYPE_CHECKING:
    from quizcards.core.practice import PracticeCard
    from quizcards.core.session import SessionFilter


class PracticeQueries(Connection):
    """What `quiz cram` and `quiz mock` read to choose their cards."""

    def practice_cards(self, selection: SessionFilter) -> list[PracticeCard]:
        """Every active, unsuspended card the selection names, in deck order, with its latest grades."""
        from quizcards.core.practice import RECENT_GRADES, PracticeCard
        from quizcards.core.scheduler import parse_grade

        # The session's own rule: active and unsuspended (the learner asked not to see those).
        where, parameters = drawable_cards(selection)
        rows = self._query(
            f"""
            SELECT c.id, c.deck, c.card_id, c.tags, d.tags AS deck_tags,
                   c.repetitions, c.interval_days, c.easiness_hundredths, c.due_on, c.lapses,
                   c.reviews, c.last_reviewed_on,
                   (SELECT json_group_array(grade) FROM (
                        SELECT r.grade FROM reviews r WHERE r.card = c.id ORDER BY r.id DESC LIMIT :recent
                   )) AS recent
            FROM cards c JOIN decks d ON d.slug = c.deck
            WHERE {where}
            ORDER BY d.position, c.position, c.id
            """,
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
                    schedule=schedule_of(row),
                    recent_grades=recent,
                )
            )
        return cards
