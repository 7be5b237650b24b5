"""Fast case-insensitive patterns for the marker families.

Python's regex engine tries every branch of an alternation at every position of a text, and
the marker patterns are long alternations of phrases. `word_pattern()` compiles one into a
`WordPattern`, which

- compiles each branch on its own (a leading `\\b(?:a|b|…)` group counts as several);
- reads the literal start of each branch written as `\\b…` ("sorry", "i'm sorry", "calm
  down") as gate keys, and tries that branch only on texts whose words offer a key; such a
  branch searches from its literal start and checks the word start after, which lets the
  regex engine skip to candidates;
- gates the other branches on a character they need (a digit, "@") where there is one;
- matches the lower-cased text without re.IGNORECASE (same offsets).

A search returns the leftmost match of the branches tried, and of those starting there the
one written first, so which texts match, and where, is the same as with the plain
case-insensitive regex; property tests check this on the marker patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from operator import itemgetter
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from scorer.markers.text import TEXT_CACHE, WordTable
from scorer.markers.text import tokens as _tokens


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, char, depth) for every character of a regex outside escapes and character
    classes, from `start`; depth counts the open groups before the character."""
    depth = 0
    in_class = False
    index = start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        else:
            if char == ")":
                depth -= 1
            yield index, char, depth
            if char == "(":
                depth += 1
        index += 1


def _top_level_branches(pattern: str) -> list[str]:
    branches: list[str] = []
    start = 0
    for index, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
    branches.append(pattern[start:])
    return branches


_PREFIX_LENGTH = 4
# A word cut to the length of a gate key.
_CUT = itemgetter(slice(None, _PREFIX_LENGTH))
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
_MAX_PREFIXES = 400


_WORD_LIMIT = 16


@lru_cache(maxsize=TEXT_CACHE)
def _apostrophe_parts(token: str) -> tuple[list[str], list[str], list[str]]:
    """Parts of a word with apostrophes, where a regex may see a word start or end:
    (all parts, parts that end the word, parts that start it): "who've" -> (who've, who,
    ve), (who've, ve), (who've, who)."""
    marks = [i for i, char in enumerate(token) if char == "'"]
    starts = [0] + [m + 1 for m in marks if m + 1 < len(token)]
    ends = [m for m in marks if m > 0] + [len(token)]
    parts = [token[s:e] for s in starts for e in ends if e > s]
    return parts, [token[s:] for s in starts], [token[:e] for e in ends]


def word_keys(text: str) -> frozenset[str]:
    """Gate keys of `text`: each word cut to four characters, and each pair of neighbouring
    words as "word next" with the next word cut to four characters. A word with apostrophes
    also gives its parts, since a regex word boundary falls at an apostrophe."""
    return frozenset(_key_set(text))


def _key_set(text: str) -> set[str]:
    tokens = _tokens(text)
    if not tokens:
        return set()
    cut = [token[:_PREFIX_LENGTH] for token in tokens]
    keys = set(cut)
    if len(max(tokens, key=len)) <= _WORD_LIMIT:
        keys.update(map(" ".join, zip(tokens, cut[1:], strict=False)))
    else:
        pairs = zip(tokens, cut[1:], strict=False)
        keys.update([f"{a} {b}" for a, b in pairs if len(a) <= _WORD_LIMIT])
    if "'" not in text and "’" not in text:
        return keys
    for index, token in enumerate(tokens):
        if "'" not in token:
            continue
        parts, tails, heads = _apostrophe_parts(token)
        keys.update([part[:_PREFIX_LENGTH] for part in parts])
        if index + 1 < len(tokens):
            keys.update([f"{tail} {cut[index + 1]}" for tail in tails if len(tail) <= _WORD_LIMIT])
        if index:
            before = tokens[index - 1]
            firsts = _apostrophe_parts(before)[1] if "'" in before else [before]
            keys.update(
                [
                    f"{first} {head[:_PREFIX_LENGTH]}"
                    for first in firsts
                    if len(first) <= _WORD_LIMIT
                    for head in heads
                ]
            )
    return keys


