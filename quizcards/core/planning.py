"""Planning back from a date: the new cards a day that see every card twice before it, and the load.

The rules, written down once (the README's "Interview coming up" says the same):

- *Before DATE* means on DATE - 1 at the latest: the interview day itself is not a study day.
  The study days run from today to DATE - 1.
- A card is *ready* once it has had two scheduled reviews or more and its last one was graded
  3 or better (``repetitions`` > 0). A ready card needs nothing more from the plan, whenever it
  is next due (a learning card due after DATE is ready already if it meets that).
- A card that has been seen but is not ready needs one more review graded 3 or better. It gets
  it on its due date (overdue: today). If that date is after DATE - 1 it is left out: the
  schedule does not bring it back in time.
- A new card started on day d comes back on d + 1 (SM-2's first interval), so the last day to
  start one is DATE - 2. New cards start in deck order, as `quiz review` draws them.
- The daily limit is the smallest one that starts every new card by DATE - 2 when the learner
  reviews every day; today's allowance is what the limit leaves after the new cards already
  started today, as in `quiz review`. The plan asks for at most ``max_new_per_day`` (30 unless
  told): past that the date is too close, and the plan shows what fits at that limit.
- An applied plan starts no new card on DATE - 1 (its limit that day is 0): one started then
  would first come back on DATE.
- The date is at most HORIZON_DAYS (366) days away.
- The learner is assumed to grade every card 3 or better (4 in the forecast), so the plan is a
  floor: every lapse adds reviews.

The forecast counts reviews a day from today to DATE - 1: the new cards started that day, the
later reviews of the cards the plan starts, and the reviews of cards already studied, from their
due dates, each simulated forward with the real scheduler at grade 4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from quizcards.core.errors import QuizError
from quizcards.core.scheduler import NEW, CardState, Grade, Schedule, card_state, review
from quizcards.core.session import SessionFilter

DEFAULT_MAX_NEW_PER_DAY = 30
# The furthest date a plan looks to: a year, leap day included. Past it the forecast only grows.
HORIZON_DAYS = 366
# The forecast's grade: "right, after hesitation", which leaves the easiness as it is.
ASSUMED_GRADE = Grade.HESITANT
PLAN_FORMAT = "quizcards-plan"
# Bumped only when a field is removed, renamed or changes meaning.
PLAN_VERSION = 1

LeftOutReason = Literal["no_day_to_start", "due_after_date"]


class PlanDateError(QuizError):
    """A plan's date that leaves no study day."""


@dataclass(frozen=True, slots=True)
class PlanCard:
    """A card as the plan sees it: its name and schedule, in deck order."""

    deck: str
    card_id: str
    schedule: Schedule

    @property
    def state(self) -> CardState:
        return card_state(self.schedule, retired=False)

    @property
    def ready(self) -> bool:
        """Seen at least twice, the last review graded 3 or better."""
        return self.schedule.reviews >= 2 and self.schedule.repetitions >= 1


@dataclass(frozen=True, slots=True)
class PlanDay:
    """One study day of the forecast."""

    day: date
    new: int
    follow_ups: int  # later reviews of the cards the plan starts
    scheduled: int  # reviews of cards studied before the plan

    @property
    def total(self) -> int:
        return self.new + self.follow_ups + self.scheduled


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A card that will not be ready before the date, and why."""

    card: PlanCard
    reason: LeftOutReason


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """What it takes to have every chosen card ready before ``until``."""

    today: date
    until: date
    counts: tuple[tuple[CardState, int], ...]
    ready: int
    new_per_day: int
    required_new_per_day: int | None  # None: no day is left to start a new card
    max_new_per_day: int
    introduced_today: int
    fits: tuple[PlanCard, ...]  # the cards that still need work and get it in time, weakest first
    left_out: tuple[LeftOut, ...]
    days: tuple[PlanDay, ...]

    @property
    def last_review_day(self) -> date:
        return self.until - timedelta(days=1)

    @property
    def last_start_day(self) -> date:
        return self.until - timedelta(days=2)

    @property
    def complete(self) -> bool:
        """Every card will be ready before the date."""
        return not self.left_out

    @property
    def total_cards(self) -> int:
        return sum(count for _, count in self.counts)

    @property
    def new_cards(self) -> int:
        return dict(self.counts).get("new", 0)

    @property
    def peak(self) -> int:
        return max((day.total for day in self.days), default=0)


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """An applied plan: its selection and daily limit, from the day it was applied until the date."""

    decks: tuple[str, ...]
    tags: tuple[str, ...]
    new_per_day: int
    starts_on: date
    until: date

    def active_on(self, day: date) -> bool:
        """It applies from its first day through the day before its date, never after."""
        return self.starts_on <= day < self.until

    @property
    def selection(self) -> SessionFilter:
        return SessionFilter(decks=self.decks, tags=self.tags)


@dataclass(frozen=True, slots=True)
class NewCardSource:
    """Where a review's new cards come from: the daily limit, their selection, and the plan behind it."""

    daily_new: int
    selection: SessionFilter
    plan: StoredPlan | None


