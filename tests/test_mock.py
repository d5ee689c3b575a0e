"""`quiz mock`'s rules as values: the draw, its order, the report (terminal, Markdown), its edges."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizcards.core.practice import PracticeCard
from quizcards.core.practice.mock import (
    MockDraw,
    MockQuestion,
    MockResult,
    PointResult,
    build_report,
    draw_mock,
    group_shares,
    weakness,
)
from quizcards.core.scheduler import Schedule
from quizcards.core.session import SessionFilter
from quizcards.render import make_console
from quizcards.render import mock as render
from quizcards.store import Store
from tests.helpers import examples, grade

TODAY = date(2026, 3, 10)


def card(
    pk: int,
    deck: str = "d",
    tag: str = "t",
    *,
    reviews: int = 1,
    easiness: int = 250,
    lapses: int = 0,
    due: date | None = TODAY,
    recent: tuple[int, ...] = (),
) -> PracticeCard:
    schedule = Schedule(
        repetitions=min(reviews, 2),
        interval_days=1 if reviews else 0,
        easiness_hundredths=easiness,
        due_on=due if reviews else None,
        lapses=lapses,
        reviews=reviews,
    )
    return PracticeCard(pk, deck, f"c{pk}", pk, (tag,), schedule, recent)


def topics(draw: MockDraw) -> list[tuple[str, str]]:
    return [question.topic for question in draw.questions]


def neighbours(order: list[tuple[str, str]]) -> int:
    return sum(first == second for first, second in itertools.pairwise(order))


# ---- the draw ------------------------------------------------------------------------------------


def test_shares_of_a_draw() -> None:
    assert group_shares(8) == (4, 3, 1)  # weak, due, new
    assert group_shares(16) == (7, 7, 2)
    assert group_shares(3) == (1, 1, 1)
    assert group_shares(2) == (1, 1, 0)
    assert group_shares(1) == (1, 0, 0)


def test_weakness_counts_lost_easiness_lapses_and_recent_bad_grades() -> None:
    assert weakness(card(1)) == 0
    assert weakness(card(1, recent=(5, 4, 5))) == 0
    assert weakness(card(1, easiness=230)) == 2
    assert weakness(card(1, lapses=2)) == 6
    assert weakness(card(1, recent=(1, 3))) == 2 * (3 + 1)


def test_a_draw_mixes_weak_due_and_new_cards_in_its_shares() -> None:
    weak = [card(pk, tag=f"w{pk % 3}", easiness=230 - 10 * pk, lapses=1) for pk in range(1, 11)]
    due = [card(pk, tag=f"d{pk % 3}", due=TODAY - timedelta(days=pk)) for pk in range(11, 21)]
    later = [card(pk, tag="x", due=TODAY + timedelta(days=5)) for pk in range(21, 25)]
    new = [card(pk, tag=f"n{pk % 2}", reviews=0) for pk in range(25, 30)]
    draw = draw_mock([*weak, *due, *later, *new], 8, TODAY, random.Random(1))
    assert (draw.count("weak"), draw.count("due"), draw.count("new"), draw.count("seen")) == (4, 3, 1, 0)
    # Each share comes from its group's best-ranked cards (2 x the share): the weakest, the most overdue.
    assert {q.card.pk for q in draw.questions if q.reason == "weak"} <= set(range(3, 11))
    assert {q.card.pk for q in draw.questions if q.reason == "due"} <= set(range(15, 21))
    assert len({q.card.pk for q in draw.questions}) == 8


def test_a_short_group_leaves_its_places_to_the_others_in_order() -> None:
    weak = [card(1, lapses=1)]
    due = [card(pk, tag=f"t{pk}", due=TODAY - timedelta(days=1)) for pk in range(2, 6)]
    later = [card(pk, tag=f"t{pk}", due=TODAY + timedelta(days=pk)) for pk in range(6, 8)]
    new = [card(pk, tag=f"t{pk}", reviews=0) for pk in range(8, 12)]
    draw = draw_mock([*weak, *due, *later, *new], 8, TODAY, random.Random(2))
    # 1 weak (all there is), 4 due (3 + the weak share's leftover), 2 other seen cards, then 1 new.
    counts = Counter(question.reason for question in draw.questions)
    assert counts == {"weak": 1, "due": 4, "seen": 2, "new": 1}
    few = draw_mock([*weak, *new[:2]], 8, TODAY, random.Random(2))
    assert (len(few.questions), few.wanted, few.available) == (3, 8, 3)


def test_the_same_seed_draws_the_same_questions_in_the_same_order() -> None:
    cards = [card(pk, tag=f"t{pk % 4}", lapses=pk % 2, reviews=pk % 5) for pk in range(1, 40)]
    first = draw_mock(cards, 8, TODAY, random.Random(42))
    assert draw_mock(cards, 8, TODAY, random.Random(42)) == first
    others = {draw_mock(cards, 8, TODAY, random.Random(seed)).questions for seed in range(5)}
    assert len(others) > 1  # and another seed, another mock


def test_the_warm_up_is_not_the_hardest_question() -> None:
    cards = [card(1, tag="a", lapses=3), card(2, tag="b", lapses=1), card(3, tag="c", reviews=0)]
    cards.append(card(4, "e"))
    for seed in range(10):
        draw = draw_mock(cards, 4, TODAY, random.Random(seed))
        assert draw.questions[0].card.pk == 4  # a due card the learner knows
        assert max(draw.questions, key=lambda q: q.difficulty).card.pk == 1


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=14),
    st.integers(1, 14),
    st.integers(0, 10**6),
)
def test_no_two_questions_in_a_row_share_a_topic_unless_unavoidable(
    specs: list[tuple[int, int, int]], questions: int, seed: int
) -> None:
    cards = [
        card(pk, f"deck{deck}", f"tag{tag}", lapses=lapses, reviews=1 if lapses else pk % 2)
        for pk, (deck, tag, lapses) in enumerate(specs, 1)
    ]
    draw = draw_mock(cards, questions, TODAY, random.Random(seed))
    order = topics(draw)
    largest = max(Counter(order).values())
    assert neighbours(order) == max(0, 2 * largest - len(order) - 1)  # the fewest any order has
    assert len(draw.questions) == min(questions, len(cards))


def test_practice_cards_of_a_store_draw_alike_with_a_seed(small_store: Store) -> None:
    grade(small_store, "attention", "qkv", 2, TODAY - timedelta(days=3))
    grade(small_store, "attention", "scale", 5, TODAY - timedelta(days=3))
    cards = small_store.practice_cards(SessionFilter())
    first = draw_mock(cards, 3, TODAY, random.Random(9))
    reasons = {question.card.card_id: question.reason for question in first.questions}
    assert reasons == {"qkv": "weak", "scale": "due", "bottleneck": "new"}
    assert draw_mock(small_store.practice_cards(SessionFilter()), 3, TODAY, random.Random(9)) == first


# ---- the report ----------------------------------------------------------------------------------


def result(number: int, grade_given: int | None, tags: tuple[str, ...], **fields: object) -> MockResult:
    values: dict[str, object] = {
        "number": number,
        "deck": "attention",
        "card_id": f"c{number}",
        "reason": "due",
        "tags": tags,
        "question": f"Question {number}?",
        "model_answer": "The answer.",
        "explanation": "typed words",
        "elapsed_ms": 60_000,
        "limit_ms": 180_000,
        "points": (PointResult("query", "mentioned"), PointResult("weighted sum", "missing")),
        "grade": grade_given,
    }
    values.update(fields)
    return MockResult(**values)  # type: ignore[arg-type]


def report_of(*results: MockResult) -> object:
    draw = MockDraw(tuple(MockQuestion(card(r.number), r.reason) for r in results), len(results), 9)
    return build_report(draw, results, taken_on=TODAY, selection=SessionFilter(), seed=7, limit_ms=180_000)


def test_the_report_names_the_weakest_topics_and_what_to_study_next() -> None:
    report = build_report(
        MockDraw((), 5, 9),
        [
            result(1, 4, ("nlp", "attention")),
            result(2, 1, ("nlp",)),
            result(3, 1, ("cnn",), points=(PointResult("pooling", "missing"),)),
            result(4, 3, ("cnn",), explanation=""),  # answered in the head: points not checked
            result(5, None, ("gans",)),  # not graded: neither a topic score nor a thing to study
        ],
        taken_on=TODAY,
        selection=SessionFilter(decks=("attention", "cnn")),
        seed=7,
        limit_ms=180_000,
    )
    weakest = [(score.tag, score.mean_grade, score.count) for score in report.weakest_topics]
    assert weakest == [("cnn", 2.0, 2), ("nlp", 2.5, 2)]  # attention's 4.0 is not weak
    assert [r.number for r in report.study_next] == [2, 3, 4]  # grade, then most points missed
    assert report.results[3].missed == ()
    assert not report.results[3].checked
    assert (report.mean_grade, len(report.graded)) == (9 / 4, 4)
    text = render.report_markdown(report)
    assert "- Decks: – (chosen from attention, cnn)\n" in text  # no draw behind these results


def test_the_report_in_the_terminal_at_80_columns() -> None:
    report = report_of(result(1, 2, ("nlp",), elapsed_ms=200_500), result(2, None, ("cnn",)))
    console = make_console()
    with console.capture() as captured:
        console.print(render.report(report), width=80)  # type: ignore[arg-type]
    out = captured.get()
    assert "3:20 (+0:20)" in out
    assert "missed: weighted sum" in out
    assert "2 of 2 questions answered, 1 graded, mean grade 2.0; 1 answer over the 3" in out
    assert "Study next:" in out
    assert "attention/c1 (graded 2): missed weighted sum" in out


def test_the_markdown_report_keeps_answers_exactly_and_inertly() -> None:
    hostile = "<img src=x onerror=alert(1)> [link](javascript:x) \x1b[31m&#x202e;\n```\n# not a heading"
    report = report_of(
        result(
            1,
            2,
            ("nlp",),
            question="Why <b>bold</b> [x](y)?",
            explanation=hostile,
            model_answer="Use `code`, and ````fences````.\n<script>x</script>",
            card_id="c1|x",
        )
    )
    text = render.report_markdown(report)  # type: ignore[arg-type]
    assert "### 1. Why \\<b\\>bold\\</b\\> \\[x\\](y)?" in text
    assert "\x1b" not in text
    # The learner's answer sits in a fence longer than any backtick run inside it, so it cannot close early.
    typed = "<img src=x onerror=alert(1)> [link](javascript:x) [31m&#x202e;\n```\n# not a heading"
    assert f"````text\n{typed}\n````" in text
    assert "`````markdown\nUse `code`, and ````fences````.\n<script>x</script>\n`````" in text
    assert "**attention/c1\\|x** (graded 2; missed: weighted sum)" in text
    assert "- ✓ query\n- ✗ weighted sum" in text
    assert "- Seed 7: `--seed 7` draws these questions again from the cards as they stood before" in text


def test_the_timer_prompt_and_the_time_of_an_answer() -> None:
    assert render.timer_prompt(42_000, 180_000, first_line=True) == "[0:42, 2:18 left] > "
    assert render.timer_prompt(192_000, 180_000, first_line=False) == "[3:12, 0:12 over]   "
    over = render.answer_time(200_000, 180_000)
    assert over.plain == "  Answered in 3 min 20 s: 20 s over the 3 min limit."
    assert render.answer_time(90_000, 180_000).plain == "  Answered in 1 min 30 s, within the 3 min limit."


# ---- the command's edges ---------------------------------------------------------------------------


def test_quiz_mock_needs_a_terminal(deck_db: Path, quiz) -> None:  # type: ignore[no-untyped-def]
    result = quiz("mock")
    assert result.exit_code == 1
    assert "quiz mock is interactive and needs a terminal" in result.output


def test_quiz_mock_refuses_a_bad_report_file_or_selection_before_asking(
    deck_db: Path, quiz, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("quizcards.adapters.terminal.is_interactive", lambda: True)
    before = deck_db.read_bytes()
    refused = quiz("mock", "-o", deck_db)
    assert refused.exit_code == 1
    assert "is the quizcards database itself; choose another file for the report." in refused.output
    missing = quiz("mock", "-o", tmp_path / "nowhere" / "report.md")
    assert "the folder" in missing.output
    assert "does not exist" in missing.output
    unknown = quiz("mock", "--tag", "nope")
    assert "no card or deck has the tag 'nope'" in unknown.output
    assert deck_db.read_bytes() == before


def test_the_markdown_report_renders_no_link_image_or_html_from_deck_or_learner_text() -> None:
    from markdown_it import MarkdownIt

    hostile = "<img src=x> [a](javascript:x) ![i](http://t/x.png) <script>s</script>\n```\n````\n~~~\n# h"
    hostile_result = result(
        1, 1, ("t<i>", "[a](b)"), question=hostile, model_answer=hostile, explanation=hostile
    )
    report = report_of(hostile_result)
    html = MarkdownIt("commonmark").enable("table").render(render.report_markdown(report))  # type: ignore[arg-type]
    tags = set(re.findall(r"<([a-z0-9]+)", html))
    assert tags <= {
        "code",
        "h1",
        "h2",
        "h3",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }


# ---- reviewer findings (session 4) -------------------------------------------------------------------


def terminal_report(report: object, width: int = 80) -> str:
    console = make_console()
    with console.capture() as captured:
        console.print(render.report(report), width=width)  # type: ignore[arg-type]
    return " ".join(captured.get().split())


def test_a_report_with_nothing_graded_says_nothing_was_graded() -> None:
    report = report_of(result(1, None, ("nlp",)))
    for text in (terminal_report(report), " ".join(render.report_markdown(report).split())):  # type: ignore[arg-type]
        assert "Nothing was graded." in text
        assert "below 4" not in text
        assert "Weakest topics" not in text
        assert "weak topic" not in text


def test_weak_topics_are_only_tags_with_a_mean_grade_below_4() -> None:
    top = report_of(result(1, 5, ("a", "b", "c")))
    assert top.weakest_topics == ()  # type: ignore[attr-defined]
    for text in (terminal_report(top), " ".join(render.report_markdown(top).split())):  # type: ignore[arg-type]
        assert "No weak topic: no tag has a mean grade below 4." in text
        assert "Weakest topics" not in text
    mixed = report_of(result(1, 3, ("a", "b")), result(2, 5, ("a",)), result(3, 2, ("c",)))
    weakest = [(score.tag, score.mean_grade) for score in mixed.weakest_topics]  # type: ignore[attr-defined]
    assert weakest == [("c", 2.0), ("b", 3.0)]  # a's mean is 4.0: not weak


@pytest.mark.parametrize("limit_ms", [30_000, 30_500, 180_000])
def test_the_timer_figures_always_add_up_to_the_limit(limit_ms: int) -> None:
    reading = re.compile(r"\[(\d+):(\d\d), (\d+):(\d\d) (left|over)\]")
    for elapsed_ms in range(0, limit_ms + 40_000, 250):
        match = reading.match(render.timer_prompt(elapsed_ms, limit_ms, first_line=True))
        assert match is not None
        shown = int(match[1]) * 60 + int(match[2])
        other = int(match[3]) * 60 + int(match[4])
        assert shown == elapsed_ms // 1000
        assert shown + (other if match[5] == "left" else -other) == limit_ms // 1000, elapsed_ms
        assert (match[5] == "over") == (elapsed_ms > limit_ms)


def test_the_report_time_and_its_overrun_add_up() -> None:
    report = report_of(result(1, 2, ("nlp",), elapsed_ms=45_200, limit_ms=30_500))
    assert "0:45 (+0:15)" in terminal_report(report)


def test_a_mock_reveal_shows_no_earlier_explanation(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib
    from collections.abc import Iterator
    from datetime import datetime

    from quizcards.cli import mock as cli_mock
    from quizcards.core.scheduler import Grade

    pk = small_store.practice_cards(SessionFilter())[0].pk
    small_store.record_practice(
        pk,
        Grade(5),
        "cram",
        reviewed_on=TODAY,
        reviewed_at=datetime(2026, 3, 10, 9, 0),
        explanation="an older cram answer",
        duration_ms=1000,
    )
    assert small_store.last_explanation(pk) is not None

    class Keys:
        def read(self) -> str:
            return "4"

        def burst(self) -> bool:
            return False

    @contextlib.contextmanager
    def fake_keys() -> Iterator[Keys]:
        yield Keys()

    monkeypatch.setattr("quizcards.adapters.terminal.single_keys", fake_keys)
    monkeypatch.setattr(cli_mock, "clock", lambda: datetime(2026, 3, 10, 10, 0))
    card = small_store.study_card(pk)
    question = MockQuestion(small_store.practice_cards(SessionFilter())[0], "due")
    answered = cli_mock._Answered(1, question, card, "my mock answer", 5_000)
    console = make_console()
    with console.capture() as captured:
        graded = cli_mock._grade(console, small_store, answered, 180_000)
    assert graded.grade == 4
    out = captured.get()
    assert "an older cram answer" not in out
    assert "Your last explanation" not in out


def test_the_question_header_fits_80_columns_keeping_its_counts() -> None:
    from quizcards.core.session import StudyCard

    study = StudyCard(
        1, "t", "Self-attention and the Transformer " * 2, "c", "q", "a", (), (), (), None, card(1).schedule
    )
    for width in (80, 60):
        console = make_console()
        with console.capture() as captured:
            console.rule(render.question_header(study, 3, 8, "weak", width=width), style="")
        out = captured.get()
        assert "question 3 of 8" in out, out
        assert "weak spot" in out
    console = make_console()
    short = StudyCard(1, "t", "Attention", "c", "q", "a", (), (), (), None, card(1).schedule)
    with console.capture() as captured:
        console.rule(render.question_header(short, 3, 8, "weak", width=80))
    assert "Attention" in captured.get()


GFM_AUTOLINK = re.compile(
    # GitHub-flavoured Markdown's extended autolinks (spec 0.29, section 6.9): www., http(s)://, ftp://
    # after the start, a space or one of *_~(; mailto:/xmpp: and bare e-mail addresses anywhere in text.
    r"(?:(?<![^\s*_~(])(?:www\.|(?:https?|ftp)://)[\w-]+)"
    r"|(?:(?:mailto:|xmpp:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    re.IGNORECASE,
)


def test_the_markdown_report_makes_no_gfm_autolink_and_still_reads_right() -> None:
    from markdown_it import MarkdownIt

    urls = "see http://e.x, https://a.b/c www.e.x (ftp://f.g) mailto:a@b.co and me@x.org"
    report = report_of(
        result(
            1,
            2,
            (urls,),
            question=urls,
            deck="http://e.x",
            card_id="www.e.x",
            points=(PointResult(urls, "missing"),),
            model_answer="fenced http://e.x",
            explanation="fenced www.e.x",
        )
    )
    text = render.report_markdown(report)  # type: ignore[arg-type]
    # No flavour links in code: what is left outside code blocks and code spans is what GFM could link.
    outside_code = re.sub(r"^(`{3,})\w*\n.*?^\1$", "", text, flags=re.MULTILINE | re.DOTALL)
    outside_code = re.sub(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", "", outside_code)
    assert GFM_AUTOLINK.findall(outside_code) == []
    assert "`http://e.x`/`www.e.x`" in text
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<a " not in html
    assert "see <code>http://e.x,</code> <code>https://a.b/c</code> <code>www.e.x</code>" in html
    assert urls in html_to_text(html)  # reads as written
    hostile = report_of(result(1, 2, ("t",), question="``a@b.c`` `x`|y"))
    assert "### 1. ``` ``a@b.c`` ``` \\`x\\`\\|y" in render.report_markdown(hostile)  # type: ignore[arg-type]


def html_to_text(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def test_the_time_an_answer_took_and_its_overrun_add_up_in_whole_seconds() -> None:
    assert render.answer_time(45_200, 30_500).plain == "  Answered in 45 s: 15 s over the 30 s limit."
    assert render.answer_time(30_400, 30_000).plain == (
        "  Answered in 30 s: less than a second over the 30 s limit."
    )
    report = report_of(result(1, 2, ("nlp",), elapsed_ms=45_200, limit_ms=30_500))
    assert "· 45 s, 15 s over the limit ·" in render.report_markdown(report)  # type: ignore[arg-type]
