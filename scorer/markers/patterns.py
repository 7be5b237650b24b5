"""Fast case-insensitive patterns for the marker families.

Python's regex engine tries every branch of an alternation at every position of a text, and
the marker patterns are long alternations of phrases. `word_pattern()` compiles one into a
`WordPattern`, which

- reads the literal start of each branch written as `\\b…` ("sorry", "i'm sorry", "calm
  down") as gate keys, and tries those branches only on texts whose words offer a key;
- gates the other branches on a character they need (a digit, "@") where there is one;
- matches the lower-cased text without re.IGNORECASE (same offsets).

Which texts match, and where, is the same as with the plain case-insensitive regex; a
property test checks this on the marker patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from scorer.markers.text import tokens as _tokens


def _top_level_branches(pattern: str) -> list[str]:
    branches: list[str] = []
    depth = 0
    in_class = False
    start = 0
    index = 0
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
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
        index += 1
    branches.append(pattern[start:])
    return branches


_PREFIX_LENGTH = 4
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
_MAX_PREFIXES = 400


_WORD_LIMIT = 16


def _apostrophe_parts(token: str) -> tuple[list[str], list[str], list[str]]:
    """Parts of a word with apostrophes, where a regex may see a word start or end:
    (all parts, parts that end the word, parts that start it): "who've" -> (who've, who,
    ve), (who've, ve), (who've, who)."""
    marks = [i for i, char in enumerate(token) if char == "'"]
    starts = [0] + [m + 1 for m in marks if m + 1 < len(token)]
    ends = [m for m in marks if m > 0] + [len(token)]
    parts = [token[s:e] for s in starts for e in ends if e > s]
    return parts, [token[s:] for s in starts], [token[:e] for e in ends]


@lru_cache(maxsize=8192)
def word_keys(text: str) -> frozenset[str]:
    """Gate keys of `text`: each word cut to four characters, and each pair of neighbouring
    words as "word next" with the next word cut to four characters. A word with apostrophes
    also gives its parts, since a regex word boundary falls at an apostrophe."""
    tokens = _tokens(text)
    cut = [token[:_PREFIX_LENGTH] for token in tokens]
    keys = set(cut)
    pairs = zip(tokens[:-1], cut[1:], strict=True)
    keys.update([f"{a} {b}" for a, b in pairs if len(a) <= _WORD_LIMIT])
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
    return frozenset(keys)


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


def _ends_with_space(items: list[tuple[Any, Any]]) -> bool:
    """Every match of `items` ends with whitespace (so whatever follows starts a word)."""
    if not items:
        return False
    op, value = items[-1]
    if _consumes_space(op, value):
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


def _char_gate(branch: str) -> frozenset[str] | None:
    """Characters one of which a text must contain for `branch` to match; None when unknown.

    The first element that consumes a character decides when it is a literal or a digit; else
    any literal punctuation the branch requires ("@" in an e-mail address) does.
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
        break
    for op, value in items:
        if op is _c.LITERAL and chr(value) not in _TOKEN_CHARS and not chr(value).isspace():
            return frozenset({chr(value)})
    return None


@lru_cache(maxsize=8192)
def _characters(text: str) -> frozenset[str]:
    return frozenset(text)


# Every gated pattern registers its keys here (key -> bit mask of the patterns it opens), so
# that one pass over a text's keys finds all the patterns worth running on it.
_KEY_INDEX: dict[str, int] = {}
_pattern_count = 0


def _register(keys: frozenset[str]) -> int:
    global _pattern_count
    number = _pattern_count
    _pattern_count += 1
    for key in keys:
        _KEY_INDEX[key] = _KEY_INDEX.get(key, 0) | (1 << number)
    _open_patterns.cache_clear()
    return number


@lru_cache(maxsize=8192)
def _open_patterns(text: str) -> int:
    """Bit mask of the gated patterns whose keys occur in `text`."""
    index = _KEY_INDEX
    found = 0
    for key in word_keys(text):
        found |= index.get(key, 0)
    return found


def _score(found: set[str]) -> tuple[int, int]:
    return (min(len(p) + (3 if " " in p else 0) for p in found), -len(found))


