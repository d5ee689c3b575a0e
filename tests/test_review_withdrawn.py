"""A card retired or suspended after the session drew it (an edit's re-import, elsewhere) is not asked."""

from __future__ import annotations

import io
from datetime import date

import pytest
from rich.console import Console

from quizcards.cli import review_loop
from quizcards.core.session import NewCardPlan, Session, SessionFilter
from quizcards.store import Store
from tests.helpers import pk_of

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("withdraw", "said"),
    [
        ("UPDATE cards SET retired = 1 WHERE id = ?", "attention/qkv is no longer in its deck file"),
        ("UPDATE cards SET suspended_on = '2026-03-10' WHERE id = ?", "attention/qkv was suspended"),
    ],
    ids=["retired", "suspended"],
)
def test_a_card_withdrawn_since_the_session_began_leaves_it_unasked(
    small_store: Store, withdraw: str, said: str
) -> None:
    console = Console(file=io.StringIO(), width=200, no_color=True)
    selection = SessionFilter()
    plan = NewCardPlan(10, selection, None)
    session = Session.from_ids([], small_store.new_card_ids(TODAY, selection, 10), [], None)
    qkv = pk_of(small_store, "attention", "qkv")
    entry = session.current
    assert entry is not None
    assert entry.pk == qkv
    assert review_loop._may_ask(session, small_store, console, small_store.study_card(qkv), plan)
    small_store.conn.execute(withdraw, [qkv])
    small_store.conn.commit()
    before = small_store.conn.execute("SELECT * FROM cards ORDER BY id").fetchall()
    assert not review_loop._may_ask(session, small_store, console, small_store.study_card(qkv), plan)
    assert session.current is not None
    assert session.current.pk != qkv
    assert session.remaining().new == 2  # the other two new cards, nothing owed in its place
    assert small_store.conn.execute("SELECT * FROM cards ORDER BY id").fetchall() == before  # nothing written
    text = " ".join(console.file.getvalue().split())  # type: ignore[attr-defined]
    assert f"{said} since this session began; it leaves the session." in text


def test_a_card_edited_out_of_its_deck_leaves_the_session_and_the_next_is_asked(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizcards.cli import asking

    console = Console(file=io.StringIO(), width=200, no_color=True)
    selection = SessionFilter()
    plan = NewCardPlan(10, selection, None)
    session = Session.from_ids([], small_store.new_card_ids(TODAY, selection, 10), [], None)
    asked: list[str] = []

    def ask(console: Console, store: Store, card: object, **_: object) -> asking.Answer:
        asked.append(card.card_id)  # type: ignore[attr-defined]
        return asking.Answer(asking.EDITED_AWAY if len(asked) == 1 else "q", "typed", 10)

    monkeypatch.setattr(asking, "ask", ask)
    with pytest.raises(asking.Quit):
        review_loop.drive(session, small_store, console, TODAY, backup=None, plan=plan)
    assert asked == ["qkv", "scale"]
    assert small_store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
