"""The mock interview's rules: which cards are drawn, in what order, and what the report says.

The draw mixes three groups of the selected cards, each ranked:

- **weak**: cards seen before whose easiness fell, that lapsed or were graded below 4 lately,
  weakest first (``weakness``);
- **due**: the other seen cards due today or earlier, most overdue first;
- **new**: never-reviewed cards, in deck order.

Of N questions, about one in eight is new (one at least from 3 questions on: N // 8), half of
the rest weak (rounded up), and the rest due. Each group's share is drawn at random (by the
``random.Random`` passed in) among its 2 x share best-ranked cards, so two mocks differ while
the weakest cards stay likely. A group that is short leaves its places to the others, in this
order: weak, due, other seen cards (soonest due first), new. With fewer cards than N, all of
them are asked.

The order moves between topics as an interviewer would: a topic is a card's deck and first tag;
each next question comes from the topic with most questions left that differs from the
previous one's, preferring another deck on a tie, which keeps same-topic neighbours to the fewest
possible; the warm-up is the least difficult card drawn (weak cards are the most difficult, then
new ones, then the rest by ``weakness``) whose topic still allows that fewest, so it is never the
hardest card unless all are alike.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from quizcards.core.practice import PracticeCard
from quizcards.core.scheduler import INITIAL_EASINESS_HUNDREDTHS
from quizcards.core.session import SessionFilter

__all__ = [
    "DEFAULT_QUESTIONS",
    "DrawReason",
    "MockDraw",
    "MockQuestion",
    "MockReport",
    "MockResult",
    "PointResult",
    "TopicScore",
    "build_report",
    "draw_mock",
    "group_shares",
    "weakness",
]

DEFAULT_QUESTIONS = 8
# Grades below this count against a card, as SM-2's re-drill threshold does.
GOOD_GRADE = 4

DrawReason = Literal["weak", "due", "new", "seen"]


def weakness(card: PracticeCard) -> int:
    """How weak a seen card looks (0: not at all): lost easiness, lapses, recent grades below 4."""
    lost = max(0, INITIAL_EASINESS_HUNDREDTHS - card.schedule.easiness_hundredths) // 10
    below = sum(GOOD_GRADE - grade for grade in card.recent_grades if grade < GOOD_GRADE)
    return lost + 3 * card.schedule.lapses + 2 * below


def group_shares(questions: int) -> tuple[int, int, int]:
    """How many weak, due and new cards a draw of ``questions`` aims for."""
    new = 0 if questions < 3 else max(1, questions // 8)
    weak = (questions - new + 1) // 2
    return weak, questions - new - weak, new


@dataclass(frozen=True, slots=True)
class MockQuestion:
    """A drawn card and the group it was drawn from."""

    card: PracticeCard
    reason: DrawReason

    @property
    def topic(self) -> tuple[str, str]:
        return (self.card.deck, self.card.tags[0] if self.card.tags else "")

    @property
    def difficulty(self) -> int:
        # A new card is harder than a due one the learner knows, easier than a weak one.
        if self.reason == "new":
            return 50
        score = weakness(self.card)
        return 100 + score if self.reason == "weak" else score


@dataclass(frozen=True, slots=True)
class MockDraw:
    """The questions in the order they are asked, and how many were wanted and could be."""

    questions: tuple[MockQuestion, ...]
    wanted: int
    available: int  # active cards in the selection

    def count(self, reason: DrawReason) -> int:
        return sum(question.reason == reason for question in self.questions)


def draw_mock(cards: Sequence[PracticeCard], questions: int, today: date, rng: random.Random) -> MockDraw:
    """The mock interview's questions, drawn and ordered by the rules in this module's docstring."""
    weak_cards, due_cards, new_cards, other_cards = _groups(cards, today)
    weak_share, due_share, new_share = group_shares(questions)
    chosen: list[MockQuestion] = []
    leftovers: list[list[MockQuestion]] = []
    shares: tuple[tuple[list[PracticeCard], int, DrawReason], ...] = (
        (weak_cards, weak_share, "weak"),
        (due_cards, due_share, "due"),
        (new_cards, new_share, "new"),
    )
    for group, share, reason in shares:
        candidates = group[: 2 * share]
        picked = set(rng.sample(range(len(candidates)), min(share, len(candidates))))
        chosen += [MockQuestion(candidates[i], reason) for i in sorted(picked)]
        leftovers.append([MockQuestion(card, reason) for i, card in enumerate(group) if i not in picked])
    weak_left, due_left, new_left = leftovers
    fallback = [*weak_left, *due_left, *(MockQuestion(card, "seen") for card in other_cards), *new_left]
    chosen += fallback[: max(0, questions - len(chosen))]
    return MockDraw(_interview_order(chosen, rng), questions, len(cards))


def _groups(
    cards: Iterable[PracticeCard], today: date
) -> tuple[list[PracticeCard], list[PracticeCard], list[PracticeCard], list[PracticeCard]]:
    """The cards as weak, due, new and other seen ones, each in its rank order."""
    weak, due, new, other = [], [], [], []
    for card in cards:
        if card.schedule.is_new:
            new.append(card)
        elif weakness(card) > 0:
            weak.append(card)
        elif card.schedule.due_on is not None and card.schedule.due_on <= today:
            due.append(card)
        else:
            other.append(card)
    weak.sort(key=lambda card: (-weakness(card), card.order))
    due.sort(key=lambda card: (card.schedule.due_on or today, card.order))
    other.sort(key=lambda card: (card.schedule.due_on or today, card.order))
    return weak, due, new, other


def _interview_order(questions: Sequence[MockQuestion], rng: random.Random) -> tuple[MockQuestion, ...]:
    """The easiest warm-up that still allows the fewest same-topic neighbours, then topics interleaved."""
    left = list(questions)
    rng.shuffle(left)  # ties (equal difficulty, equal topic counts) fall by the seed
    best: list[MockQuestion] = []
    tried: set[tuple[str, str]] = set()
    for warm_up in sorted(left, key=lambda question: question.difficulty):
        if warm_up.topic in tried:
            continue
        tried.add(warm_up.topic)
        order = _follow(warm_up, [question for question in left if question is not warm_up])
        if not best or _neighbours(order) < _neighbours(best):
            best = order
    return tuple(best)


def _follow(warm_up: MockQuestion, left: list[MockQuestion]) -> list[MockQuestion]:
    order = [warm_up]
    while left:
        previous = order[-1]
        topics = Counter(question.topic for question in left)
        elsewhere = [question for question in left if question.topic != previous.topic] or left
        following = max(
            elsewhere,
            key=lambda question: (topics[question.topic], question.card.deck != previous.card.deck),
        )
        left.remove(following)
        order.append(following)
    return order


def _neighbours(order: Sequence[MockQuestion]) -> int:
    """How many questions follow one of the same topic."""
    return sum(first.topic == second.topic for first, second in pairwise(order))


# ---- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointResult:
    """One key point of an answer and what the checklist found: mentioned, doubtful or missing."""

    point: str
    status: str


@dataclass(frozen=True, slots=True)
class MockResult:
    """One question as it went: what was asked and answered, how long it took, the key points, the grade."""

    number: int
    deck: str
    card_id: str
    reason: DrawReason
    tags: tuple[str, ...]
    question: str
    model_answer: str
    explanation: str
    elapsed_ms: int
    limit_ms: int
    points: tuple[PointResult, ...]
    grade: int | None  # None: answered, but the interview ended before it was graded

    @property
    def over_limit(self) -> bool:
        return self.elapsed_ms > self.limit_ms

    @property
    def checked(self) -> bool:
        """Whether the key points were checked: not for an answer given in the head (nothing typed)."""
        return bool(self.points) and bool(self.explanation.strip())

    @property
    def mentioned(self) -> int:
        return sum(point.status == "mentioned" for point in self.points) if self.checked else 0

    @property
    def missed(self) -> tuple[str, ...]:
        if not self.checked:
            return ()
        return tuple(point.point for point in self.points if point.status != "mentioned")


@dataclass(frozen=True, slots=True)
class TopicScore:
    """A tag's mean grade over the graded questions that carry it."""

    tag: str
    mean_grade: float
    count: int


