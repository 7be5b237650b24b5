"""What a customer asks, by meaning: the repeat in other words.

Customers seldom repeat themselves word for word. "When will it arrive?", "So when does it
actually get here?" and "And I'll have it by when?" share no content word, yet they are the
same question; "My bill." and "What about my bill?" are the same complaint. An `Ask` is one
customer sentence that asks or demands something, read for

- its **intents**: the kind of answer it wants (a time, whether something is lost, money back,
  a cost, a confirmation, a list of documents, something faster, a reason, whether it is
  safe, whether it is covered, the steps to do something);
- its **topics**: the content words that say what it is about, without the words that only
  carry the intent ("when", "arrive", "actually");
- speech-to-text turns carry no question marks: there a question shows in its word order
  ("am i getting my money back", "so is it definitely coming back");
- its **re-ask cues**: the words a person uses when asking again ("just to be clear", "so …",
  "what about", "still", "realistically", "again").

A later ask repeats an earlier one when both want the same kind of answer about a compatible
topic (a topic they share, or no topic of its own), or when a re-ask cue points back at a
short earlier ask about the same thing. Asking about a new thing ("And the guest users, what
happens to them?") is not a repeat: no shared intent, or a topic of its own and no cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scorer.text import content_words, sentence_texts

_I = re.IGNORECASE

# The kind of answer a sentence asks for. Each pattern reads the lower-cased sentence.
INTENTS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        r"(?:^|[,;]\s*|\b(?:so|and|but|okay|ok|right|then|well)\s+)when\b(?!\s+(?:i|we)\s+"
        r"(?:do|did|downgrade|upgrade|move|switch|cancel)\b)|\bhow\s+(?:long|soon|quickly|fast)\b"
        r"|\bby\s+when\b|\bwhen\s+(?:will|would|do|does|can|could|is|are|should|am|shall)\b"
        # asked inside another question: "do you know when we'll hear?"
        r"|\bwhen\s+(?:we|you|i|they|it|he|she)(?:'ll|\s+will|\s+would|\s+can|\s+might)\b"
        r"|\bwhat\s+(?:date|day|time)\b|\bwhich\s+(?:date|day)\b|\b(?:eta|time\s*frame|timeline)\b"
        r"|\bget\s+(?:here|there|to\s+me|through)\b|\b(?:arriv\w*|turn\s+up|show\s+up)\b"
        r"|\buntil\s+when\b|\bhow\s+many\s+(?:days|weeks|hours|months)\b"
        r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight)\b"
        r"|\b(?:be|take|taking)\s+(?:any\s+)?longer\b|\btime[-\s]?wise\b"
        # a time of day asked about: "definitely there in the morning?", "before lunch, isn't
        # it?", "is eight too early?"
        r"|\b(?:in\s+the\s+(?:morning|afternoon|evening)|before\s+(?:noon|midday|lunch(?:time)?"
        r"|twelve|one|two|three|four|five|six|\d)|by\s+(?:noon|midday|lunch(?:time)?)"
        r"|too\s+(?:early|late)|what\s+time)\b",
        _I,
    ),
    "loss": re.compile(
        r"\b(?:lose|losing|lost|delet\w*|remov\w*|wip\w*|eras\w*|disappear\w*|vanish\w*|gone"
        r"|survive|keep\s+(?:my|our|the|all)|still\s+(?:be\s+)?there|stay(?:s)?\s+(?:safe|put))\b",
        _I,
    ),
    "refund": re.compile(
        r"\b(?:refund\w*|money\s+back|reimburs\w*|compensat\w*|pay\s+(?:me|us)\s+back"
        r"|(?:my|the|our)\s+money|get\s+(?:it|that)\s+back|credit(?:ed)?\s+back|back\s+in\s+"
        r"(?:my|our)\s+account"
        # the money's way back: "can't it just go back on the card?", "goes back to my Visa"
        r"|(?:go|goes|going|went|put|paid|sent)\s+(?:it\s+)?back\s+(?:on|to|onto|into)\s+"
        r"(?:my|the|our"
        r"|your)\s+(?:\w+\s+)?(?:card|visa|mastercard|amex|account|bank))\b",
        _I,
    ),
    "cost": re.compile(
        r"\b(?:how\s+much|cost\w*|fee|fees|price\w*|charg\w*|pay|paid|paying|bill|billed"
        r"|invoice\w*)\b",
        _I,
    ),
    "confirm": re.compile(
        r"\b(?:confirm\w*|definitely|for\s+sure|guarantee\w*|are\s+you\s+sure|is\s+(?:it|that|this)"
        r"\s+(?:done|booked|sorted|set|approved|covered|going\s+ahead)|am\s+i\s+(?:on|booked|in"
        r"|covered|definitely)|(?:will|is)\s+(?:it|that)\s+(?:actually\s+)?(?:happen|go\s+ahead)"
        r"|on\s+the\s+(?:list|flight|booking|system))\b",
        _I,
    ),
    "documents": re.compile(
        r"\b(?:documents?|papers?|paperwork|forms?|proof|what\s+(?:do\s+)?(?:i|we)\s+(?:need\s+to\s+)?"
        r"bring|bring\s+with|checklist|certificates?|id\s+(?:card|documents?))\b",
        _I,
    ),
    "faster": re.compile(
        r"\b(?:faster|sooner|quicker|earlier|expedit\w*|rush|speed\s+(?:it|this|that)\s+up"
        r"|anything\s+(?:faster|quicker|sooner))\b",
        _I,
    ),
    "reason": re.compile(r"\bwhy\b|\bhow\s+come\b|\bwhat\s+happened\b", _I),
    # where something is now: "where is my parcel?", "where's the engineer got to?"
    "whereabouts": re.compile(
        r"\bwhere(?:'s|\s+(?:is|are|was|were|has|have|did|does|do|exactly))\b|\bwhereabouts\b", _I
    ),
    "steps": re.compile(
        # "how do I stop it…", "how can we change…": any doing, not "how do you mean"
        r"\bhow\s+(?:do|does|can|should|would|could)\s+(?:i|you|we)\s+(?!know\b|mean\b|feel\b"
        r"|say\b|think\b|expect\b|justify\b|sleep\b|live\b)\w+"
        r"|\bgo\s+through\s+(?:it|that|this|the\s+(?:whole\s+)?\w+)"
        r"|\bwhat\s+(?:was|is|comes|do\s+i\s+(?:do|press|put))\s+(?:it\s+)?(?:after|next|then)"
        # "what do I actually do", "what do I need to do to start getting paid?"
        r"|\bwhat\s+(?:do|should|can|must)\s+(?:i|we)\s+(?:actually\s+|now\s+|even\s+|then\s+)?"
        r"(?:(?:have|need|got)\s+to\s+)?do\b"
        r"|\bthen\s+what\b|\bstep\s+by\s+step\b|\bfrom\s+the\s+(?:start|beginning|top)\b"
        r"|\bknow\s+how\s+(?:you|to|i)\b",
        _I,
    ),
    "covered": re.compile(
        r"\b(?:cover(?:ed|s)?|included|includes|insured|on\s+(?:the|my)\s+(?:policy|plan|cover))\b",
        _I,
    ),
    "safe": re.compile(
        r"\b(?:safe|safely|unsafe|harm\w*|hurt|dangerous|danger|risk\w*|poison\w*|toxic"
        r"|(?:make|made|making)\s+(?:her|him|them|me|us|you|anyone)\s+(?:ill|sick|poorly))\b",
        _I,
    ),
}

# Words that carry the intent or the asking, not what the ask is about.
_NOT_TOPIC_TEXT = """
    actual actually realistic realistically exact exactly sure clear definitely definite
    arrive arriv arrival come comes coming came happen happens happened long soon quick quickly
    time date day days week weeks month months hour hours back thing things stuff anything
    something nothing none everything even mean meant possible probably maybe here there
    lose losing lost delet delete deleted remov remove removed wip wipe wiped gone keep kept
    stay stays refund money pay paid cost costs fee fees charge charged how much papers paper
    document documents form forms bring need faster sooner quicker earlier eta timeframe
    timeline expect expected confirm confirmed guarantee happen still total point question
    answer sorry again okay right get make take put sort sorted way safe safely harm hurt
    danger dangerous risk longer cover covered covers included includes insured policy whole
    start beginning through step steps write writing written
    it morning afternoon evening noon midday lunch lunchtime early late twelve o'clock
    love mate dear darling pet sir madam
