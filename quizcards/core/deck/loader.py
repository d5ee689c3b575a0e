"""The deck loader: a deck file's node tree walked against the format, every problem located."""

from __future__ import annotations

import unicodedata

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quizcards.core.deck.model import (
    CARD_KEYS,
    DECK_KEYS,
    MAX_ANSWER_LENGTH,
    MAX_CARDS,
    MAX_DESCRIPTION_LENGTH,
    MAX_ID_LENGTH,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_NODES,
    MAX_QUESTION_LENGTH,
    MAX_TITLE_LENGTH,
    Card,
    Deck,
    DeckError,
    Problem,
    derive_card_id,
    is_valid_name,
    name_rule,
    suggest_key,
    visible,
)
from quizcards.core.deck.reading import (
    DEFAULT_TAG_NAMES,
    MAP_TAG,
    SEQ_TAG,
    STR_TAG,
    compose_deck,
    cyclic_gc_paused,
    decode_deck_bytes,
)
from quizcards.core.points import Point


def parse_deck(data: bytes | str, path: str, default_slug: str) -> Deck:
    """Parse and validate one deck file; raise DeckError listing every problem."""
    text = decode_deck_bytes(data, path) if isinstance(data, bytes) else data
    with cyclic_gc_paused():
        return _Walker(path).deck(compose_deck(text, path), default_slug)


