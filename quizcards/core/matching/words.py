"""When a typed word is the same word as a point's: its forms, its typos, its Korean endings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

# Hangul that may follow a word without making it another word: particles, the verb and adjective
# makers (하다, 되다, 시키다, 적, 화, 성) and common endings. Longest first, so `에서` wins over `에`.
KOREAN_TAILS = tuple(
    sorted(
        [
            "이",
            "가",
            "은",
            "는",
            "을",
            "를",
            "의",
            "에",
            "에서",
            "에게",
            "으로",
            "로",
            "와",
            "과",
            "도",
            "만",
            "까지",
            "부터",
            "처럼",
            "보다",
            "이나",
            "나",
            "이다",
            "입니다",
            "이고",
            "이며",
            "이라",
            "라",
            "이란",
            "란",
            "랑",
            "이랑",
            "들",
            "마다",
            "조차",
            "뿐",
            "요",
            "야",
            "하",
            "한",
            "할",
            "함",
            "합",
            "해",
            "했",
            "히",
            "되",
            "된",
            "될",
            "됨",
            "돼",
            "됐",
            "됩",
            "시키",
            "시킨",
            "적",
            "화",
            "성",
            "다",
            "고",
            "게",
            "아",
            "어",
            "았",
            "었",
            "면",
            "서",
            "지",
            "기",
            "음",
            "며",
            "니",
            "는데",
            "므로",
            "도록",
        ],
        key=len,
        reverse=True,
    )
)
# Cues that deny what is near them. English ones come before the point; Korean ones after it.
ENGLISH_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "non",
        "without",
        "cannot",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "doesnt",
        "dont",
        "didnt",
        "cant",
        "couldnt",
        "wont",
        "wouldnt",
        "shouldnt",
        "hasnt",
        "havent",
        "hadnt",
        "neither",
        "nor",
    ]
)
# Cues that deny only what follows them (`rather than X`, `instead of X`);
# after a word they do not deny it (`X rather than Y` affirms X).
ENGLISH_CONTRASTS = frozenset(["rather", "instead"])
KOREAN_NEGATIONS = ("않", "아니", "아닌", "없", "못")
KOREAN_NEGATIONS_BEFORE = frozenset({"안", "못"})
# A predicate that denies the noun before it (`소실이 없다`, `관계없다`). `안`/`못` written apart after a
# noun deny the verb that follows them (`미래 토큰을 못 보게`: the future is still what is meant).
KOREAN_PREDICATE_NEGATIONS = ("않", "아니", "아닌", "없", "관계없", "상관없", "관련없", "무관")
# Sino-Korean prefixes that turn a noun into its opposite (`불일치`, `비선형`, `무관`).
KOREAN_NEGATIVE_PREFIXES = frozenset({"불", "비", "무"})
# English words that may stand between a subject and its negation (`BERT did not use it`).
ENGLISH_AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "do", "does", "did", "has", "have", "had", "can", "could", "will"]
)
# After a subject, a denial needs a verb: `BERT did not use it`, `X has nothing to do with`, `X isn't`;
# a bare `not` after a noun contrasts it with what follows (`the smallest key, not the oldest`).
ENGLISH_DENIALS = frozenset(["not", "never", "nothing", "no"])
# Korean endings that close a clause: a negation past one is about another statement.
KOREAN_CLAUSE_ENDS = ("고", "며", "서", "면", "라", "지만", "는데", "니까", "다", "요", "죠")
_PARTICLE_SYLLABLES = ("이", "가", "은", "는", "을", "를", "의", "에", "도", "로", "와", "과", "만")
# Typos are forgiven only in long words: a short word one letter off is usually another word.
TYPO_MIN_LENGTH = 6


@cache
def _stemmer() -> Callable[[str], str]:
    import snowballstemmer  # loaded at the first reveal, not at start-up

    stem_word: Callable[[str], str] = snowballstemmer.stemmer("english").stemWord
    return stem_word


@cache
def stem(word: str) -> str:
    return _stemmer()(word)


@cache
def _typo_distance() -> Callable[[str, str], int]:
    from rapidfuzz.distance import OSA  # loaded at the first reveal, not at start-up

    distance: Callable[[str, str], int] = OSA.distance
    return distance


def _is_typo(point_word: str, typed_word: str) -> bool:
    shorter = min(len(point_word), len(typed_word))
    if shorter < TYPO_MIN_LENGTH or point_word[:2] != typed_word[:2] or not point_word.isalpha():
        return False
    distance = _typo_distance()(point_word, typed_word)
    if shorter >= 10:
        return distance <= 2
    # One letter dropped, doubled or swapped; a changed letter is too often another word
    # (`exploding` / `exploring`), so it is forgiven only in words of ten letters or more.
    slip = len(point_word) != len(typed_word) or sorted(point_word) == sorted(typed_word)
    return distance == 1 and slip


# Degree and manner endings Snowball leaves on (`smoother`, `sharpest`, `stably`, `blurry`), with what
# they replace: `-ably` is `-able`, a doubled final consonant is single (`blurr-y` is `blur`).
_DEGREE_ENDINGS = (("bly", "ble"), ("ly", ""), ("est", ""), ("er", ""), ("y", ""))


def degree_base(word: str) -> str | None:
    """The word a degree or manner form is built on (`smoother` -> `smooth`), if it is one."""
    for ending, replacement in _DEGREE_ENDINGS:
        base = word[: -len(ending)] + replacement
        if word.endswith(ending) and len(base) >= 4:
            if len(base) > 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]
            return base
    return None


def same_latin_word(point_word: str, typed_word: str) -> bool:
    """Whole words only: equal, another form of it (Snowball stem, or a degree/manner ending), or one
    typo away."""
    if point_word == typed_word:
        return True
    # Stems, degree endings and the slips forgiven all keep a word's first letter: most pairs end here.
    if point_word[:1] != typed_word[:1]:
        return False
    return _same_form(point_word, typed_word)


@cache
def _same_form(point_word: str, typed_word: str) -> bool:
    if point_word.isdigit() or typed_word.isdigit() or "." in point_word or "." in typed_word:
        return False
    # Porter2 gives `positive` and `position` one stem; an adjective is not its noun.
    if stem(point_word) == stem(typed_word) and point_word.endswith("ive") == typed_word.endswith("ive"):
        return True
    if len(point_word) >= 4 and point_word.isalpha() and typed_word.isalpha():
        if degree_base(typed_word) in (point_word, stem(point_word)):
            return True
        if degree_base(point_word) in (typed_word, stem(typed_word)):
            return True
    return _is_typo(point_word, typed_word)


def korean_tail(point_word: str, typed: str) -> str | None:
    """What follows the point at the start of a typed Hangul run, if it only inflects it; else None.

    A point of two syllables or more may also go on into a compound noun (`미래토큰`, `임계값`).
    """
    if not typed.startswith(point_word):
        return None
    rest = typed[len(point_word) :]
    if not rest or rest.startswith(KOREAN_TAILS) or len(point_word) >= 2:
        return rest
    return None


def korean_find(point_word: str, typed: str) -> tuple[str, str] | None:
    """Where a Hangul point word sits in a typed run: what comes before it, and after it (its tail).

    At the run's start, or as the later part of a compound (`부분공간`, `에러누적`) when the point has two
    syllables or more and does not end in a syllable that is also a particle (`정의` is not in `수정의`).
    """
    tail = korean_tail(point_word, typed)
    if tail is not None:
        return "", tail
    if len(point_word) < 2 or point_word.endswith(_PARTICLE_SYLLABLES):
        return None
    at = typed.find(point_word, 1)
    if at < 0:
        return None
    return typed[:at], typed[at + len(point_word) :]


# A verb stem's last vowel merges with the ending's 어/아 (`사라지` + `어서` = `사라져서`, `되` + `어` =
# `돼`): the medial vowel it becomes, by the stem's medial (Hangul jamo order: ㅏ=0 ... ㅣ=20).
_CONTRACTED_VOWELS = {20: 6, 8: 9, 13: 14, 11: 10}  # ㅣ->ㅕ, ㅗ->ㅘ, ㅜ->ㅝ, ㅚ->ㅙ
_HA, _HAE = "하", "해"


def contracted(word: str) -> str | None:
    """The word with its last syllable merged with a following 어/아, if it can (`사라지` -> `사라져`)."""
    if not word:
        return None
    last = ord(word[-1]) - 0xAC00
    if not 0 <= last < 11172 or last % 28:
        return None
    if word[-1] == _HA:
        return word[:-1] + _HAE
    medial = (last // 28) % 21
    if medial not in _CONTRACTED_VOWELS:
        return None
    initial = last // 588
    return word[:-1] + chr(0xAC00 + (initial * 21 + _CONTRACTED_VOWELS[medial]) * 28)


def korean_stem(word: str) -> str:
    """A Hangul point word without the particle or ending it was written with (`짧은` -> `짧`)."""
    for tail in ("적인", "적으로", "하는", "하다", "되는", "된다", "한", "된", "은", "는"):
        if word.endswith(tail) and len(word) > len(tail):
            return word[: -len(tail)]
    for tail in ("을", "를", "의", "이", "가"):
        # `차이` and `정의` are nouns: a particle is only stripped from a longer word
        if word.endswith(tail) and len(word) - len(tail) >= 2:
            return word[: -len(tail)]
    return word


def negated_korean_tail(tail: str) -> bool:
    return any(cue in tail for cue in KOREAN_NEGATIONS)
