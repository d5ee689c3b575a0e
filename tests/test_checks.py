"""core.checks: a card's stored schedule read against its replayed log, without a database."""

from __future__ import annotations

import pytest

from quizcards.core.checks import (
    CHECKED_FIELDS,
    FieldDifference,
    LoggedReview,
    ScheduleDrift,
    UnreadableLog,
    check_card,
)

# A card reviewed once, perfectly, on 2026-03-09: as the cards table stores it.
STORED: dict[str, object] = {
    "due_on": "2026-03-10",
    "interval_days": 1,
    "repetitions": 1,
    "easiness_hundredths": 260,
    "lapses": 0,
    "reviews": 1,
    "last_reviewed_on": "2026-03-09",
    "introduced_on": "2026-03-09",
}
LOG = [LoggedReview(7, 5, "2026-03-09")]


def test_a_card_that_matches_its_log_is_not_reported() -> None:
    assert set(STORED) == set(CHECKED_FIELDS)
    assert check_card(1, "attention", "qkv", STORED, LOG) is None
    new_card = {**STORED, "due_on": None, "interval_days": 0, "repetitions": 0, "easiness_hundredths": 250}
    new_card |= {"reviews": 0, "last_reviewed_on": None, "introduced_on": None}
    assert check_card(2, "attention", "scale", new_card, []) is None


def test_a_drifted_card_names_each_field_in_report_order() -> None:
    stored = {**STORED, "reviews": 7, "due_on": "2030-01-01"}
    assert check_card(1, "attention", "qkv", stored, LOG) == ScheduleDrift(
        1,
        "attention",
        "qkv",
        (FieldDifference("due_on", "2030-01-01", "2026-03-10"), FieldDifference("reviews", 7, 1)),
    )


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (LoggedReview(7, 6, "2026-03-09"), "review 7 has the grade 6, which is not 0-5"),
        (LoggedReview(7, True, "2026-03-09"), "review 7 has the grade True, which is not 0-5"),
        (LoggedReview(7, "5", "2026-03-09"), "review 7 has the grade '5', which is not 0-5"),
        (LoggedReview(7, 5, "yesterday"), "review 7 has the date 'yesterday', which is not a date"),
        (LoggedReview(7, 5, None), "review 7 has the date None, which is not a date"),
    ],
)
def test_a_log_with_an_impossible_row_is_unreadable(entry: LoggedReview, reason: str) -> None:
    found = check_card(1, "attention", "qkv", STORED, [*LOG, entry])
    assert found == UnreadableLog(1, "attention", "qkv", reason)
