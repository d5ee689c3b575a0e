"""The key-point matcher: the issue's false ticks and misses, the older cases, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizcards.adapters.glossary import load_glossary
from quizcards.core.explanation import MatchStatus, PointMatch, covered_points, match_points
from quizcards.core.glossary import EMPTY_GLOSSARY, glossary_from_data

GLOSSARY = load_glossary()


def status(point: str, typed: str) -> MatchStatus:
    return match_points([(point,)], typed, glossary=GLOSSARY)[0].status


# The matcher's cases before issue 12, kept through the older interface.
@pytest.mark.parametrize(
    ("points", "typed", "expected"),
    [
        (["weighted sum", "Softmax"], "A SOFTMAX over scores", [False, True]),
        (["가중합", "소프트맥스"], "값들의 가중합을 구합니다", [True, False]),
        (["query  key"], "the query\nkey match", [True]),
        (["anything"], "", [False]),
        (["saturation", "vanishing gradients"], "it saturates and the gradient vanishes", [True, True]),
        (["layer norm"], "we apply the layer", [False]),
        (["ReLU", "tanh"], "ReLU6, not sigmoid", [True, False]),
    ],
)
def test_points_are_matched_case_insensitively_in_any_script(
    points: list[str], typed: str, expected: list[bool]
) -> None:
    assert [covered for _, covered in covered_points(points, typed)] == expected


# Issue 12's false ticks: a learner who is wrong must not be told they covered the point.
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("max", "we apply softmax to the scores"),
        ("soft", "a softmax over the logits"),
        ("heap", "it is cheap to compute"),
        ("rope", "the properties of attention"),
        ("cross", "information flows across layers"),
        ("positive", "it depends on the position"),
        ("sep", "encode the two sentences separately"),
        ("공간", "공간 복잡도는 O(n)이다"),
        ("상관", "순서와 상관없이 처리한다"),
        ("non-monotonic", "GELU is monotonic"),
        ("exploding", "exploring the space"),
    ],
)
def test_a_point_word_inside_another_word_or_term_is_not_found(point: str, typed: str) -> None:
    assert status(point, typed) == "missing"


# Issue 12's misses: a learner who is right must be told so.
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("lay", "a layer norm"),
        ("positive", "the position of each token"),
        ("order", "a border around it"),
    ],
)
def test_a_degree_ending_never_makes_another_word_the_point(point: str, typed: str) -> None:
    assert status(point, typed) == "missing"


@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("smooth", "BN makes the loss landscape smoother"),
        ("sharp", "the adversarial term gives much sharper images"),
        ("stable", "pre-LN trains stably"),
        ("autoregressive", "the decoder generates autoregressively"),
        ("blur", "L1 alone gives blurry outputs"),
        ("minus", "the gradient is p − y"),
        ("minus", "the gradient is p - y"),
        ("EOS", "until it emits the end-of-sequence token"),
        ("1x1", "a 1×1 convolution mixes channels"),
        ("per head", "a separate projection for each head"),
        ("negative bias", "large negative biases kill the unit"),
        ("노출 편향", "노출편향이 생긴다"),
        ("위치 인코딩", "포지셔널 인코딩을 더한다"),
        ("forget", "망각 게이트가 지운다"),
        ("소실", "기울기가 소실된다"),
        ("모델 오류", "모델이 오류를 낸다"),
        ("짧은", "경로가 짧게 된다"),
        ("gradient", "the gradeint vanishes"),
        ("attention", "a self atention layer"),
        ("bidirectional", "a bi-directional rnn"),
        ("bi-directional", "a bi directional rnn"),
        ("bi directional", "a bidirectional rnn"),
        ("d_k", "divide by the square root of dk"),
        ("d k", "divide by d_k"),
        ("vanishing gradient", "기울기 소실 문제"),
        ("기울기 소실", "the vanishing gradients"),
        ("weighted sum", "the values are summed, weighted by the scores"),
        ("non-monotonic", "GELU is non-monotonic"),
        ("non-monotonic", "GELU is not monotonic"),
    ],
)
def test_forms_typography_spacing_and_the_glossary_find_a_point(point: str, typed: str) -> None:
    assert status(point, typed) == "mentioned"


@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("monotonic", "GELU is not monotonic"),
        ("monotonic", "GELU isn't monotonic"),
        ("overflow", "it no longer overflows"),
        ("포화", "포화되지 않는다"),
        ("포화", "포화가 없다"),
        ("layer norm", "we apply the layer"),
    ],
)
def test_a_negated_or_partial_mention_is_doubtful(point: str, typed: str) -> None:
    assert status(point, typed) == "doubtful"


def test_one_plain_mention_outweighs_a_negated_one() -> None:
    assert (
        status("saturate", "it does not saturate for positive inputs, but it saturates below") == "mentioned"
    )


def test_alternative_wordings_count_and_the_first_is_shown() -> None:
    points = [("vanishing gradient", "gradients shrink"), ("softmax",)]
    matches = match_points(points, "the gradients shrink layer by layer", glossary=EMPTY_GLOSSARY)
    assert matches == [
        PointMatch("vanishing gradient", "mentioned", "gradients shrink"),
        PointMatch("softmax", "missing", None),
    ]


def test_without_the_glossary_a_translation_is_found_only_in_part() -> None:
    assert match_points([("위치 인코딩",)], "포지셔널 인코딩")[0].status == "doubtful"  # only 인코딩 of it
    assert status("위치 인코딩", "포지셔널 인코딩") == "mentioned"


def test_the_glossary_data_is_checked() -> None:
    with pytest.raises(ValueError, match="two or more terms"):
        glossary_from_data({"equivalents": [["alone"]]})
    assert glossary_from_data({}) == EMPTY_GLOSSARY
    assert GLOSSARY.groups
    assert GLOSSARY.compounds


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)
_HANGUL = st.text(alphabet="가나다라마바사아자차카타파하", min_size=2, max_size=5)


@given(st.lists(_WORD | _HANGUL, min_size=1, max_size=3).map(" ".join))
def test_a_point_always_matches_itself(point: str) -> None:
    assert status(point, point) == "mentioned"


@given(st.lists(_WORD, min_size=1, max_size=3).map(" ".join), st.lists(_WORD, max_size=6))
def test_adding_unrelated_words_never_loses_a_mention(point: str, extra: list[str]) -> None:
    typed = point
    before = status(point, typed)
    after = status(point, " ".join([*extra, "and so", typed, "and so", *extra]))
    assert before == "mentioned"
    assert after != "missing"


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8),
    st.text(alphabet="bcdfgkmpqvxz", min_size=2, max_size=4),
)
def test_a_point_word_inside_a_longer_word_never_matches(point: str, outside: str) -> None:
    assert status(point, f"the {outside}{point}{outside} here") == "missing"


# Korean compounds: a point may run on into a compound, or be its later part (rule 4).
@pytest.mark.parametrize(
    ("point", "typed", "expected"),
    [
        ("공간", "헤드마다 서로 다른 부분공간을 본다", "mentioned"),
        ("누적", "분포 불일치, 에러누적", "mentioned"),
        ("미래", "causal=미래토큰 가림", "mentioned"),
        ("임계", "임계값을 넘으면 줄인다", "mentioned"),
        ("정의", "코드를 수정의 대상으로 본다", "missing"),  # 정의 ends in a particle syllable
        ("일치", "학습과 추론의 분포 불일치", "doubtful"),  # a negative prefix
        ("공간", "공간복잡도가 커진다", "missing"),
    ],
)
def test_a_korean_point_inside_a_compound(point: str, typed: str, expected: MatchStatus) -> None:
    assert status(point, typed) == expected


# Negation's reach (rule 6): a clause, the words just before, a denied verb after.
@pytest.mark.parametrize(
    ("point", "typed", "expected"),
    [
        ("softmax", "its soft, not exact, softmax over all keys", "mentioned"),
        ("softmax", "its soft not exact; softmax over all keys", "mentioned"),
        ("hidden state", "the decoder never uses a hidden state", "doubtful"),
        ("order", "attention has no notion of order", "mentioned"),
        ("BERT", "BERT did not use it", "doubtful"),
        ("standard deviation", "the standard deviation has nothing to do with it", "doubtful"),
        ("key", "it pops the smallest key not the oldest", "mentioned"),
        ("overflow", "subtract the max so nothing overflows", "mentioned"),
        ("gradient", "it does nothing for the gradient", "doubtful"),
        ("collapses", "without it the layers collapse to one linear map", "mentioned"),
        ("collapses", "without a non-linearity, the layers do not collapse", "doubtful"),
        ("reduce", "Inception does not use it to reduce anything", "doubtful"),
        ("안정", "학습이 안정적이라 웜업 없이도 된다", "mentioned"),
        ("안정", "학습이 안정적이지 않다", "doubtful"),
        ("all keys", "only one key gets any weight, not all keys", "doubtful"),
        ("사인", "사인 함수는 쓰지 않고 학습한다", "doubtful"),
        ("표준편차", "표준편차도 관계없습니다", "doubtful"),
        ("곱", "곱과는 관계없습니다", "doubtful"),
        ("미래", "디코더가 미래 토큰을 못 보게 막는다", "mentioned"),
        ("자기회귀", "dec는 autoregressive라 토큰이 아직 없음", "mentioned"),
    ],
)
def test_what_a_negation_reaches(point: str, typed: str, expected: MatchStatus) -> None:
    assert status(point, typed) == expected


# Glossary: shorthand, word forms the stemmer keeps apart, English/Korean (rule 7).
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("previous token", "feed the prev token"),
        ("learning rate", "lr too high"),
        ("fewer parameters", "uses less parameters"),
        ("classification", "its output goes to a classifier"),
        ("blur", "L2 gives blurry images"),
        ("output projection", "concat, then W_O"),
        ("concat", "결과를 이어 붙인 다음 사영"),
        ("임계", "norm이 threshold를 넘으면"),
        ("폭주", "exploding용"),
        ("불일치", "train/test mismatch"),
        ("first token", "CLS = first tok"),
    ],
)
def test_the_glossary_knows_shorthand_and_both_languages(point: str, typed: str) -> None:
    assert status(point, typed) == "mentioned"


def test_naming_a_token_is_not_saying_where_it_is() -> None:
    assert status("first token", "CLS is a special token used for classification") != "mentioned"


# Several words of a point swapped by the glossary at once, and a glossary term in another form.
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("zero gradient", "outputs 0, grad 0, never recovers"),
        ("fewer parameters", "same area but with less params"),
        ("own predictions", "at inference it sees its own preds"),
        ("learning rate", "a too-big step size kicks it there"),
        ("standard deviation", "the spread σ grows like sqrt(dk)"),
    ],
)
def test_the_glossary_swaps_several_words_and_any_word_form(point: str, typed: str) -> None:
    assert status(point, typed) == "mentioned"


# A point that carries its negation is found under any negation cue, and never without one.
@pytest.mark.parametrize(
    ("point", "typed", "expected"),
    [
        ("non-monotonic", "it isn't monotone: it dips below zero", "mentioned"),
        ("non-monotonic", "smooth, not monotonic (small dip below 0)", "mentioned"),
        ("non-monotonic", "GELU is monotonic, just like ReLU", "missing"),
        ("not overfitting", "the training error is higher too, so this is not overfitting", "mentioned"),
        ("not overfitting", "deeper nets are overfitting", "missing"),
        ("레이블 없이", "정렬 레이블 없이 번역 loss만으로 학습됩니다", "mentioned"),
        ("레이블 없이", "정렬 레이블로 직접 지도학습합니다", "missing"),
    ],
)
def test_a_point_with_its_negation_needs_one(point: str, typed: str, expected: MatchStatus) -> None:
    assert status(point, typed) == expected


# Contrasts deny what follows them; a noun phrase can be the subject of a denial.
@pytest.mark.parametrize(
    ("point", "typed", "expected"),
    [
        ("original token", "it predicts the next token rather than the original token", "doubtful"),
        ("original token", "it predicts the original token rather than the next one", "mentioned"),
        ("own output", "feed the gold token instead of the model's own output", "doubtful"),
        ("leaky", "Leaky ReLU does not help here", "doubtful"),
        ("leaky", "Leaky ReLU keeps a small slope, so units do not die", "mentioned"),
    ],
)
def test_contrasts_and_denied_noun_phrases(point: str, typed: str, expected: MatchStatus) -> None:
    assert status(point, typed) == expected


def test_a_doubtful_match_says_whether_it_is_negated_or_partial() -> None:
    negated, partial, plain = match_points(
        [("hidden state",), ("vanishing gradient",), ("softmax",)],
        "the decoder never uses a hidden state; the gradient is fine; softmax",
        glossary=GLOSSARY,
    )
    assert (negated.status, negated.negated) == ("doubtful", True)
    assert (partial.status, partial.negated) == ("doubtful", False)
    assert (plain.status, plain.negated) == ("mentioned", False)


def test_the_checklist_says_why_a_point_is_doubtful() -> None:
    from quizcards.render.review import points_checklist

    matches = match_points(
        [("hidden state",), ("vanishing gradient",), ("softmax",), ("beam search",)],
        "the decoder never uses a hidden state; the gradient is fine; softmax",
        glossary=GLOSSARY,
    )
    checklist = points_checklist(matches, typed=True)
    assert checklist is not None
    lines = checklist.plain.splitlines()
    assert lines[0] == "Key points, a check of your words (you decide the grade): 1 of 4 mentioned"
    assert lines[2:] == [
        "  ? hidden state (negated)",
        "  ? vanishing gradient (only partly)",
        "  ✓ softmax",
        "  ✗ beam search",
    ]


# A verb stem merges with the ending after it: `사라지` + `어서` is written `사라져서`, `되` + `어` is `돼`.
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("기울기 소실", "RNN이라 기울기가 사라져서 앞쪽 단어를 못 배웁니다"),
        ("전달", "정보가 뒤까지 전달돼요"),
        ("사라지", "값이 금방 사라져요"),
    ],
)
def test_a_korean_stem_merged_with_its_ending_is_found(point: str, typed: str) -> None:
    assert status(point, typed) == "mentioned"


def test_a_merged_form_is_not_made_of_a_single_syllable() -> None:
    assert status("지", "학습이 져요") == "missing"


# Joining typed tokens (rule 3) is for split words, not for small words that happen to spell a point.
@pytest.mark.parametrize(
    ("point", "typed"),
    [
        ("weight init", "the weight in it is fixed"),
        ("conditional batch norm", "use a conditional generator"),
        ("can't be parallelised", "an RNN can be parallelised"),
        ("isn't monotonic", "GELU is monotonic"),
    ],
)
def test_joined_small_words_or_a_dropped_word_are_not_the_point(point: str, typed: str) -> None:
    assert status(point, typed) != "mentioned"
