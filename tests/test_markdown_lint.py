"""Lint warns of bold that will not render: `**` CommonMark leaves as asterisks (next to Korean text)."""

from __future__ import annotations

import pytest

from quizcards.core.authoring.markdown_lint import stray_bold_markers


@pytest.mark.parametrize(
    "text",
    [
        "이 방식을 **티처 포싱(teacher forcing)**이라고 합니다.",  # closing after ')' before a letter
        "즉 **분할 상환 O(1)**입니다.",
        "표준 라이브러리의 **`queue.Queue`**를 씁니다.",  # after a code span, before a letter
        "값은**(가중합)** 입니다.",  # opening between a letter and punctuation
    ],
)
def test_bold_that_stays_asterisks_is_found(text: str) -> None:
    passages = stray_bold_markers(text)
    assert passages
    assert all("**" in passage for passage in passages)


@pytest.mark.parametrize(
    "text",
    [
        "이 방식을 **티처 포싱**(teacher forcing)이라고 합니다.",
        "즉 **분할 상환 O(1)**(amortized)입니다.",
        "**Scaled** dot-product attention, **not** additive.",
        "Use `a ** b` or\n\n```python\nx = 2 ** 10\n```\n",  # code keeps its asterisks
        "plain text with no emphasis",
    ],
)
def test_bold_that_renders_and_code_are_left_alone(text: str) -> None:
    assert stray_bold_markers(text) == []


def test_quiz_lint_names_the_card_and_line(quiz, write_deck) -> None:  # type: ignore[no-untyped-def]
    deck = write_deck(
        "ko.yaml",
        """
        deck: ko
        title: 한국어
        cards:
          - id: tf
            q: 티처 포싱이란?
            a: 정답을 넣는 방식을 **티처 포싱(teacher forcing)**이라고 합니다.
            points: [정답을 넣는 방식]
            hints: [디코더 입력]
        """,
    )
    result = quiz("lint", deck)
    assert f"{deck}:6:" in result.output
    assert "shows '**' as asterisks, not bold" in result.output
