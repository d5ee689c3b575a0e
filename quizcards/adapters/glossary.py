"""Load the matcher's glossary, shipped as data inside the package."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from quizcards.core.glossary import Glossary, glossary_from_data


@cache
def load_glossary() -> Glossary:
    """The bundled glossary (quizcards/data/glossary.toml), read once per process."""
    raw = resources.files("quizcards.data").joinpath("glossary.toml").read_text(encoding="utf-8")
    return glossary_from_data(tomllib.loads(raw))