def _key(sofar: str, second: bool, bounded: bool) -> str:
    """The gate key for what a branch has matched so far ("" when there is none).

    `bounded`: the word being read ends here for sure (whitespace, punctuation or \b
    follows). A word shorter than four characters only makes a key when it is bounded,
    because a text's key holds its words cut to four characters.
    """
    if second:
        first, _, rest = sofar.partition(" ")
        if rest and (bounded or len(rest) >= _PREFIX_LENGTH):
            return first + " " + rest[:_PREFIX_LENGTH]
        return first[:_PREFIX_LENGTH]  # whitespace followed the first word: it is whole
    if sofar and (bounded or len(sofar) >= _PREFIX_LENGTH):
        return sofar[:_PREFIX_LENGTH]
    return ""


def _keys(items: list[tuple[Any, Any]], index: int, sofar: str, second: bool) -> set[str] | None:
    """Gate keys a match of items[index:] may start with, given `sofar` matched already.

    A key is the literal start of the match: its first word cut to four characters, or, when
    the first word is literal in full and whitespace follows, "word next" with the next word
    cut to four characters. "" in the result means "no key"; None: too many keys.
    """
    if second and len(sofar.partition(" ")[2]) >= _PREFIX_LENGTH:
        return {_key(sofar, second, True)}
    if not second and len(sofar) > _WORD_LIMIT:
        return {sofar[:_PREFIX_LENGTH]}
    if index == len(items):
        return {_key(sofar, second, False)}
    op, value = items[index]
    if op is _c.AT:
        if value is _c.AT_BOUNDARY and sofar:
            return {_key(sofar, second, True)}
        return _keys(items, index + 1, sofar, second)
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return _keys(items, index + 1, sofar, second)
    chars: set[str] | None = None
    if op is _c.LITERAL:
        chars = {chr(value).lower()}
    elif op is _c.IN and all(kind is _c.LITERAL for kind, _ in value):
        chars = {chr(code).lower() for _, code in value}
    if chars is not None:
        found: set[str] = set()
        for char in chars:
            if char in _TOKEN_CHARS:
                part = _keys(items, index + 1, sofar + char, second)
            elif char == " " and sofar and not second:
                part = _keys(items, index + 1, sofar + " ", True)
            else:
                part = {_key(sofar, second, True)}
            if part is None:
                return None
            found |= part
        return found
    if _consumes_space(op, value):
        if sofar and not second:
            return _keys(items, index + 1, sofar + " ", True)
        return {_key(sofar, second, True)}
    if _breaks_word(op, value):
        return {_key(sofar, second, True)}
    if op is _c.SUBPATTERN:
        return _keys(list(value[3].data) + items[index + 1 :], 0, sofar, second)
    alternatives: list[list[tuple[Any, Any]]] = []
    if op is _c.BRANCH:
        alternatives = [list(alternative.data) + items[index + 1 :] for alternative in value[1]]
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, body = value
        once = list(body.data)
        # A body that may repeat: keys stop at the end of its first round.
        alternatives.append(once + items[index + 1 :] if high == 1 else once)
        if low == 0:
            alternatives.append(items[index + 1 :])
    else:
        return {_key(sofar, second, False)}
    collected: set[str] = set()
    for alternative in alternatives:
        part = _keys(alternative, 0, sofar, second)
        if part is None:
            return None
        collected |= part
        if len(collected) > _MAX_PREFIXES:
            return None
    return collected


def _usable(found: set[str] | None) -> bool:
    return found is not None and "" not in found and all(p[0] != "'" for p in found)


def _consumes_space(op: Any, value: Any) -> bool:
    """A required element that matches whitespace, so the next element starts a word."""
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, body = value
        return bool(low) and all(_consumes_space(o, v) for o, v in body.data)
    if op is _c.IN:
        return any(kind is _c.CATEGORY and v is _c.CATEGORY_SPACE for kind, v in value)
    return op is _c.LITERAL and chr(value) == " "


def _breaks_word(op: Any, value: Any) -> bool:
    """A required element that matches non-word characters only (`\\W`, `\\W+`): the word
    before it ends there, and a word after it starts a word of the text, or a part of one
    with apostrophes (an apostrophe is a non-word character), whose keys the text offers too.
    Unlike whitespace it makes no pair: the two words may be parts of one."""
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, body = value
        return bool(low) and all(_breaks_word(o, v) for o, v in body.data)
    return op is _c.IN and value == [(_c.CATEGORY, _c.CATEGORY_NOT_WORD)]


