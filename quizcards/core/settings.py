"""The collection's settings (`quiz config`): their names, defaults, and how a typed value is read.

A setting belongs to the collection, so it travels with the database: which scheduler decides what is
due (``sm2``, Wozniak's original and the default, or ``fsrs``), the retention FSRS aims for, and the
daily new-card limit. ``new_per_day`` has no value of its own until one is set: until then the
config file's ``new_per_day`` (a per-machine setting, still read) or 10 applies, so a collection
never silently changes its limit when a machine's config file does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from quizcards.core.errors import InvalidSettingError
from quizcards.core.fsrs import DEFAULT_RETENTION, MAX_RETENTION, MIN_RETENTION, check_retention

SchedulerName = Literal["sm2", "fsrs"]
SCHEDULERS: tuple[SchedulerName, ...] = get_args(SchedulerName)
SettingName = Literal["scheduler", "desired_retention", "new_per_day"]
SETTING_NAMES: tuple[SettingName, ...] = get_args(SettingName)
SettingValue = str | float | int
DEFAULT_SCHEDULER: SchedulerName = "sm2"
DEFAULT_NEW_PER_DAY = 10
# A day of 100,000 new cards is no plan anyone keeps; the bound keeps the value a plain integer.
MAX_NEW_PER_DAY = 100_000

DESCRIPTIONS: dict[SettingName, str] = {
    "scheduler": "sm2 (SuperMemo-2) or fsrs (FSRS-6) decides what is due",
    "desired_retention": "the recall FSRS schedules for, 0.70-0.99",
    "new_per_day": "new cards quiz review starts a day",
}


@dataclass(frozen=True, slots=True)
class CollectionSettings:
    """The settings in force; ``new_per_day`` is None when the collection leaves it to the config file."""

    scheduler: SchedulerName = DEFAULT_SCHEDULER
    desired_retention: float = DEFAULT_RETENTION
    new_per_day: int | None = None

    def value(self, name: SettingName) -> SettingValue | None:
        value: SettingValue | None = getattr(self, name)
        return value


def setting_name(text: str) -> SettingName:
    """The setting called ``text`` (a dash may stand for the underscore); anything else is refused."""
    name = text.strip().lower().replace("-", "_")
    for known in SETTING_NAMES:
        if name == known:
            return known
    raise InvalidSettingError(
        f"There is no setting called {text!r}; the settings are: {', '.join(SETTING_NAMES)}."
    )


def parse_setting(name: SettingName, text: str) -> SettingValue:
    """The value ``text`` gives setting ``name``, as it is stored; a value out of range is refused."""
    cleaned = text.strip()
    if name == "scheduler":
        lowered = cleaned.lower().replace("-", "")
        for scheduler in SCHEDULERS:
            if lowered == scheduler:
                return scheduler
        raise InvalidSettingError(f"The scheduler must be sm2 or fsrs, not {text!r}.")
    if name == "desired_retention":
        try:
            number = float(cleaned)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            raise InvalidSettingError(
                f"The desired retention must be a number from {MIN_RETENTION:.2f} to {MAX_RETENTION:.2f}, "
                f"not {text!r}."
            )
        return check_retention(number)
    if cleaned.isascii() and cleaned.isdigit() and int(cleaned) <= MAX_NEW_PER_DAY:
        return int(cleaned)
    raise InvalidSettingError(
        f"new_per_day must be a whole number from 0 to {MAX_NEW_PER_DAY:,}, not {text!r}."
    )


def shown(name: SettingName, value: SettingValue) -> str:
    """A setting's value as `quiz config` prints it and would read it back."""
    if name == "desired_retention":
        return f"{float(value):g}"
    return str(value)


def collection_settings_of(values: dict[object, object]) -> CollectionSettings:
    """The settings from stored (name, value) pairs; a value the database's checks let through is trusted
    only once it parses again here, so a damaged row is an error rather than a schedule."""
    found: dict[str, SettingValue] = {}
    for name, value in values.items():
        if not isinstance(name, str) or name not in SETTING_NAMES:
            continue  # not a setting (m008's check keeps such rows out): it changes nothing
        known = setting_name(name)
        # str, not shown(): a float's str reads back exactly, so the value in force is the one stored.
        found[known] = parse_setting(known, str(value))
    return CollectionSettings(**found)  # type: ignore[arg-type]