def review_new_cards(
    stored: StoredPlan | None, today: date, selection: SessionFilter, new: int | None, configured: int
) -> NewCardSource:
    """Today's new-card limit for a review: an explicit --new, else an active plan's, else the config's.

    The plan applies to a review with no --deck/--tag (its new cards then come from the plan's
    selection; due cards still come from everywhere) or with exactly the plan's --deck/--tag.
    """
    if new is not None:
        return NewCardSource(new, selection, None)
    if stored is not None and stored.active_on(today):
        # A card started on the plan's last day would first come back on its date: none starts then.
        daily_new = 0 if today >= stored.until - timedelta(days=1) else stored.new_per_day
        if selection == SessionFilter():
            return NewCardSource(daily_new, stored.selection, stored)
        if set(selection.decks) == set(stored.decks) and set(selection.tags) == set(stored.tags):
            return NewCardSource(daily_new, selection, stored)
    return NewCardSource(configured, selection, None)


def check_plan_date(until: date, today: date) -> None:
    """A plan needs at least one study day, and looks no further than HORIZON_DAYS ahead."""
    if until <= today:
        raise PlanDateError(
            f"the date {until.isoformat()} is not after today ({today.isoformat()}); "
            "a plan needs at least one day before it."
        )
    if (until - today).days > HORIZON_DAYS:
        raise PlanDateError(horizon_message(until, today))


def horizon_message(until: date, today: date) -> str:
    """Why a date is too far for a plan (without the option's name)."""
    return (
        f"{until.isoformat()} is more than {HORIZON_DAYS} days away; a plan looks at most {HORIZON_DAYS} "
        f"days ahead (until {(today + timedelta(days=HORIZON_DAYS)).isoformat()})."
    )


def started_by(limit: int, start_days: int, introduced_today: int) -> int:
    """How many new cards a daily limit starts over start_days days from today (today's allowance first)."""
    if start_days <= 0:
        return 0
    return max(0, limit - introduced_today) + limit * (start_days - 1)


def required_new_per_day(new_cards: int, start_days: int, introduced_today: int) -> int | None:
    """The smallest daily limit that starts every new card in time; None when no day is left."""
    if new_cards == 0:
        return 0
    if start_days <= 0:
        return None
    low, high = 1, new_cards + introduced_today
    while low < high:
        middle = (low + high) // 2
        if started_by(middle, start_days, introduced_today) >= new_cards:
            high = middle
        else:
            low = middle + 1
    return low


def plan_study(
    cards: Sequence[PlanCard],
    today: date,
    until: date,
    *,
    introduced_today: int = 0,
    max_new_per_day: int = DEFAULT_MAX_NEW_PER_DAY,
) -> StudyPlan:
    """The plan for these cards (in deck order) from today to until (see the module's rules)."""
    check_plan_date(until, today)
    last_review_day = until - timedelta(days=1)
    start_days = (until - today).days - 1
    new_cards = [card for card in cards if card.schedule.is_new]
    required = required_new_per_day(len(new_cards), start_days, introduced_today)
    new_per_day = 0 if required is None else min(required, max_new_per_day)
    started = min(len(new_cards), started_by(new_per_day, start_days, introduced_today))

    fits: list[PlanCard] = []
    left_out: list[LeftOut] = []
    order = {id(card): index for index, card in enumerate(cards)}
    owing = [card for card in cards if not card.schedule.is_new and not card.ready]
    for card in sorted(
        owing, key=lambda c: (c.schedule.easiness_hundredths, -c.schedule.lapses, order[id(c)])
    ):
        if _next_review(card.schedule, today) <= last_review_day:
            fits.append(card)
        else:
            left_out.append(LeftOut(card, "due_after_date"))
    fits += new_cards[:started]
    left_out += [LeftOut(card, "no_day_to_start") for card in new_cards[started:]]

    states = Counter(card.state for card in cards)
    return StudyPlan(
        today=today,
        until=until,
        counts=tuple((state, states[state]) for state in ("new", "learning", "mature")),
        ready=sum(card.ready for card in cards),
        new_per_day=new_per_day,
        required_new_per_day=required,
        max_new_per_day=max_new_per_day,
        introduced_today=introduced_today,
        fits=tuple(fits),
        left_out=tuple(left_out),
        days=_forecast(
            cards,
            new_count=len(new_cards),
            new_per_day=new_per_day,
            introduced_today=introduced_today,
            today=today,
            last=last_review_day,
            start_days=start_days,
        ),
    )


