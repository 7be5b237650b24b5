"""`word_pattern`: gated, lower-cased matching finds what the plain regex finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers import commitments, empathy, escalation, reflection
from scorer.markers.patterns import word_keys, word_pattern


def test_gate_keys_cover_words_pairs_and_apostrophe_parts():
    keys = word_keys("So, let's see who've called")
    assert {"so", "let'", "let", "s", "see", "who'", "who", "ve", "call"} <= keys
    assert {"so let'", "let's see", "s see", "see who'", "see who", "who've call"} <= keys


def test_match_and_finditer_keep_offsets_of_the_original_text():
    pattern = word_pattern(r"\bcalm\s+down\b|\b\d{3}\b", re.I)
    text = "Please CALM DOWN, ticket 555 and 666."
    assert pattern.search(text).span() == (7, 16)
    assert [m.span() for m in pattern.finditer(text)] == [(7, 16), (25, 28), (33, 36)]
    assert pattern.match("calm down now").span() == (0, 9)
    assert pattern.sub("#", text) == "Please #, ticket # and #."


PATTERNS = [
    r"\bsorry\s+(?:about|for)\b|\bmy\s+apolog|^\W*sorry\b",
    r"\b(?:i'?m|i\s+am)\s+(?:so\s+)?sorry\b|<3",
    r"\bcall\s+me\b|\b\d{3}[-\s]\d{4}\b|\bmy\s+(?:direct\s+)?line",
    r"\b(?:that|this|it)(?:'s|\s+is)\s+(?:so\s+)?(?:hard|awful)|\bhow\s+(?:hard|awful)",
]
_pieces = st.sampled_from(
    [
        "sorry",
        "about",
        "I'm",
        "Im",
        "so",
        "SORRY",
        "my",
        "apologies",
        "call",
        "me",
        "555-1234",
        "line",
        "it's",
        "that",
        "is",
        "hard",
        "awful",
        "how",
        "<3",
        "x",
        ".",
        ",",
        "İ",
        "ß",
        "straße",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12).map(" ".join), st.sampled_from(PATTERNS))
def test_word_pattern_matches_like_the_plain_regex(text, pattern):
    fast = word_pattern(pattern)
    plain = re.compile(pattern, re.I)
    expected = plain.search(text)
    got = fast.search(text)
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert got.span() == expected.span()
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


MODULE_PATTERNS = [
    reflection._INFORMATION,
    empathy._GENERIC,
    empathy._APOLOGY,
    commitments.TIME,
    commitments._DIFFUSE,
    escalation._CALM_DOWN,
    escalation._REPEAT,
    empathy._SHARED_FEELING,
    reflection._FAREWELL,
    reflection._PRAISE_ONLY,
]
PHRASE_WORDS = (
    "let's let us me people who who've you can need to i'm so sorry i understand that's it "
    "must be hard calm down relax don't shout we'll look into someone will get back today by "
    "3 pm at 10 within the hour on friday x'you i'll apologise sounds like it's been awful . , "
    "- ' ’ I'M SORRY aw aww awwww awe :) ;-( <3 a: same ok'same okay, bye see you take care "
    "again, so once great! ok'bye it's this is that's"
)
_phrase_pieces = st.sampled_from(PHRASE_WORDS.split())


@settings(max_examples=400, deadline=None)
@given(st.lists(_phrase_pieces, max_size=14).map(" ".join), st.sampled_from(MODULE_PATTERNS))
def test_marker_patterns_match_like_plain_regexes(text, fast):
    plain = re.compile(fast.pattern, re.I)
    expected = plain.search(text)
    got = fast.search(text)
    assert (got is None) == (expected is None), (text, fast.pattern[:60])
    if got is not None and expected is not None:
        assert got.span() == expected.span()
    assert (fast.match(text) is None) == (plain.match(text) is None), (text, fast.pattern[:60])


_SERVICE_LINES = (
    "I'm so sorry, Mrs Hale, I can see the engineer didn't turn up on Tuesday.",
    "Let me make sure I have this right: you were charged twice before payday?",
    "We'll look into it and someone will get back to you shortly.",
    "I will call you back by 3 pm today on 0161 555 0199, extension 42.",
    "As I mentioned, the refund takes five to seven working days.",
    "Look, I'm trying to help you here, there's no need to shout.",
    "While I have you, our Premium Shield plan would cover this for just £4 a month.",
    "Your reference is HLD-40917; the CSC flag, which is a billing hold, is lifted.",
    "It sounds like you've been without internet all week, and that's your work gone.",
    "So you can get paid on Friday, I've reversed the fee and credited £35.",
    "To recap: the charge was duplicated, I've reversed it, expect it by Thursday.",
    "Which card was it on, the one ending 4421, or the joint account?",
    "Thanks for waiting, Dana. Mhm. Okay, right, I see.",
    "We keep coming back to the refund, so let's fix that now, shall we?",
    "I think it's probably the router, maybe the cable, I'm not sure.",
    "THIS IS NOT ACCEPTABLE, I've called four times and nobody calls back!!",
    "It's with the refunds team and they'll be in touch in due course.",
    "I hear you; that must be really frustrating, I'd be upset too.",
    "Can you tell me more about what happens when the app logs you out?",
    "Before I change anything, can I ask which address the parcel should go to?",
    "Aww, that's awful :( and the awning fell too, aw.",
)


def _marker_word_patterns():
    import gc

    import scorer.conversation  # noqa: F401  (registers its patterns too)
    from scorer.markers.patterns import WordPattern

    return [item for item in gc.get_objects() if isinstance(item, WordPattern)]


def test_every_marker_pattern_matches_like_its_plain_regex_on_service_lines():
    patterns = _marker_word_patterns()
    assert len(patterns) > 30
    texts = list(_SERVICE_LINES)
    texts += [line.lower() for line in _SERVICE_LINES] + [line.upper() for line in _SERVICE_LINES]
    texts += [" ".join(_SERVICE_LINES[i : i + 3]) for i in range(0, len(_SERVICE_LINES), 3)]
    for fast in patterns:
        plain = re.compile(fast.pattern, re.I)
        for text in texts:
            expected = plain.search(text)
            got = fast.search(text)
            assert (got is None) == (expected is None), (text, fast.pattern[:60])
            if got is not None and expected is not None:
                assert got.span() == expected.span(), (text, fast.pattern[:60])
            spans = [m.span() for m in fast.finditer(text)]
            assert spans == [m.span() for m in plain.finditer(text)], (text, fast.pattern[:60])
            matched = fast.match(text)
            expected = plain.match(text)
            assert (matched is None) == (expected is None), (text, fast.pattern[:60])


APOSTROPHE_WORDS = (
    "who've let's i'm we'll you're don't o'clock rock'n'roll 'em y'all it's that's "
    "sorry so let see call me calm down i am who ve s m"
)
_APOSTROPHE_WORDS = st.sampled_from(APOSTROPHE_WORDS.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(_APOSTROPHE_WORDS, min_size=1, max_size=10).map(" ".join))
def test_open_branch_mask_holds_every_key_of_the_text(text):
    """The mask read word by word (apostrophe parts and their pairs included) is the one the
    text's keys give through the key index."""
    import scorer.conversation  # noqa: F401  (registers its patterns too)
    from scorer.markers import patterns

    expected = 0
    for key in word_keys(text):
        expected |= patterns._KEY_INDEX.get(key, 0)
    assert patterns._open_patterns(text) == expected
    assert patterns._open_patterns(text.replace("'", "’")) == expected