def _ends_with_space(items: list[tuple[Any, Any]]) -> bool:
    """Every match of `items` ends with whitespace or other non-word characters (so whatever
    word follows starts a word)."""
    if not items:
        return False
    op, value = items[-1]
    if _consumes_space(op, value) or _breaks_word(op, value):
        return True
    if op is _c.SUBPATTERN:
        return _ends_with_space(list(value[3].data))
    if op is _c.BRANCH:
        return all(_ends_with_space(list(alternative.data)) for alternative in value[1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return bool(value[0]) and _ends_with_space(list(value[2].data))
    return False


def _branch_prefixes(branch: str) -> frozenset[str] | None:
    """Word prefixes one of which any match of `branch` (a branch that starts at a word)
    must contain as the start of a word; None when no such set is known.

    Every element that starts a word (the first, and each after required whitespace) offers
    the literal prefixes of what follows it; the most selective offer wins.
    """
    try:
        items = list(_parser.parse(branch, re.I).data)
    except re.error:
        return None
    best: set[str] | None = None
    starts_word = True
    for index, (op, value) in enumerate(items):
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if starts_word:
            found = _keys(items, index, "", False)
            if (
                found is not None
                and _usable(found)
                and (best is None or _score(found) > _score(best))
            ):
                best = found
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and value[0] == 0:
            # Skipped, the next element starts where this one would have; taken, it starts a
            # word only if this one ends in whitespace.
            starts_word = starts_word and _ends_with_space(list(value[2].data))
            continue
        starts_word = _ends_with_space([(op, value)])
    if best is None:
        return None
    return frozenset(best)


_DIGITS = frozenset("0123456789")


def _starts_with_word_character(branch: str) -> bool:
    """Every match of `branch` starts with a letter or digit (its first element is one)."""
    try:
        items = list(_parser.parse(branch, re.I).data)
    except re.error:
        return False
    if not items:
        return False
    op, value = items[0]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and value[0] >= 1 and len(value[2].data) == 1:
        op, value = value[2].data[0]
    if op is _c.IN:
        return bool(value == [(_c.CATEGORY, _c.CATEGORY_DIGIT)])
    return op is _c.LITERAL and chr(value).isalnum()


def _char_gate(branch: str) -> frozenset[str] | None:
    """Characters one of which a text must contain for `branch` to match; None when unknown.

    The first element that consumes a character decides when it is a literal, a digit or a
    class of punctuation ("[:;]"); else any literal punctuation the branch requires ("@" in an
    e-mail address) does.
    """
    try:
        items = list(_parser.parse(branch, re.I).data)
    except re.error:
        return None
    for op, value in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op is _c.LITERAL:
            char = chr(value)
            return frozenset({char.lower(), char.upper()})
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and value[0] >= 1:
            op, value = value[2].data[0] if len(value[2].data) == 1 else (None, None)
        if op is _c.IN and value == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]:
            return _DIGITS
        if (
            op is _c.IN
            and value
            and all(kind is _c.LITERAL and not chr(code).isalnum() for kind, code in value)
        ):
            return frozenset(chr(code) for _, code in value)  # "[:;]": punctuation only
        break
    for op, value in items:
        if op is _c.LITERAL and chr(value) not in _TOKEN_CHARS and not chr(value).isspace():
            return frozenset({chr(value)})
    return None


def _character_class(characters: frozenset[str]) -> re.Pattern[str]:
    """A regex that finds any of `characters` (one C scan of a text, no set of its
    characters to build)."""
    return re.compile("[" + "".join(sorted(map(re.escape, characters))) + "]")


# Every gated pattern registers its keys here (key -> bit mask of the patterns it opens), so
# that one pass over a text's keys finds all the patterns worth running on it.
_KEY_INDEX: dict[str, int] = {}
_pattern_count = 0


# The two-word keys as first word -> second word (its first letters) -> bit mask, so that a
# text's word pairs are looked up without building them as strings. A first word longer than
# _WORD_LIMIT is left out: a text's pairs never start with one.
_PAIR_INDEX: dict[str, dict[str, int]] = {}


def _register(keys: frozenset[str]) -> int:
    global _pattern_count
    number = _pattern_count
    _pattern_count += 1
    for key in keys:
        _KEY_INDEX[key] = _KEY_INDEX.get(key, 0) | (1 << number)
        first, space, second = key.partition(" ")
        if space and len(first) <= _WORD_LIMIT:
            seconds = _PAIR_INDEX.setdefault(first, {})
            seconds[second] = seconds.get(second, 0) | (1 << number)
    _gate_facts.cache_clear()
    _TOKEN_KEYS.clear()
    _APOSTROPHE_FACTS.clear()
    return number


def _open_patterns(text: str) -> int:
    """Bit mask of the gated patterns whose keys occur in `text`: the keys of `word_keys`
    that the index holds, looked up token by token (a pair only after a word that starts one)
    without building the keys as strings first."""
    tokens = _tokens(text)
    if not tokens:
        return 0
    found = 0
    seconds: dict[str, int] | None = None  # the pairs the previous word starts
    for cut, bits, starts in map(_TOKEN_KEYS.__getitem__, tokens):
        if bits:  # (most words open nothing; OR-ing a wide mask with 0 still copies it)
            found |= bits
        if seconds is not None:
            pair_bits = seconds.get(cut)
            if pair_bits:
                found |= pair_bits
        seconds = starts
    if "'" in text or "’" in text:
        found |= _apostrophe_bits(tokens)
    return found


def _apostrophe_bits(tokens: tuple[str, ...]) -> int:
    """The mask of the keys `_key_set` adds for the words with apostrophes (their parts, and
    the pairs those parts make with the neighbouring words), read from `_PAIR_INDEX` by word
    so that no key is built as a string."""
    found = 0
    last = len(tokens) - 1
    for position, token in enumerate(tokens):
        if "'" not in token:
            continue
        bits, tail_pairs, head_cuts = _APOSTROPHE_FACTS[token]
        if bits:
            found |= bits
        if position < last:
            after = tokens[position + 1][:_PREFIX_LENGTH]
            for seconds in tail_pairs:
                if pair := seconds.get(after):
                    found |= pair
        if position:
            before = tokens[position - 1]
            if "'" in before:
                before_pairs = _APOSTROPHE_FACTS[before][1]
            else:
                starts = _PAIR_INDEX.get(before)
                before_pairs = (starts,) if starts is not None else ()
            for seconds in before_pairs:
                for head in head_cuts:
                    if pair := seconds.get(head):
                        found |= pair
    return found


def _facts_of_apostrophe_word(
    token: str,
) -> tuple[int, tuple[dict[str, int], ...], tuple[str, ...]]:
    """For a word with apostrophes: the mask of its parts' one-word keys, the pair tables of the
    parts that end it ("ve" of "who've") as a pair's first word, and the first letters of the
    parts that start it: what `_apostrophe_bits` needs of the word wherever it occurs."""
    parts, tails, heads = _apostrophe_parts(token)
    bits = 0
    for part in parts:
        bits |= _KEY_INDEX.get(part[:_PREFIX_LENGTH], 0)
    pairs = tuple(_PAIR_INDEX[tail] for tail in tails if tail in _PAIR_INDEX)
    return bits, pairs, tuple(head[:_PREFIX_LENGTH] for head in heads)


def _token_facts(token: str) -> tuple[str, int, dict[str, int] | None]:
    """(the token's first letters, the mask of the one-word keys it opens, the pairs it
    starts)."""
    cut = token[:_PREFIX_LENGTH]
    return cut, _KEY_INDEX.get(cut, 0), _PAIR_INDEX.get(token)


# Each token's facts (and each word with apostrophes' facts), worked out once: words recur
# across calls even when sentences do not. Cleared when a pattern registers keys.
_TOKEN_KEYS = WordTable(_token_facts)
_APOSTROPHE_FACTS = WordTable(_facts_of_apostrophe_word)


def _apostrophe_keys(
    tokens: tuple[str, ...], cut: list[str], position: int, firsts: set[str]
) -> list[str]:
    """The keys `_key_set` adds for the word with apostrophes at `position`, less the pairs
    whose first word starts no key."""
    token = tokens[position]
    parts, tails, heads = _apostrophe_parts(token)
    keys = [part[:_PREFIX_LENGTH] for part in parts]
    if position + 1 < len(tokens):
        after = cut[position + 1]
        keys += [f"{tail} {after}" for tail in tails if tail in firsts and len(tail) <= _WORD_LIMIT]
    if position:
        before = tokens[position - 1]
        starts = _apostrophe_parts(before)[1] if "'" in before else [before]
        keys += [
            f"{first} {head[:_PREFIX_LENGTH]}"
            for first in starts
            if first in firsts and len(first) <= _WORD_LIMIT
            for head in heads
        ]
    return keys


def _score(found: set[str]) -> tuple[int, int]:
    return (min(len(p) + (3 if " " in p else 0) for p in found), -len(found))


@lru_cache(maxsize=TEXT_CACHE)
def _gate_facts(text: str) -> tuple[str | None, int]:
    """`text` lower-cased (None when that would move offsets) and its open-branch mask."""
    return lowered(text), _open_patterns(text)


@lru_cache(maxsize=TEXT_CACHE)
def lowered(text: str) -> str | None:
    """`text` in lower case, or None when lower-casing would move offsets (rare Unicode)."""
    low = text.lower()
    return low if len(low) == len(text) else None


def _split_leading_group(branch: str) -> list[str]:
    """A branch `\\b(?:a|b|c)rest` as the branches `\\b(?:a)rest`, `\\b(?:b)rest`, … (the same
    matches, in the same order of preference), so that each can be gated on its own keys."""
    if not branch.startswith(r"\b(?:"):
        return [branch]
    index = len(branch)
    for position, char, depth in _structure(branch, 2):
        if char == ")" and depth == 0:
            index = position
            break
    rest = branch[index + 1 :]
    if index >= len(branch) or rest[:1] in ("?", "*", "+", "{"):
        return [branch]
    inner = _top_level_branches(branch[5:index])
    if len(inner) < 2:
        return [branch]
    return [r"\b(?:" + alternative + ")" + rest for alternative in inner]


# A branch that opens the text: start, then any non-word characters (or any whitespace),
# then its words.
_OPENINGS = (r"^\W*", r"^\s*")


class _Branch:
    """One alternative of a pattern, compiled on its own.

    `bounded`: the branch was written `\\b…` and starts with a letter or digit. It is compiled
    without the `\\b`, so that the regex engine can skip straight to its literal start, and a
    match counts only where no word character comes before it.
    """

    __slots__ = ("bounded", "index", "regex")

    def __init__(self, index: int, regex: re.Pattern[str], bounded: bool = False) -> None:
        self.index = index
        self.regex = regex
        self.bounded = bounded

    def search(self, low: str, pos: int) -> re.Match[str] | None:
        found = self.regex.search(low, pos)
        if not self.bounded:
            return found
        while found is not None and found.start() and _is_word_char(low[found.start() - 1]):
            found = self.regex.search(low, found.start() + 1)
        return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class WordPattern:
    """A compiled case-insensitive alternation that tries only the branches a text can match.

    - Each top-level branch (a leading `\\b(?:a|b)…` group counts as several) is compiled on
      its own. A branch written as `\\b…` is gated by its literal start ("sorry", "i'm sorry",
      "calm down"): it is tried only on texts whose words offer one of its keys.
    - Other branches are gated by a character they need (a digit, "@") where there is one.
    - Matching runs on the lower-cased text without re.IGNORECASE (same offsets; matched text
      comes back lower-cased).

    A search takes the leftmost match of the branches tried, and of those starting there the
    one written first: what the plain case-insensitive regex finds (a property test checks it).
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        # Lower-case matching needs a pattern with no upper-case letter of its own.
        self._needs_case_folding = bool(re.search(r"(?<!\\)[A-Z]", pattern))
        flags = re.I if self._needs_case_folding else 0
        self._whole_folding = re.compile(pattern, re.I)
        self._plain: list[_Branch] = []
        self._by_character: list[tuple[re.Pattern[str], _Branch]] = []
        gated: list[tuple[frozenset[str], _Branch]] = []
        branches = [
            part for branch in _top_level_branches(pattern) for part in _split_leading_group(branch)
        ]
        gate_characters: frozenset[str] = frozenset()
        for index, branch in enumerate(branches):
            found = _branch_prefixes(branch[2:]) if branch.startswith(r"\b") else None
            if found is not None:
                # The branch starts with a letter or digit, so \b there means "no word
                # character before".
                regex = re.compile("(?:" + branch[2:] + ")", flags)
                gated.append((found, _Branch(index, regex, bounded=True)))
                continue
            if branch.startswith(_OPENINGS) and (found := _branch_prefixes(branch[4:])):
                # "^\W*sorry…": the text opens on that word, so its words offer the keys; the
                # branch is searched as written.
                gated.append((found, _Branch(index, re.compile(branch, flags))))
                continue
            characters = _char_gate(branch)
            if branch.startswith(r"\b") and _starts_with_word_character(branch[2:]):
                # Too short a start to gate on ("sad", "aw"): still searched from its literal
                # start, with the word start checked after.
                compiled = _Branch(index, re.compile("(?:" + branch[2:] + ")", flags), True)
            else:
                compiled = _Branch(index, re.compile(branch, flags))
            if characters is None:
                self._plain.append(compiled)
            else:
                self._by_character.append((_character_class(characters), compiled))
                gate_characters |= characters
        self._first_bit = _pattern_count
        self._gated = [item for _, item in gated]
        for keys, _item in gated:
            _register(keys)
        self._bits = (1 << len(gated)) - 1
        self._only_gated = not self._plain and not self._by_character
        # Every branch is gated, by keys or by a character: a text that offers no key and
        # none of the characters is ruled out without working out the branches to try.
        self._all_gated = bool(gated) and not self._plain and not self._needs_case_folding
        # Any character of any character gate: one search rules them all out.
        self._any_gate = _character_class(gate_characters) if gate_characters else None
        self._plain_tuple = tuple(self._plain)
        self._own_keys = frozenset().union(*(keys for keys, _ in gated))
        self._own_firsts = {key.partition(" ")[0] for key in self._own_keys if " " in key}

    def _tried(self, text: str) -> tuple[str, Sequence[_Branch]] | None:
        """The lower-cased text and the branches worth trying on it, in written order; None
        when lower-casing would move offsets (then the plain folding regex runs)."""
        if self._needs_case_folding:
            return None
        if self._bits:
            low, mask = _gate_facts(text)
            bits = (mask >> self._first_bit) & self._bits
        else:  # no gated branch: the text's keys are not needed
            low, bits = lowered(text), 0
        if low is None:
            return None
        if not bits and not self._by_character:  # the plain branches only, in written order
            return low, self._plain_tuple
        if self._only_gated:  # gated branches in written order: bit order is written order
            if not bits:
                return low, ()
            if not bits & (bits - 1):
                return low, (self._gated[bits.bit_length() - 1],)
        tried = list(self._plain)
        while bits:
            lowest = bits & -bits
            tried.append(self._gated[lowest.bit_length() - 1])
            bits ^= lowest
        if self._any_gate is not None and self._any_gate.search(text) is not None:
            tried += [item for gate, item in self._by_character if gate.search(text) is not None]
        if len(tried) > 1 and not self._only_gated:
            tried.sort(key=_index)
        return low, tried

    def may_match(self, text: str) -> bool:
        """Whether any branch is worth trying on `text` (False: `search` finds nothing)."""
        if self._needs_case_folding or self._plain:
            return True
        if self._bits:
            low, mask = _gate_facts(text)
            if low is None or (mask >> self._first_bit) & self._bits:
                return True
        elif lowered(text) is None:
            return True
        return self._any_gate is not None and self._any_gate.search(text) is not None

    def may_match_alone(self, text: str) -> bool:
        """As `may_match`, from this pattern's own keys only: for a text that no other pattern
        reads (a customer turn), cheaper than working out which of all patterns it opens."""
        if not self._only_gated or self._needs_case_folding or lowered(text) is None:
            return True
        own = self._own_keys
        tokens = _tokens(text)
        cut = list(map(_CUT, tokens))
        if not own.isdisjoint(cut):
            return True
        firsts = self._own_firsts
        if not firsts.isdisjoint(tokens):  # a word that starts one of the pairs
            pairs = zip(tokens, cut[1:], strict=False)
            if not own.isdisjoint(
                [f"{a} {b}" for a, b in pairs if a in firsts and len(a) <= _WORD_LIMIT]
            ):
                return True
        if "'" in text or "’" in text:
            for position, token in enumerate(tokens):
                if "'" in token and not own.isdisjoint(
                    _apostrophe_keys(tokens, cut, position, self._own_firsts)
                ):
                    return True
        return False

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        if self._all_gated:
            # The common case, without the general bookkeeping: no branch or one is open.
            low, mask = _gate_facts(text)
            bits = (mask >> self._first_bit) & self._bits
            if (
                low is not None
                and not bits & (bits - 1)
                and (self._any_gate is None or self._any_gate.search(text) is None)
            ):
                return self._gated[bits.bit_length() - 1].search(low, pos) if bits else None
        tried = self._tried(text)
        if tried is None:
            return self._whole_folding.search(text, pos)
        low, branches = tried
        if len(branches) == 1:
            return branches[0].search(low, pos)
        return _leftmost(low, branches, pos)

    def match(self, text: str) -> re.Match[str] | None:
        if self._all_gated and not self.may_match(text):
            return None
        tried = self._tried(text)
        if tried is None:
            return self._whole_folding.match(text)
        low, branches = tried
        for branch in branches:
            found = branch.regex.match(low)
            if found is not None:
                return found
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._all_gated:
            # The common case: no branch is open.
            low, mask = _gate_facts(text)
            if (
                low is not None
                and not (mask >> self._first_bit) & self._bits
                and (self._any_gate is None or self._any_gate.search(text) is None)
            ):
                return iter(())
        tried = self._tried(text)
        if tried is None:
            return self._whole_folding.finditer(text)
        low, branches = tried
        if not branches:
            return iter(())
        if len(branches) == 1 and not branches[0].bounded:
            return branches[0].regex.finditer(low)
        return _iterate(low, branches)

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        """Replace matches with `replacement` (taken literally); the rest keeps its case."""
        pieces: list[str] = []
        last = 0
        for number, found in enumerate(self.finditer(text)):
            if count and number >= count:
                break
            pieces.append(text[last : found.start()])
            pieces.append(replacement)
            last = found.end()
        pieces.append(text[last:])
        return "".join(pieces)


def _index(branch: _Branch) -> int:
    return branch.index


def _leftmost(low: str, branches: Sequence[_Branch], pos: int) -> re.Match[str] | None:
    """The leftmost match of `branches` in `low` from `pos`; the first written wins a tie."""
    best: re.Match[str] | None = None
    for branch in branches:
        found = branch.search(low, pos)
        if found is not None and (best is None or found.start() < best.start()):
            best = found
            if best.start() == pos:
                break  # nothing can start earlier, and later branches lose the tie
    return best


def _iterate(low: str, branches: Sequence[_Branch]) -> Iterator[re.Match[str]]:
    """Non-overlapping matches, left to right, as `finditer` of the whole alternation."""
    pos = 0
    while pos <= len(low):
        found = _leftmost(low, branches, pos)
        if found is None:
            return
        yield found
        pos = found.end() if found.end() > found.start() else found.end() + 1


class PatternGroup:
    """Patterns a caller tries on the same texts: `may_match(text)` is False when none of them
    can match, from one test of the text's open-branch mask (instead of one search each)."""

    def __init__(self, *patterns: WordPattern) -> None:
        self.patterns = patterns
        # Branches tried on every text (or full case folding): nothing can be ruled out.
        self._always = any(p._needs_case_folding or p._plain for p in patterns)
        self._mask = 0
        for pattern in patterns:
            self._mask |= pattern._bits << pattern._first_bit
        self._any_gates = [p._any_gate for p in patterns if p._any_gate is not None]

    def may_match(self, text: str) -> bool:
        if self._always:
            return True
        low, mask = _gate_facts(text)
        if low is None or mask & self._mask:
            return True
        return any(gate.search(text) is not None for gate in self._any_gates)


def word_pattern(pattern: str, flags: int = re.I) -> WordPattern:
    """Compile a case-insensitive alternation of word-initial branches into a `WordPattern`."""
    if flags != re.I:
        raise ValueError("word_pattern() compiles case-insensitive patterns only (flags=re.I)")
    return WordPattern(pattern)