@dataclass(frozen=True, slots=True)
class MockReport:
    """The whole interview: when, over what, the questions as they went, and what to study next."""

    taken_on: date
    decks: tuple[str, ...]  # the decks the questions came from
    selection: SessionFilter  # the decks and tags they were chosen from (none: all)
    seed: int
    questions_planned: int
    limit_ms: int
    results: tuple[MockResult, ...]
    weakest_topics: tuple[TopicScore, ...]
    study_next: tuple[MockResult, ...]

    @property
    def graded(self) -> tuple[MockResult, ...]:
        return tuple(result for result in self.results if result.grade is not None)

    @property
    def mean_grade(self) -> float | None:
        grades = [result.grade for result in self.results if result.grade is not None]
        return sum(grades) / len(grades) if grades else None

    @property
    def over_limit(self) -> int:
        return sum(result.over_limit for result in self.results)


# How many tags the report names as the weakest topics (those with a mean grade below GOOD_GRADE).
WEAKEST_TOPICS = 3


def build_report(
    draw: MockDraw,
    results: Sequence[MockResult],
    *,
    taken_on: date,
    selection: SessionFilter,
    seed: int,
    limit_ms: int,
) -> MockReport:
    """The report of an interview; questions never answered (it ended early) are left out of it."""
    decks = tuple(sorted({question.card.deck for question in draw.questions}))
    return MockReport(
        taken_on=taken_on,
        decks=decks,
        selection=selection,
        seed=seed,
        questions_planned=len(draw.questions),
        limit_ms=limit_ms,
        results=tuple(results),
        weakest_topics=weakest_topics(results),
        study_next=study_next(results),
    )


def weakest_topics(results: Iterable[MockResult], limit: int = WEAKEST_TOPICS) -> tuple[TopicScore, ...]:
    """The weak topics: tags whose mean grade over the graded questions is below 4, lowest first.

    More questions come first on a tie. A tag at 4 or more is not weak however low it ranks, so a
    report where every tag did well names no weak topic rather than the least good of the good.
    """
    grades: dict[str, list[int]] = {}
    for result in results:
        if result.grade is not None:
            for tag in result.tags:
                grades.setdefault(tag, []).append(result.grade)
    scores = [TopicScore(tag, sum(values) / len(values), len(values)) for tag, values in grades.items()]
    scores = [score for score in scores if score.mean_grade < GOOD_GRADE]
    scores.sort(key=lambda score: (score.mean_grade, -score.count, score.tag))
    return tuple(scores[:limit])


def study_next(results: Iterable[MockResult]) -> tuple[MockResult, ...]:
    """The questions graded below 4, lowest grade first, then the most key points missed."""
    weak = [result for result in results if result.grade is not None and result.grade < GOOD_GRADE]
    return tuple(sorted(weak, key=lambda result: (result.grade, -len(result.missed), result.number)))