"""
_NOT_TOPIC = frozenset(_NOT_TOPIC_TEXT.split())
_STEMMED_NOT_TOPIC = frozenset(content_words(" ".join(_NOT_TOPIC))) | _NOT_TOPIC

# A sentence that asks again: the cues people use when a question comes back.
_REASK = re.compile(
    r"\b(?:just\s+to\s+(?:be\s+(?:clear|sure)|confirm|check|double[-\s]check)|to\s+be\s+(?:clear"
    r"|sure)|so\s+(?:just\s+)?(?:when|where|what|how|none|nothing|no|it|that|i|we|you|the|my|our"
    r"|she|he|they|his|her|their)\b"
    r"|what\s+about|how\s+about|and\s+(?:my|the|our)\b|again\b|still\b|realistically|actually"
    r"|are\s+you\s+sure|you\s+said|did\s+you\s+say|by\s+when|remind\s+me|one\s+more\s+time"
    r"|even\s+(?:after|if"
    r"|when)|i\s+(?:still\s+)?(?:don'?t|do\s+not)\s+(?:get|understand)|sorry,?\s+(?:the|what"
    r"|so|when|how)|i\s+want\s+to\s+be\s+sure|exactly)",
    _I,
)
# An ask: a question, a request for information, or a complaint a few words long.
_REQUEST = re.compile(
    r"\b(?:i(?:\s+just)?(?:\s+need(?:ed)?|\s+want(?:ed)?|\s+would\s+like|'d\s+like)\s+to\s+(?:know|check"
    r"|ask|confirm|find\s+out|make\s+sure)|tell\s+me"
    r"|can\s+you\s+(?:tell"
    r"|confirm|check|explain|go\s+through|just\s+go\s+through)|what\s+about"
    r"|i\s+(?:need|want)\s+(?:my|the|a|an|our)\b"
    r"|i\s+(?:still\s+)?(?:don'?t|do\s+not|can'?t|cannot)\s+(?:get|understand|see|follow|know"
    r"|work\s+out|remember)\s+(?:why|how|what|when|where))",
    _I,
)
SHORT_COMPLAINT_WORDS = 4
# A complaint a few words long names the thing: "My bill." "The refund!" "And my parcel."
_COMPLAINT = re.compile(r"\s*(?:and\s+|but\s+|so\s+)?(?:what\s+about\s+)?(?:my|our|the)\b", _I)
# Intents that name what is asked about, not only the kind of answer.
SUBJECT_INTENTS = frozenset({"loss", "refund", "cost", "documents"})


# Speech-to-text gives no question marks: a spoken question shows in its word order ("am i
# getting my money back", "so is it definitely coming back", "when is it back on my card").
_SPOKEN_QUESTION = re.compile(
    r"(?<!\bso\s)(?<!\bneither\s)(?<!\bnor\s)\bam\s+i\b"
    r"|\b(?:when|how\s+long|how\s+much|how\s+soon|how\s+many|what(?:\s+(?:time|day|date))?|where"
    r"|why|who|which)(?:'s|\s+(?:is|are|was|will|would|do|does|did|can|could|should|has|have|am)"
    r"\s+(?:i|it|you|we|they|he|she|that|this|my|the|our|someone|somebody|anyone))\b"
    # "…i paid already how do i stop this fine" (not "that's how i found it", "know how you")
    r"|(?<!know\s)(?<!that's\s)(?<!thats\s)(?<!see\s)(?<!is\s)\bhow\s+(?:do|does|can|could"
    r"|should|would)\s+(?:i|we|you)\s+(?!mean\b|know\b)\w+"
    # a tag at the end: "it's definitely not gonna be longer than that is it"
    r"|\b(?:is|isn'?t|was|wasn'?t|will|won'?t|does|doesn'?t|do|don'?t|can|can'?t|are|aren'?t)"
    r"\s+(?:it|you|they|he|she|we|i)\s*$"
    # "what if it's friday"
    r"|\bwhat\s+if\b"
    # a choice left open at the end: "the water is okay for drink or no", "…or i must wait"
    r"|\bor\s+(?:no|not|what|i\s+(?:must|have\s+to|need\s+to)\s+\w+)\s*$"
    # asking to be sure: "so i'll definitely have them before saturday", "just to be sure though…"
    r"|\b(?:definitely|for\s+sure|to\s+be\s+sure|just\s+to\s+(?:check|confirm))\b|(?:^|\b(?:so|and|but|then|okay|ok|right|yeah|well|because|or)\s+)(?:is|are"
    r"|will|can|could|do|does|did|would|should|have|has)\s+(?:it|i|you|we|they|that|this|my"
    r"|the)\b",
    _I,
)


# A sentence in question word order from its first word: "Where do I get it from", "How do I
# open it" (written without the question mark).
_OPENS_AS_QUESTION = re.compile(
    r"\W*(?:(?:so|and|but|ok|okay|right)\W+)?(?:when|where|how|what|why|which|who)(?:'s|\s+(?:do"
    r"|does|did|is|are|will|can|could|should|would|am))\s+(?:i|you|we|it|they|he|she|my|the|this"
    r"|that|our)\b[^.!]*$",
    _I,
)
# A verb before its subject inside a run of speech: "…the laptop in it do you remember which
# coach", "…at the moment does that change anything", "…would that be a claim".
_INVERTED = re.compile(
    r"(?<=\w )(?:is|are|was|were|do|does|did|has|have|had|can|could|would|will|should)\s+(?:she"
    r"|he|it|they|you|we|i|that|this|there|your|his|her|their|the\s+\w+)\s+\w+",
    re.I,
)
# Words after which the verb is not inverted: "what it is", "that is it for today".
_SUBORDINATE = re.compile(
    r"\b(?:what|how|when|where|why|if|whether|that|which|who|this|there|here|it|so|as|than"
    r"|nor|neither|only)\s+$",
    re.I,
)
# After a pronoun that ends the clause before, "do you", "can you" open a question ("…in it do
# you remember"); "what it is" needs a form of be.
_ENDS_A_CLAUSE = frozenset({"it", "this", "there", "here"})
_ASKING_VERB = re.compile(r"(?:do|does|did|can|could)\s+(?:you|we|they|she|he)\b", re.I)


def inverted_question_at(text: str) -> int | None:
    """Where a question starts in unpunctuated speech, by its word order (the verb before its
    subject, not after "what", "that", "so"…), if one does. Both speakers' turns are read so:
    the customer's asks here, the agent's clarifying questions in `scorer.conversation`."""
    for match in _INVERTED.finditer(text):
        before = _SUBORDINATE.search(text, max(0, match.start() - 10), match.start())
        if before is None:
            return match.start()
        if before.group(0).split()[0].lower() in _ENDS_A_CLAUSE and _ASKING_VERB.match(
            match.group(0)
        ):
            return match.start()
    return None


@dataclass(frozen=True)
class Ask:
    """One customer sentence that asks for something."""

    text: str
    intents: frozenset[str]
    topics: frozenset[str]
    reask: bool


def _words_in(text: str) -> int:
    return len(text.split())


@lru_cache(maxsize=4096)
def asks_in(text: str) -> tuple[Ask, ...]:
    """The asks of one customer turn, in order."""
    found: list[Ask] = []
    spoken = "?" not in text  # unpunctuated speech: questions by word order
    for sentence in sentence_texts(text.replace("’", "'")):
        asked = _spoken_question_at(sentence) if spoken else None
        question = (
            sentence.rstrip("\"'’”) ").endswith("?")
            or asked is not None
            # a written question left without its mark: "Where do I get it from"
            or (not spoken and _OPENS_AS_QUESTION.match(sentence) is not None)
        )
        if asked is not None and _words_in(sentence) > SPOKEN_CLAUSE_WORDS:
            # an unpunctuated run of speech: the question is the clause it starts, not the
            # whole run ("…it's freezing though how long's someone gonna be")
            sentence = _spoken_clause(sentence, asked)
        short = _words_in(sentence) <= SHORT_COMPLAINT_WORDS and bool(_COMPLAINT.match(sentence))
        if not (question or _REQUEST.search(sentence) or short):
            continue
        lowered = sentence.lower()
        intents = frozenset(name for name, pattern in INTENTS.items() if pattern.search(lowered))
        topics = frozenset(content_words(sentence) - _STEMMED_NOT_TOPIC)
        if not (question or intents or topics):
            continue
        found.append(Ask(sentence, intents, topics, bool(_REASK.search(lowered))))
    return tuple(found)


SPOKEN_CLAUSE_WORDS = 10


def _spoken_question_at(sentence: str) -> int | None:
    """Where the first question of an unpunctuated sentence starts, if it asks one."""
    found = _SPOKEN_QUESTION.search(sentence)
    inverted = inverted_question_at(sentence)
    starts = [at for at in (found.start() if found else None, inverted) if at is not None]
    return min(starts, default=None)


def _spoken_clause(sentence: str, start: int) -> str:
    """The words of `sentence` around a spoken question found at `start`: up to ten words from
    it (a tag question, found at the end, takes the ten words before it)."""
    before = sentence[:start].split()
    after = sentence[start:].split()
    if len(after) <= 3:  # "…longer than that is it"
        return " ".join(before[-(SPOKEN_CLAUSE_WORDS - len(after)) :] + after)
    return " ".join(after[:SPOKEN_CLAUSE_WORDS])


@lru_cache(maxsize=4096)
def intents_of(text: str) -> frozenset[str]:
    """Every kind of answer a whole turn touches on, asked or not ("When. Will. My. Internet.
    Be. Fixed.": split into one-word sentences, it still asks when)."""
    lowered = text.lower().replace(".", " ")
    return frozenset(name for name, pattern in INTENTS.items() if pattern.search(lowered))


def asks_for_something(text: str) -> bool:
    """The turn as a whole wants a kind of answer."""
    return bool(intents_of(text))


def turn_topics(text: str) -> frozenset[str]:
    """What a whole customer turn is about: its content words without the asking words."""
    return frozenset(content_words(text) - _STEMMED_NOT_TOPIC)


def asks_again(later: Ask, earlier: Ask, earlier_turn_topics: frozenset[str]) -> bool:
    """True when `later` asks what `earlier` (a sentence of a turn about
    `earlier_turn_topics`) asked."""
    shared_intent = later.intents & earlier.intents
    topics_then = earlier.topics | earlier_turn_topics
    if (
        (later.intents ^ earlier.intents) & SUBJECT_INTENTS
        and not later.topics & topics_then
        # "…what do I actually do" names no subject of its own: it leaves the earlier one
        and (later.topics or not later.reask)
    ):
        return False  # one of them asks about money, loss or papers and the other does not
    if shared_intent:
        if later.topics & earlier.topics or not later.topics or not earlier.topics:
            return True
        # a word from elsewhere in the earlier turn: the same question only with a cue that it
        # comes back ("what time do I return the car?" after "I've got a car booked… what time
        # does the desk close?" is a new question)
        if later.topics & topics_then and later.reask:
            return True
        return later.reask and len(later.topics - topics_then) <= 1
    # No kind of answer in common: the same short thing raised again ("My bill." … "What
    # about my bill?") with a cue that points back at it.
    return (
        later.reask
        and bool(later.topics)
        and len(later.topics) <= 3
        and later.topics <= earlier.topics
        and not (later.intents and earlier.intents)
    )