@lru_cache(maxsize=8192)
def lowered(text: str) -> str | None:
    """`text` in lower case, or None when lower-casing would move offsets (rare Unicode)."""
    low = text.lower()
    return low if len(low) == len(text) else None


class WordPattern:
    """A compiled case-insensitive alternation that skips the branches a text cannot match.

    - Branches written as `\\b…` check the word boundary once, before the alternation, which
      lets the regex engine skip most positions.
    - The literal start of each such branch ("sorry", "i'm sorry", "calm down") gives gate
      keys; a text whose words offer none of them is not searched with those branches.
    - Other branches are gated by a character they need (a digit, "@") where there is one.
    - Matching runs on the lower-cased text without re.IGNORECASE (same offsets; matched
      groups come back lower-cased).

    Which texts match, and where, is the same as with the plain case-insensitive regex (a
    property test checks this).
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        # Lower-case matching needs a pattern with no upper-case letter of its own.
        self._needs_case_folding = bool(re.search(r"(?<!\\)[A-Z]", pattern))
        flags = re.I if self._needs_case_folding else 0
        gated: list[str] = []
        plain: list[str] = []
        by_character: list[tuple[frozenset[str], re.Pattern[str]]] = []
        prefixes: set[str] = set()
        for branch in _top_level_branches(pattern):
            found = _branch_prefixes(branch[2:]) if branch.startswith(r"\b") else None
            if found is not None:
                # The branch starts with a letter or digit, so \b there means "no word
                # character before".
                gated.append(branch[2:])
                prefixes |= found
                continue
            characters = _char_gate(branch)
            if characters is None:
                plain.append(branch)
            else:
                by_character.append((characters, re.compile(branch, flags)))
        whole = [r"(?<!\w)(?=\w)(?:" + "|".join(gated) + ")"] if gated else []
        whole += plain + [regex.pattern for _, regex in by_character]
        self._whole = re.compile("|".join(whole), flags)
        self._whole_folding = re.compile("|".join(whole), re.I)
        self._plain = re.compile("|".join(plain), flags) if plain else None
        self._by_character = by_character
        self._number = _register(frozenset(prefixes)) if gated else -1

    def _opens(self, text: str) -> bool:
        """Whether the word-initial branches are worth trying on `text`."""
        return self._number < 0 or bool(_open_patterns(text) >> self._number & 1)

    def _regexes(self, text: str) -> tuple[str, list[re.Pattern[str]]]:
        """The text to match (lower-cased when possible) and the regexes worth running on it."""
        low = None if self._needs_case_folding else lowered(text)
        if low is None:
            return text, [self._whole_folding]
        if self._opens(text):
            return low, [self._whole]
        chosen = [self._plain] if self._plain is not None else []
        if self._by_character:
            characters = _characters(text)
            chosen += [
                regex for gate, regex in self._by_character if not gate.isdisjoint(characters)
            ]
        return low, chosen

    def search(self, text: str) -> re.Match[str] | None:
        low = None if self._needs_case_folding else lowered(text)
        if low is None:
            return self._whole_folding.search(text)
        if self._opens(text):
            return self._whole.search(low)
        best = self._plain.search(low) if self._plain is not None else None
        if not self._by_character:
            return best
        characters = _characters(text)
        for gate, regex in self._by_character:
            if not gate.isdisjoint(characters):
                found = regex.search(low)
                if found is not None and (best is None or found.start() < best.start()):
                    best = found
        return best

    def match(self, text: str) -> re.Match[str] | None:
        subject, regexes = self._regexes(text)
        if len(regexes) > 1:
            return self._whole.match(subject)
        return regexes[0].match(subject) if regexes else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        subject, regexes = self._regexes(text)
        if len(regexes) > 1:
            return self._whole.finditer(subject)
        return regexes[0].finditer(subject) if regexes else iter(())

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


def word_pattern(pattern: str, flags: int = re.I) -> WordPattern:
    """Compile a case-insensitive alternation of word-initial branches into a `WordPattern`."""
    if flags != re.I:
        raise ValueError("word_pattern() compiles case-insensitive patterns only (flags=re.I)")
    return WordPattern(pattern)
