"""The glossary as a value: groups of terms that mean the same, and compounds that hide their parts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Glossary:
    """``groups``: each a tuple of equivalent terms; ``compounds``: terms that hide the words inside them."""

    groups: tuple[tuple[str, ...], ...] = ()
    compounds: tuple[str, ...] = ()


EMPTY_GLOSSARY = Glossary()


def glossary_from_data(data: Mapping[str, object]) -> Glossary:
    """A glossary from parsed data: ``equivalents = [[term, ...], ...]`` and ``compounds = [term, ...]``."""
    raw_groups = data.get("equivalents", [])
    raw_compounds = data.get("compounds", [])
    if not isinstance(raw_groups, list) or not isinstance(raw_compounds, list):
        raise ValueError("the glossary's 'equivalents' and 'compounds' must be lists")
    groups: list[tuple[str, ...]] = []
    for group in raw_groups:
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(t, str) for t in group):
            raise ValueError(f"each glossary group must list two or more terms, not {group!r}")
        groups.append(tuple(group))
    if not all(isinstance(t, str) for t in raw_compounds):
        raise ValueError("the glossary's compounds must be text")
    return Glossary(tuple(groups), tuple(str(t) for t in raw_compounds))