class _Walker:
    """Walks the composed node tree against the deck schema, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.reported: set[Problem] = set()
        self.warnings: list[Problem] = []
        self.visited = 0

    def error(self, node: Node, message: str) -> None:
        problem = Problem(self.path, node.start_mark.line + 1, node.start_mark.column + 1, message)
        # A node reused through an alias is walked once per use: report it once.
        if problem not in self.reported:
            self.reported.add(problem)
            self.problems.append(problem)

    def warn(self, node: Node, message: str) -> None:
        self.warnings.append(
            Problem(
                self.path,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                message,
                "warning",
            )
        )

    def visit(self, node: Node) -> None:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise DeckError(
                [
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        node.start_mark.column + 1,
                        f"the document expands to more than {MAX_NODES:,} YAML nodes "
                        "(aliases included); a deck may not be that large.",
                    )
                ]
            )

    def check_tag(self, node: Node, expected: str) -> bool:
        if node.tag in (STR_TAG, SEQ_TAG, MAP_TAG):
            return True
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.error(
            node,
            f"the YAML tag {visible(tag)!s} is not allowed; a deck holds only text, lists and mappings.",
        )
        return False

    def mapping(self, node: Node, what: str, valid: tuple[str, ...]) -> dict[str, tuple[Node, Node]] | None:
        self.visit(node)
        if not self.check_tag(node, MAP_TAG):
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values, not {_kind(node)}.")
            return None
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            self.visited += 1  # visit(key_node), inlined: a big deck has seven keys a card
            if self.visited > MAX_NODES:
                self.visit(key_node)
            if not isinstance(key_node, ScalarNode) or key_node.tag != STR_TAG:
                self.error(key_node, f"a key in {what} must be plain text.")
                continue
            key = key_node.value
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.error(key_node, f"duplicate key '{visible(key)}' in {what} (first set on line {first}).")
                continue
            if key not in valid:
                hint = suggest_key(key, valid)
                advice = f"; did you mean '{hint}'?" if hint else ""
                allowed = ", ".join(valid)
                self.error(
                    key_node,
                    f"unknown key '{visible(key)}' in {what}{advice} (valid keys: {allowed}).",
                )
                continue
            entries[key] = (key_node, value_node)
        return entries

    def text(
        self,
        node: Node,
        what: str,
        *,
        limit: int,
        required: bool = False,
        single_line: bool = False,
        stated_limit: int | None = None,  # what a message names when limit is only a first cut
    ) -> str | None:
        # The hot path of a big deck (seven texts a card): visit and check_tag inlined.
        self.visited += 1
        if self.visited > MAX_NODES:
            self.visit(node)
        if node.tag not in DEFAULT_TAG_NAMES:
            self.check_tag(node, STR_TAG)
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be text, not {_kind(node)}.")
            return None
        value: str = node.value
        if required and not value.strip():
            self.error(node, f"{what} must not be empty.")
            return None
        if len(value) > limit:
            real = limit if stated_limit is None else stated_limit
            self.error(node, f"{what} is {len(value):,} characters long; the limit is {real:,}.")
            return None
        if single_line and "\n" in value.strip():
            self.error(node, f"{what} must be a single line.")
            return None
        return value.strip() if single_line else value

    def items(self, node: Node, what: str) -> list[Node]:
        """The item nodes of a list of at most MAX_ITEMS (none, with the problem, for anything else)."""
        self.visit(node)
        if not self.check_tag(node, SEQ_TAG):
            return []
        if not isinstance(node, SequenceNode):
            self.error(
                node,
                f"{what} must be a list (write [item, item] or one '- item' per line), not {_kind(node)}.",
            )
            return []
        if len(node.value) > MAX_ITEMS:
            self.error(node, f"{what} has {len(node.value)} items; the limit is {MAX_ITEMS}.")
            return []
        items: list[Node] = node.value
        return items

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        texts = (
            self.text(item, f"each item of {what}", limit=MAX_ITEM_LENGTH, required=True)
            for item in self.items(node, what)
        )
        return tuple(text.strip() for text in texts if text is not None)

    def points(self, node: Node, what: str) -> tuple[Point, ...]:
        """A card's points: each item text, or a list of wordings whose first is the one shown."""
        points: list[Point] = []
        for item in self.items(node, what):
            if isinstance(item, SequenceNode) and item.tag == SEQ_TAG:
                point = self.point_wordings(item, what)
            else:
                text = self.text(item, f"each item of {what}", limit=MAX_ITEM_LENGTH, required=True)
                point = Point(text.strip()) if text is not None else None
            if point is not None:
                points.append(point)
        return tuple(points)

    def point_wordings(self, node: SequenceNode, what: str) -> Point | None:
        if not node.value:
            self.error(
                node,
                f"a point in {what} is an empty list; write its wording, or the wording shown "
                "first and then the others that also count: [shown, other].",
            )
            return None
        wordings: list[str] = []
        for item in self.items(node, f"a point in {what}"):
            text = self.text(item, f"each wording of a point in {what}", limit=MAX_ITEM_LENGTH, required=True)
            if text is not None and text.strip() in wordings:
                # Harmless to matching, but likely a slip: one wording was meant to be another.
                self.warn(
                    item, f"the wording '{visible(text.strip()[:80])}' appears twice in a point in {what}."
                )
            elif text is not None:
                wordings.append(text.strip())
        return Point(wordings[0], tuple(wordings[1:])) if wordings else None

    def name(self, node: Node, what: str) -> str | None:
        # A first cut (white space may surround a name) spares NFC a huge value; messages say the real limit.
        first_cut = 10 * MAX_ID_LENGTH
        value = self.text(
            node, what, limit=first_cut, required=True, single_line=True, stated_limit=MAX_ID_LENGTH
        )
        if value is None:
            return None
        # One spelling per name: "café" typed precomposed or decomposed is one card.
        value = unicodedata.normalize("NFC", value)
        if not is_valid_name(value):
            self.error(node, f"{what} '{visible(value[:80])}' {name_rule(value)}")
            return None
        return value

    def deck(self, root: Node, default_slug: str) -> Deck:
        default_slug = unicodedata.normalize("NFC", default_slug)  # macOS file names are decomposed
        entries = self.mapping(root, "the deck", DECK_KEYS)
        if entries is None:
            raise DeckError(self.problems)
        slug: str | None = None
        name_at = (1, 1)
        if "deck" in entries:
            name_node = entries["deck"][1]
            name_at = (name_node.start_mark.line + 1, name_node.start_mark.column + 1)
            slug = self.name(name_node, "the deck name")
        elif is_valid_name(default_slug):
            slug = default_slug
        else:
            self.error(
                root,
                f"the file name gives the deck name '{visible(default_slug[:80])}', which "
                f"{name_rule(default_slug)[:-1]}; set 'deck:' in the file.",
            )
        title = slug or default_slug
        if "title" in entries:
            title = (
                self.text(
                    entries["title"][1], "the title", limit=MAX_TITLE_LENGTH, required=True, single_line=True
                )
                or title
            )
        description = ""
        if "description" in entries:
            description = (
                self.text(entries["description"][1], "the description", limit=MAX_DESCRIPTION_LENGTH) or ""
            ).strip()
        tags = self.text_list(entries["tags"][1], "the deck's tags") if "tags" in entries else ()
        cards: list[Card] = []
        if "cards" not in entries:
            self.error(root, "the deck has no 'cards' list.")
        else:
            cards = self.cards(entries["cards"][1])
        if self.problems or slug is None:
            raise DeckError(sorted(self.problems, key=_position))
        return Deck(
            slug=slug,
            title=title,
            path=self.path,
            description=description,
            tags=tags,
            cards=tuple(cards),
            warnings=tuple(self.warnings),
            name_line=name_at[0],
            name_column=name_at[1],
        )

    def cards(self, node: Node) -> list[Card]:
        self.visit(node)
        if not self.check_tag(node, SEQ_TAG):
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"'cards' must be a list of cards, not {_kind(node)}.")
            return []
        if not node.value:
            self.error(node, "'cards' is empty; a deck needs at least one card.")
            return []
        if len(node.value) > MAX_CARDS:
            self.error(node, f"the deck has {len(node.value):,} cards; the limit is {MAX_CARDS:,}.")
            return []
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        for number, card_node in enumerate(node.value, start=1):
            card = self.card(card_node, number)
            # A card with other errors still takes part in the id check: every problem is reported at once.
            card_id = card.id if card is not None else unicodedata.normalize("NFC", _peek_id(card_node) or "")
            if card_id in first_line:
                same = "the same question appears twice"
                how = (
                    same
                    if card is not None and card.id_generated
                    else f"duplicate card id '{visible(card_id)}'"
                )
                self.error(card_node, f"{how} (first on line {first_line[card_id]}).")
                continue
            if card_id:
                first_line[card_id] = card_node.start_mark.line + 1
            if card is not None:
                cards.append(card)
        return cards

    def card(self, node: Node, number: int) -> Card | None:
        what = f"card {number}"
        written_id = _peek_id(node)
        if written_id is not None:
            what = f"card '{written_id}'"  # a valid name: nothing in it for visible() to escape
        entries = self.mapping(node, what, CARD_KEYS)
        if entries is None:
            return None
        errors_before = len(self.problems)
        card_id: str | None = None
        if "id" in entries:
            card_id = self.name(entries["id"][1], f"the id of card {number}")
        question = answer = None
        if "q" not in entries:
            self.error(node, f"{what} has no question ('q').")
        else:
            question = self.text(
                entries["q"][1], f"the question of {what}", limit=MAX_QUESTION_LENGTH, required=True
            )
        if "a" not in entries:
            self.error(node, f"{what} has no answer ('a').")
        else:
            answer = self.text(
                entries["a"][1], f"the answer of {what}", limit=MAX_ANSWER_LENGTH, required=True
            )
        points = self.points(entries["points"][1], f"the points of {what}") if "points" in entries else ()
        hints = self.text_list(entries["hints"][1], f"the hints of {what}") if "hints" in entries else ()
        tags = self.text_list(entries["tags"][1], f"the tags of {what}") if "tags" in entries else ()
        source = None
        if "source" in entries:
            source = self.text(entries["source"][1], f"the source of {what}", limit=MAX_ITEM_LENGTH)
            source = source.strip() if source else None
        if len(self.problems) > errors_before or question is None or answer is None:
            return None
        generated = card_id is None
        if card_id is None:
            card_id = derive_card_id(question)
            self.warn(
                node,
                f"card {number} has no id; it gets '{card_id}' from its question, so editing "
                "the question will make it a new card (add 'id:' to keep its history).",
            )
        return Card(
            id=card_id,
            question=question.strip(),
            answer=answer.strip("\n"),
            points=points,
            hints=hints,
            tags=tags,
            source=source,
            id_generated=generated,
            line=node.start_mark.line + 1,
        )


def _peek_id(node: Node) -> str | None:
    """The card's id as written, if it is a valid one, to name the card in messages."""
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "id" and isinstance(value, ScalarNode):
            return value.value if is_valid_name(value.value) else None
    return None


def _position(problem: Problem) -> tuple[int, int]:
    return (problem.line or 0, problem.column or 0)


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "text"
