"""`quiz cram`: its choice and order rules, its loop (logged, re-asked, undone), an untouched schedule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from quizcards.cli.asking import Answer, Quit
from quizcards.core.practice import PracticeCard
from quizcards.core.practice.cram import CramAnswer, CramOptions, choose_cram, summarize_cram, weakness
from quizcards.core.scheduler import Grade, Schedule
from quizcards.core.session import SessionFilter
from quizcards.render import practice as render
from quizcards.store import Store
from tests.helpers import Quiz, grade, pk_of

TODAY = date(2026, 3, 10)


def card(
    pk: int,
    *,
    due_in: int | None = 0,
    easiness: int = 250,
    lapses: int = 0,
    recent: tuple[int, ...] = (),
    order: int | None = None,
) -> PracticeCard:
    due_on = None if due_in is None else TODAY + timedelta(days=due_in)
    schedule = Schedule(
        repetitions=0 if due_on is None else 1,
        interval_days=0 if due_on is None else 1,
        easiness_hundredths=easiness,
        due_on=due_on,
        lapses=lapses,
        reviews=0 if due_on is None else 1,
    )
    return PracticeCard(pk, "deck", f"c{pk}", pk if order is None else order, (), schedule, recent)


def pks(cards: tuple[PracticeCard, ...]) -> list[int]:
    return [c.pk for c in cards]


# ---- the core's rules ---------------------------------------------------------------------------


def test_by_default_soonest_due_first_then_deck_order_and_no_new_cards() -> None:
    cards = [
        card(1, due_in=3),
        card(2, due_in=-2),
        card(3, due_in=None),
        card(4, due_in=3),
        card(5, due_in=0),
    ]
    choice = choose_cram(cards, TODAY, CramOptions())
    assert pks(choice.cards) == [2, 5, 1, 4]
    with_new = choose_cram(cards, TODAY, CramOptions(include_new=True))
    assert pks(with_new.cards) == [2, 5, 1, 4, 3]  # new cards have no due date: last


def test_due_within_keeps_overdue_cards_and_those_due_up_to_today_plus_n() -> None:
    cards = [card(1, due_in=-5), card(2, due_in=2), card(3, due_in=3), card(4, due_in=None)]
    assert pks(choose_cram(cards, TODAY, CramOptions(due_within=2)).cards) == [1, 2]
    assert pks(choose_cram(cards, TODAY, CramOptions(due_within=0)).cards) == [1]
    # --new still brings the never-seen cards, which have no due date to be within.
    assert pks(choose_cram(cards, TODAY, CramOptions(due_within=0, include_new=True)).cards) == [1, 4]


def test_weak_orders_by_easiness_then_lapses_then_recent_grades_then_deck_order() -> None:
    cards = [
        card(1, easiness=250, lapses=0, recent=(5, 5)),
        card(2, easiness=180),
        card(3, easiness=250, lapses=2),
        card(4, easiness=250, lapses=0, recent=(1, 2)),
        card(5, easiness=250, lapses=0),  # no recent grades: counted as 5
        card(6, due_in=None, easiness=130),  # new: no record to be weak on, so last
        card(7, easiness=250, lapses=0, recent=(5, 5)),
    ]
    choice = choose_cram(cards, TODAY, CramOptions(weak=True, include_new=True))
    assert pks(choice.cards) == [2, 3, 4, 1, 5, 7, 6]
    assert weakness(cards[3]) == (250, 0, 1.5, 4)


def test_the_limit_takes_the_first_cards_of_the_order() -> None:
    cards = [card(pk, due_in=10 - pk) for pk in range(1, 31)]
    assert len(choose_cram(cards, TODAY, CramOptions()).cards) == 20  # the default
    assert pks(choose_cram(cards, TODAY, CramOptions(limit=3)).cards) == [30, 29, 28]


@pytest.mark.parametrize(
    ("cards", "options", "because", "line"),
    [
        ([], CramOptions(), "no_cards", "Nothing to cram: the chosen decks and tags hold no active card."),
        (
            [card(1, due_in=None), card(2, due_in=None)],
            CramOptions(),
            "only_new",
            "Nothing to cram: all 2 cards chosen are new (never reviewed); --new includes them.",
        ),
        (
            [card(1, due_in=9), card(2, due_in=None)],
            CramOptions(due_within=3),
            "none_due",
            "Nothing to cram: none of the 1 reviewed card is due within 3 days; the next is due on "
            "2026-03-19. A larger --due-within takes more.",
        ),
    ],
)
def test_an_empty_cram_says_which_filter_left_nothing(
    cards: list[PracticeCard], options: CramOptions, because: str, line: str
) -> None:
    choice = choose_cram(cards, TODAY, options)
    assert (choice.cards, choice.empty_because) == ((), because)
    assert render.nothing_to_cram(choice, options).plain == line


def test_the_summary_counts_cards_answers_grades_and_names_the_weakest_first_answers() -> None:
    a, b, c = card(1), card(2), card(3)
    answers = [CramAnswer(a, 2), CramAnswer(b, 5), CramAnswer(c, 1), CramAnswer(a, 4), CramAnswer(c, 4)]
    summary = summarize_cram(answers)
    assert (summary.cards, summary.answers, summary.again) == (3, 5, 2)
    assert summary.by_grade == (0, 1, 1, 0, 2, 1)
    assert [(x.pk, value) for x, value in summary.weakest] == [(3, 1), (1, 2)]
    assert summarize_cram([]).weakest == ()


# ---- the loop, with the learner's keys scripted ----------------------------------------------


def _script(monkeypatch: pytest.MonkeyPatch, keys: list[str]) -> list[str]:
    """Answer each card asked with the next key; returns the card ids in the order asked."""
    asked: list[str] = []
    pressed: Iterator[str] = iter(keys)

    def ask(console: object, store: object, study: object, **_: object) -> Answer:
        asked.append(study.card_id)  # type: ignore[attr-defined]
        return Answer(next(pressed), "typed", 1200)

    monkeypatch.setattr("quizcards.cli.asking.ask", ask)
    monkeypatch.setattr("quizcards.cli.review_loop.offer_last_undo", lambda console: False)
    monkeypatch.setenv("QUIZCARDS_NOW", "2026-03-10T09:00:00+00:00")
    return asked


def _cards_table(store: Store) -> list[tuple[object, ...]]:
    return [tuple(row) for row in store.conn.execute("SELECT * FROM cards ORDER BY id")]


def test_a_full_cram_logs_crams_re_asks_below_4_undoes_and_leaves_the_cards_table_byte_identical(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from quizcards.cli.cram import drive_cram

    for card_id, value in (("qkv", 4), ("scale", 5), ("bottleneck", 3)):
        grade(small_store, "attention", card_id, value, date(2026, 3, 1))
    before = _cards_table(small_store)
    cards = choose_cram(small_store.practice_cards(SessionFilter()), TODAY, CramOptions()).cards
    asked = _script(monkeypatch, ["1", "5", "u", "5", "5", "4"])
    answers: list[CramAnswer] = []
    drive_cram(cards, small_store, Console(file=None, width=80), answers)
    # All due on the same day: deck order. The 1 sends qkv back after the 2 others; the u, pressed
    # at bottleneck's reveal, takes back scale's 5 and asks scale again.
    assert asked == ["qkv", "scale", "bottleneck", "scale", "bottleneck", "qkv"]
    assert [(a.card.card_id, a.grade) for a in answers] == [
        ("qkv", 1),
        ("scale", 5),
        ("bottleneck", 5),
        ("qkv", 4),
    ]
    assert _cards_table(small_store) == before
    logged = small_store.conn.execute("SELECT kind, grade FROM reviews WHERE kind <> 'scheduled' ORDER BY id")
    assert [tuple(row) for row in logged] == [("cram", a.grade) for a in answers]
    assert all(row[0] == "cram" for row in logged)
    assert summarize_cram(answers).cards == 3


def test_a_card_due_later_is_scheduled_as_if_the_cram_had_not_happened(
    write_deck: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from quizcards.cli.cram import drive_cram
    from tests.conftest import SMALL_DECK
    from tests.helpers import import_decks

    deck = write_deck("attention.yaml", SMALL_DECK)  # type: ignore[operator]
    stores = [Store.memory(), Store.memory()]  # one crammed, one not
    for store in stores:
        import_decks(store, deck)
        grade(store, "attention", "qkv", 4, date(2026, 3, 4))
        grade(store, "attention", "qkv", 4, date(2026, 3, 5))  # SM-2's 6-day step: due on 2026-03-11
    crammed, untouched = stores
    cards = choose_cram(crammed.practice_cards(SessionFilter()), TODAY, CramOptions()).cards
    _script(monkeypatch, ["0", "1", "q"])  # failed, failed again, and stopped there
    with pytest.raises(Quit):
        drive_cram(cards, crammed, Console(file=None, width=80), [])
    # Today's review finds no re-drill owed by the cram's failed answers.
    assert crammed.redrill_card_ids(TODAY, SessionFilter()) == []
    due_on = crammed.study_card(pk_of(crammed, "attention", "qkv")).schedule.due_on
    assert due_on is not None
    for store in stores:
        grade(store, "attention", "qkv", 3, due_on)
    assert _cards_table(crammed) == _cards_table(untouched)
    for store in stores:
        store.close()


def test_quiz_cram_needs_a_terminal_and_says_so_when_nothing_matches(
    quiz: Quiz, deck_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = quiz("cram", db=deck_db)
    assert result.exit_code == 1
    assert "quiz cram is interactive and needs a terminal" in result.output
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)
    result = quiz("cram", db=deck_db)
    assert result.exit_code == 0  # as `quiz review` with nothing due
    assert (
        "Nothing to cram: all 3 cards chosen are new (never reviewed); --new includes them." in result.output
    )
    result = quiz("cram", "--tag", "nothing", db=deck_db)
    assert result.exit_code == 1
    assert "no card or deck has the tag 'nothing'" in result.output


def test_practice_answers_show_in_a_cards_history_with_their_kind(small_store: Store) -> None:
    from rich.console import Console

    from quizcards.render.cards import history_table

    grade(small_store, "attention", "qkv", 4, date(2026, 3, 1))
    pk = pk_of(small_store, "attention", "qkv")
    at = datetime(2026, 3, 10, 9, tzinfo=UTC)
    for kind in ("cram", "mock"):
        small_store.record_practice(
            pk, Grade.HESITANT, kind, reviewed_on=TODAY, reviewed_at=at, explanation="", duration_ms=0
        )
    console = Console(file=None, record=True, width=120)
    record = small_store.card_record("attention", "qkv")
    assert record is not None
    console.print(history_table(record))
    shown = console.export_text()
    assert "(cram)" in shown
    assert "(mock)" in shown


# ---- the kinds wherever the log is read ------------------------------------------------------


def _practise(store: Store, card_id: str, value: int, kind: str, day: date = TODAY) -> None:
    store.record_practice(
        pk_of(store, "attention", card_id),
        Grade(value),
        kind,  # type: ignore[arg-type]
        reviewed_on=day,
        reviewed_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10),
        explanation="",
        duration_ms=7000,
    )


def test_stats_count_practice_apart_and_retention_from_scheduled_reviews_only(small_store: Store) -> None:
    from quizcards.core.stats import build_stats, stats_csv_rows, stats_json

    grade(small_store, "attention", "qkv", 5, date(2026, 3, 1))
    grade(small_store, "attention", "qkv", 4, date(2026, 3, 2))  # a learned card's review: retention 1/1
    grade(small_store, "attention", "scale", 2, TODAY)
    grade(small_store, "attention", "scale", 4, TODAY)  # a re-drill
    for value in (0, 1, 2):  # failed crams of a learned card: not retention, not lapses
        _practise(small_store, "qkv", value, "cram")
    _practise(small_store, "qkv", 1, "mock")
    _practise(small_store, "bottleneck", 3, "mock", date(2026, 3, 8))  # a day with practice alone
    stats = build_stats(small_store, TODAY)
    today = stats.today
    assert (today.reviews, today.cards, today.redrills, today.duration_ms) == (2, 1, 1, 2000)
    assert (today.cram, today.mock) == (3, 1)
    all_time = stats.retention[-1]
    assert (all_time.reviews, all_time.passed) == (1, 1)
    assert stats.calendar.total_reviews == 4  # scheduled reviews and re-drills, on 3 days
    assert stats.calendar.active_days == 3
    assert (stats.streak.current, stats.streak.longest) == (1, 2)  # 8 March had practice only
    assert (stats.practice.cram, stats.practice.mock) == (3, 2)
    assert stats.leeches == ()
    since = build_stats(small_store, TODAY, since=date(2026, 3, 9))
    assert (since.practice.cram, since.practice.mock) == (3, 1)
    data = stats_json(stats)
    assert data["version"] == 1  # fields added, none changed meaning
    assert data["today"]["cram"] == 3
    assert data["practice"] == {"from": "2025-09-15", "to": "2026-03-10", "cram": 3, "mock": 2}
    csv = {(row["section"], row["metric"]): row["value"] for row in stats_csv_rows(stats)}
    assert (csv["today", "mock"], csv["practice", "cram"], csv["practice", "mock"]) == (1, 3, 2)


def test_stats_schema_describes_the_practice_fields(small_store: Store) -> None:
    import jsonschema

    from quizcards.core.stats import STATS_JSON_SCHEMA, build_stats, stats_json

    _practise(small_store, "qkv", 2, "cram")
    jsonschema.validate(stats_json(build_stats(small_store, TODAY)), STATS_JSON_SCHEMA)


def test_the_dashboard_shows_practice_only_when_there_is_some(small_store: Store) -> None:
    from rich.console import Console

    from quizcards.core.stats import build_stats
    from quizcards.render.stats import stats_dashboard
    from quizcards.render.stats_text import stats_markdown

    def shown() -> str:
        console = Console(file=None, record=True, width=100)
        console.print(stats_dashboard(build_stats(small_store, TODAY), 100))
        return console.export_text() + stats_markdown(build_stats(small_store, TODAY))

    grade(small_store, "attention", "qkv", 4, TODAY)
    assert "practice" not in shown().lower()  # a learner who never crams sees no change
    _practise(small_store, "qkv", 2, "cram")
    _practise(small_store, "qkv", 3, "mock")
    text = shown()
    assert "practice     1 cram · 1 mock " in text
    assert "plus 1 cram · 1 mock answers (practice, not in the map)" in text
    assert "- Practice (schedule unchanged): 1 cram · 1 mock answers" in text


def test_the_anki_revlog_carries_practice_as_filtered_reviews_that_change_nothing(small_store: Store) -> None:
    from quizcards.core.export.anki import REVLOG_FILTERED, anki_reviews, note_guid

    grade(small_store, "attention", "qkv", 5, date(2026, 3, 1))
    _practise(small_store, "qkv", 1, "cram", date(2026, 3, 1))
    grade(small_store, "attention", "qkv", 2, date(2026, 3, 2))  # a lapse: after the cram, still a lapse
    _practise(small_store, "qkv", 4, "mock", date(2026, 3, 2))
    _practise(small_store, "scale", 5, "cram", date(2026, 3, 2))  # a new card: exported as new, no log
    rows = list(small_store.iter_review_rows())
    from quizcards.core.export.records import REVIEW_FIELDS

    kind = REVIEW_FIELDS.index("kind")  # quiz export reviews carries every kind as it is
    assert [row[kind] for row in rows] == ["scheduled", "cram", "scheduled", "mock", "cram"]
    guids = [note_guid("attention", "qkv")]
    logged = [(r.type, r.ease, r.ivl, r.last_ivl, r.factor) for r in anki_reviews(rows, guids)]
    assert logged == [
        (0, 4, 1, 0, 2600),  # learning
        (REVLOG_FILTERED, 1, 1, 1, 2600),  # the cram: Again, the interval and ease as they were
        (1, 1, 1, 1, 2280),  # the lapse: a review answered Again
        (REVLOG_FILTERED, 3, 1, 1, 2280),
    ]
    assert REVLOG_FILTERED == 3


def test_the_cram_header_fits_80_columns_shortening_the_deck_title_never_the_counts() -> None:
    from quizcards.core.session import StudyCard
    from quizcards.render import make_console

    def rule(title: str, width: int) -> str:
        card = StudyCard(1, "t", title, "c", "q", "a", (), (), (), None, Schedule())
        console = make_console()
        with console.capture() as captured:
            console.rule(render.practice_header("Cram", card, 3, 5, again=1, width=width))
        return captured.get()

    for width in (80, 60):
        out = rule("Self-attention and the Transformer", width)
        assert "card 3 of 5" in out, out
        assert "1 to ask again" in out
        assert "Cram · Self-att" in out
    assert "Self-attention and the Transformer" in rule("Self-attention and the Transformer", 120)
    assert "card 3 of 5" in rule("A deck title far too long to fit on any terminal line " * 3, 80)
