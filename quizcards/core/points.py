"""A card's key point: the wording a checklist shows, the other wordings that also count, its stored form.

A deck writes a point as text (``- vanishing gradient``) or as a list whose first
item is shown and whose others also count when an explanation is matched
(``- [vanishing gradient, 기울기 소실]``). The database, the content hash and
the JSON outputs keep the same two forms: a point without alternatives is a
plain string, so decks written before lists existed hash and store as before.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a point is stored and exported as: its text, or the list of its wordings.
StoredPoint = str | list[str]


@dataclass(frozen=True, slots=True)
class Point:
    """One idea a good explanation mentions, in the words the checklist shows and its other wordings."""

    text: str
    alternatives: tuple[str, ...] = ()

    @property
    def wordings(self) -> tuple[str, ...]:
        """Every wording that counts, the shown one first."""
        return (self.text, *self.alternatives)

    def stored(self) -> StoredPoint:
        """The point as JSON keeps it: plain text when it has no alternatives, else all its wordings."""
        return [self.text, *self.alternatives] if self.alternatives else self.text

    def with_alternatives(self) -> str:
        """One line for a reader of the deck: the shown wording, the others in parentheses."""
        if not self.alternatives:
            return self.text
        return f"{self.text} (also: {', '.join(self.alternatives)})"


def point_of(value: object) -> Point:
    """A point from its stored form (text, or a non-empty list of wordings)."""
    if isinstance(value, str):
        return Point(value)
    if isinstance(value, list) and value and all(isinstance(wording, str) for wording in value):
        return Point(value[0], tuple(value[1:]))
    raise ValueError(f"a stored point must be text or a list of text, not {value!r}")


def points_of(values: object) -> tuple[Point, ...]:
    """Points from a stored JSON array of them."""
    if not isinstance(values, list):
        raise ValueError(f"stored points must be a list, not {values!r}")
    return tuple(point_of(value) for value in values)