def _next_review(schedule: Schedule, today: date) -> date:
    return max(schedule.due_on or today, today)


def _reviews_until(schedule: Schedule, first: date, last: date) -> list[date]:
    """The days a card is reviewed from first to last, every grade ASSUMED_GRADE."""
    days: list[date] = []
    day = first
    while day <= last:
        days.append(day)
        schedule, _ = review(schedule, ASSUMED_GRADE, day)
        assert schedule.due_on is not None  # a reviewed card always has a due date
        day = schedule.due_on
    return days


def _forecast(
    cards: Sequence[PlanCard],
    *,
    new_count: int,
    new_per_day: int,
    introduced_today: int,
    today: date,
    last: date,
    start_days: int,
) -> tuple[PlanDay, ...]:
    scheduled: Counter[date] = Counter()
    for card in cards:
        if not card.schedule.is_new:
            scheduled.update(_reviews_until(card.schedule, _next_review(card.schedule, today), last))
    started: Counter[date] = Counter()
    follow_ups: Counter[date] = Counter()
    remaining = new_count
    span = (last - today).days + 1
    # New cards start through DATE - 2 only, as `quiz review` under the applied plan does.
    for offset in range(max(0, start_days)):
        day = today + timedelta(days=offset)
        allowance = max(0, new_per_day - introduced_today) if offset == 0 else new_per_day
        count = min(remaining, allowance)
        if count == 0:
            continue
        remaining -= count
        started[day] += count
        for later in _reviews_until(NEW, day, last)[1:]:
            follow_ups[later] += count
    return tuple(
        PlanDay(day, started[day], follow_ups[day], scheduled[day])
        for day in (today + timedelta(days=offset) for offset in range(span))
    )


def stored_plan_json(stored: StoredPlan, today: date) -> dict[str, object]:
    """An applied plan as `quiz stats --format json` and `quiz plan --json` carry it."""
    return {
        "decks": list(stored.decks),
        "tags": list(stored.tags),
        "new_per_day": stored.new_per_day,
        "from": stored.starts_on.isoformat(),
        "until": stored.until.isoformat(),
        "active": stored.active_on(today),
    }


def _card_json(card: PlanCard) -> dict[str, object]:
    return {
        "deck": card.deck,
        "card_id": card.card_id,
        "state": card.state,
        "easiness": card.schedule.easiness_number,
        "lapses": card.schedule.lapses,
        "due_on": card.schedule.due_on.isoformat() if card.schedule.due_on else None,
    }


def plan_json(
    plan: StudyPlan, selection: SessionFilter, *, applied: bool, stored: StoredPlan | None
) -> dict[str, object]:
    """The versioned JSON of `quiz plan --json` (the README lists its fields)."""
    return {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "today": plan.today.isoformat(),
        "by": plan.until.isoformat(),
        "last_review_day": plan.last_review_day.isoformat(),
        "last_start_day": plan.last_start_day.isoformat(),
        "filter": {"decks": list(selection.decks), "tags": list(selection.tags)},
        "cards": dict(plan.counts),
        "ready": plan.ready,
        "new_per_day": plan.new_per_day,
        "required_new_per_day": plan.required_new_per_day,
        "max_new_per_day": plan.max_new_per_day,
        "introduced_today": plan.introduced_today,
        "complete": plan.complete,
        "assumed_grade": int(ASSUMED_GRADE),
        "forecast": [
            {
                "date": day.day.isoformat(),
                "new": day.new,
                "follow_ups": day.follow_ups,
                "scheduled": day.scheduled,
                "total": day.total,
            }
            for day in plan.days
        ],
        "fits": [_card_json(card) for card in plan.fits],
        "left_out": [{**_card_json(entry.card), "reason": entry.reason} for entry in plan.left_out],
        "applied": applied,
        "plan": stored_plan_json(stored, plan.today) if stored is not None else None,
    }