def test_a_pattern_group_rules_out_only_texts_none_of_its_patterns_matches():
    from scorer.markers import commitments, escalation, service

    groups = [escalation._MARKERS, service._MARKERS, commitments._MARKERS]
    texts = list(_SERVICE_LINES) + [line.upper() for line in _SERVICE_LINES] + ["", "x"]
    ruled_out = 0
    for group in groups:
        for text in texts:
            if not group.may_match(text):
                ruled_out += 1
                assert all(pattern.search(text) is None for pattern in group.patterns), text
    assert ruled_out > 10  # the test rules texts out, not only lets them through


@settings(max_examples=300, deadline=None)
@given(st.lists(_phrase_pieces, max_size=14).map(" ".join))
def test_pattern_groups_never_rule_out_a_match(text):
    from scorer.markers import commitments, escalation, service

    for group in (escalation._MARKERS, service._MARKERS, commitments._MARKERS):
        if not group.may_match(text):
            assert all(pattern.search(text) is None for pattern in group.patterns), text


def test_a_word_after_non_word_characters_gates_its_branch():
    # `\W+` ends a word and starts the next, as whitespace does: the branch is gated by "same"
    # and still finds it after punctuation or inside a word with an apostrophe.
    fast = word_pattern(r"^\W*(?:\w+\W+)?same\b", re.I)
    plain = re.compile(fast.pattern, re.I)
    assert not fast._plain and fast._all_gated
    for text in ("Same here.", "ok, same", "ok'same", "Me... SAME", "samey", "the same", "x"):
        expected = plain.search(text)
        got = fast.search(text)
        assert (got is None) == (expected is None), text
        if got is not None and expected is not None:
            assert got.span() == expected.span(), text
