"""YAML errors in an author's terms: the parser's complaint and the raw line, as what is wrong where."""

from __future__ import annotations

import re

import yaml

_TAB = "a tab is used for indentation; YAML allows only spaces there, so replace the tab with spaces."
# The indentation of a line, "- " of list items included: where YAML allows no tab.
_LEADING = re.compile(r"[ \t]*(?:-[ \t]+)*")
_KEY = re.compile(r"[ \t]*(?:-[ \t]+)*([^\s:#'\"\[{][^:]*?|'[^']*'|\"[^\"]*\"):(?:[ \t]|$)")
_DASH_WITHOUT_SPACE = re.compile(r" *-[^\s-]")
_CLOSERS = {"[": "]", "{": "}"}

Located = tuple[int, int, str]


def explain_yaml_error(lines: list[str], error: yaml.MarkedYAMLError) -> Located | None:
    """(line, column, sentence), both counted from 0, for the mistakes authors make; None for the rest."""
    # libyaml and the pure-Python parser word some problems differently; both are matched.
    problem, context = error.problem or "", error.context or ""
    mark, start = error.problem_mark, error.context_mark
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line].rstrip("\r")
    leading = _LEADING.match(line)
    if leading is not None and "\t" in leading.group():
        return mark.line, leading.group().index("\t"), _TAB
    if start is not None and start.line < len(lines):
        opener = _at(lines, start.line, start.column)
        if "quoted scalar" in context and "end of" in problem:
            return (
                start.line,
                start.column,
                f"an unclosed quote: the {opener} opened here is never closed; end the text with {opener}.",
            )
        if "flow" in context and "expected ','" in problem and opener in _CLOSERS:
            rest = lines[start.line][start.column :]
            if mark.line > start.line and rest.count(opener) > rest.count(_CLOSERS[opener]):
                kind = "list" if opener == "[" else "mapping"
                return (
                    start.line,
                    start.column,
                    (
                        f"an unclosed bracket: the '{opener}' opened here is never closed; end the "
                        f"{kind} with '{_CLOSERS[opener]}' (or put the text in quotes if the '{opener}' "
                        "is part of it)."
                    ),
                )
            if opener == "[":
                return (
                    mark.line,
                    mark.column,
                    "a missing comma: the items of a list in [ ] are separated by ','.",
                )
        if "simple key" in context and "expected ':'" in problem:
            return start.line, start.column, _no_colon(lines[start.line][start.column :])
        if "block collection" in context and ("'-'" in problem or "<block end>" in problem):
            return _misaligned(lines, mark.line, start.line, start.column)
        if "block mapping" in context and ("expected key" in problem or "<block end>" in problem):
            return _not_a_key(lines, mark.line, mark.column, start.line, start.column)
    if "mapping values are not allowed" in problem:
        return _colon_in_value(lines, mark.line, mark.column)
    if "cannot start any token" in problem:
        character = _at(lines, mark.line, mark.column)
        return mark.line, mark.column, f"a value cannot start with '{character}'; put it in quotes."
    if "undefined alias" in problem:
        name = re.match(r"\*([^\s,\]}]*)", line[mark.column :])
        alias = name.group(1) if name else ""
        return (
            mark.line,
            mark.column,
            (
                f"a value cannot start with '*' (YAML reads '*{alias}' as a reference to an anchor "
                f"'&{alias}'); put it in quotes."
            ),
        )
    if "another document" in problem:
        return (
            mark.line,
            mark.column,
            "a second document starts here ('---'); a deck file holds one document.",
        )
    if "unknown escape" in problem:
        return (
            mark.line,
            mark.column,
            (
                "a backslash in double quotes starts an escape YAML does not know; write '\\\\' for a "
                "backslash, or use single quotes."
            ),
        )
    return None


def _at(lines: list[str], line: int, column: int) -> str:
    return lines[line][column : column + 1] if line < len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _snippet(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _no_colon(text: str) -> str:
    if re.match(r"[^\s:]+:\S", text):
        return f"a missing space: '{_snippet(text)}' needs a space after the ':' (as in 'key: value')."
    return f"a missing colon: '{_snippet(text)}' has no ':' after its key; write it as 'key: value'."


def _key_column(line: str) -> tuple[str, int] | None:
    """The key a line sets and its column, if it sets one."""
    found = _KEY.match(line)
    return (found.group(1), found.start(1)) if found else None


def _misaligned(lines: list[str], line: int, list_line: int, list_column: int) -> Located:
    """A line the parser found inside a list at neither the list's level nor its items' level."""
    indent = _indent(lines[line])
    if lines[line][indent : indent + 1] == "-":
        return (
            line,
            indent,
            (
                f"a list item at the wrong level: this '-' is indented {indent} spaces, but the list on "
                f"line {list_line + 1} is indented {list_column}; line up the '-' of every item of a list."
            ),
        )
    above = next((n for n in range(line - 1, -1, -1) if _content(lines[n])), list_line)
    key = _key_column(lines[above])
    level = key[1] if key else _indent(lines[above])
    return (
        line,
        indent,
        (
            f"inconsistent indentation: this line is indented {indent} spaces, but the line above it is "
            f"indented {level} and the list on line {list_line + 1} is indented {list_column}; "
            "line it up with one of them."
        ),
    )


def _not_a_key(lines: list[str], line: int, column: int, map_line: int, map_column: int) -> Located | None:
    """Something other than a key where the parser wanted the next key of a mapping."""
    text = lines[line]
    indent = _indent(text)
    if column > indent:
        if text[:column].rstrip()[-1:] in ("'", '"'):
            return line, column, "text after the closing quote; put the whole value inside the quotes."
        return None
    if text[indent : indent + 1] == "-":
        return (
            line,
            indent,
            (
                f"a list item at the wrong level: this '-' is indented like the keys of the mapping on "
                f"line {map_line + 1}; put the list under a key ending in ':' (such as 'points:') and "
                "indent it more, or line it up with the other items of its list."
            ),
        )
    return (
        line,
        indent,
        (
            f"inconsistent indentation: this line is indented {indent} spaces, but the keys of the "
            f"mapping on line {map_line + 1} are indented {map_column}; line it up with them."
        ),
    )


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _colon_in_value(lines: list[str], line: int, column: int) -> Located | None:
    """A ': ' the parser cannot take as a key's: in a value, or after a line it read as one value."""
    text = lines[line]
    if _key_column(text[:column]) is not None or re.search(r":\s", text[_indent(text) : column]):
        return (
            line,
            column,
            (
                "the value has ': ' in it, which YAML reads as the start of another key; put the whole "
                "value in quotes, or write it as a block with '|'."
            ),
        )
    indent = _indent(text)
    earliest: int | None = None
    for number in range(line - 1, -1, -1):
        above = lines[number]
        if not _content(above):
            continue
        if _DASH_WITHOUT_SPACE.match(above):
            return (
                number,
                _indent(above),
                f"a missing space: '{_snippet(above)}' needs a space after the '-' of a list item.",
            )
        key = _key_column(above)
        if key is None:
            earliest = number
            continue
        name, key_at = key
        if key_at < indent:
            return (
                line,
                indent,
                (
                    f"inconsistent indentation: this line is indented {indent} spaces, more than the key "
                    f"'{_snippet(name)}' on line {number + 1} ({key_at} spaces), so YAML reads it as part of "
                    f"that key's value; indent it like '{_snippet(name)}'."
                ),
            )
        break
    if earliest is not None:
        return earliest, _indent(lines[earliest]), _no_colon(lines[earliest][_indent(lines[earliest]) :])
    return None
