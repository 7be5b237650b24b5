"""One pass over a transcript that every behavior reads from.

`Conversation` calls marker detection once per agent turn (with the customer's earlier turns as
context) and keeps the hits; it also works out what only the sequence and the timings show:
interruptions, response gaps, pace per turn, repeated customer questions, escalation, the first
fix. All of it is linear in the number of turns: history handed to `detect` is a bounded window.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

from scorer.asks import (
    asks_again,
    asks_for_something,
    asks_in,
    intents_of,
    inverted_question_at,
    turn_topics,
)
from scorer.markers import MARKERS, MarkerHit, detect
from scorer.markers.patterns import word_pattern
from scorer.markers.text import split_sentences
from scorer.report import Effect, Evidence
from scorer.text import (
    STOPWORDS,
    content_words,
    sentence_at,
    sentence_texts,
    sentences,
    snippet,
    word_count,
)
from scorer.transcript import Transcript, Turn

# Earlier turns handed to `detect`: enough for paraphrase and repeat references, bounded so a
# 1,500-turn call costs no more per turn than a 15-turn chat.
HISTORY_WINDOW = 24
# Customer turns compared when looking for a repeated question.
REPEAT_WINDOW = 30
REPEAT_OVERLAP = 0.6  # `repeats` filters its candidates by the shared words this needs
# A turn that starts this much before the other speaker has finished interrupts them.
INTERRUPTION_TOLERANCE_S = 0.15
# The last turns of a call, where the close (and its summary) is looked for.
CLOSE_WINDOW = 5
# The markers the behaviors read, so that detection runs only the families that give them:
# `summary` only in the close, where forwardable_summary looks for it; `wrong_name` nowhere
# (the live customer reacts to it, no behavior scores it).
_READ_IN_CLOSE = frozenset(MARKERS) - {"wrong_name"}
_READ_BEFORE_CLOSE = _READ_IN_CLOSE - {"summary"}

FIX_MARKERS = frozenset({"ownership_commitment", "diffuse_commitment", "vague_follow_up"})
_FIX = word_pattern(
    r"\b(?:(?:i|we)(?:'ve|’ve| have|'ll|’ll| will| can| could| am going to|'m going to| just)?"
    r"(?: now| already| gone ahead and| also| just)?\s+"
    r"|let me\s+|let's\s+|you (?:can|could|should|need to)\s+|try\s+|please\s+)"
    r"(?:reset|refund(?:ed)?|credit(?:ed)?|send|sent|replace[d]?|reboot(?:ed)?|restart(?:ed)?|"
    r"cancel(?:led|ed)?|reschedul(?:e|ed)|rebook(?:ed)?|re-?book(?:ed)?|escalat(?:e|ed)|"
    r"fix(?:ed)?|waive[d]?|reverse[d]?|issue[d]?|process(?:ed)?|update[d]?|change[d]?|"
    r"book(?:ed)?|schedul(?:e|ed)|dispatch(?:ed)?|arrange[d]?|raise[d]?|open(?:ed)?|"
    r"unlock(?:ed)?|restore[d]?|upgrade[d]?|switch(?:ed)?|move[d]?|apply|applied|"
    r"remove[d]?|add(?:ed)?|set up|sort(?:ed)?(?: out)?|resolve[d]?|activate[d]?|"
    r"reactivate[d]?|transfer(?:red)?|order(?:ed)?|ship(?:ped)?|expedite[d]?|reserve[d]?|"
    r"ring|rang|post(?:ed)?|deliver(?:ed)?|courier(?:ed)?|give\s+you|given\s+you|skip(?:ped)?)\b"
    # "the appointment we cancelled on you": the harm done to them, not a fix
    r"(?!\s+on\s+(?:you|her|him|them|us)\b)"
    # at work on it now: "I'm also refunding tonight's pitch fee", "I'm booking the engineer"
    r"|\bi'?m\s+(?:also\s+|now\s+|just\s+)?(?:refunding|crediting|booking|rebooking|sending"
    r"|replacing|cancell?ing|waiving|reversing|arranging|ordering|moving|reserving|escalating"
    r"|posting|couriering|dispatching|issuing|processing|raising)\b",
    re.I,
)
# "Before I change anything", "can I ask", "if we reset it": a condition or a question, not a fix.
_NOT_YET = re.compile(r"\b(?:before|until|unless|if|when|without|can|could|should|may)\s+$", re.I)
_ESCALATION = word_pattern(
    r"\b(?:ridiculous|unacceptable|useless|pathetic|joke|absurd|outrageous|disgusting|"
    r"furious|fed up|sick of|sick and tired|lawyer|ombudsman|regulator|worst(?!\s+case)|"
    r"incompetent|waste of (?:my )?time|how many times|keep telling|you people|are you even|damn"
    r"|hell|stupid|disgrace|shambles|appalling|absolutely not|i'?m done|enough is enough)\b",
    re.I,
)
DEMANDING_WORDS = 3
# Pushing back on what the agent said, without a heated word: "that's not my problem, is it?",
# "You missed the slot, not me.", "Why should I wait two weeks?", "So that's it?", "So you're
# telling me 28 June again."
_PUSHBACK = word_pattern(
    r"\b(?:(?:that'?s|it'?s)\s+not\s+my\s+(?:problem|fault|job|mistake)|not\s+me\b(?!\s+\w)"
    r"|why\s+should\s+(?:i|we)\b|so\s+that'?s\s+it\b|(?:so\s+)?you'?re\s+(?:telling|saying)\s+me"
    r"|i\s+(?:already|just)\s+(?:told|said|explained|showed)|i\s+keep\s+(?:telling|saying)"
    r"|that'?s\s+not\s+(?:good\s+enough|acceptable|fair|right|the\s+point|what\s+i)"
    r"|how\s+is\s+that\s+(?:fair|my|ok|okay|acceptable)|are\s+you\s+(?:serious|kidding|joking)"
    r"|you\s+(?:aren'?t|are\s+not|'re\s+not)\s+listening|that\s+doesn'?t\s+help|not\s+good"
    r"\s+enough|i\s+don'?t\s+care\s+(?:about|what)|(?:what|how)\s+(?:kind|sort)\s+of\s+(?:service"
    r"|company|business)|i\s+want\s+to\s+speak\s+to|just\s+(?:fix|sort|refund)\s+it)",
    re.I,
)
# A customer statement that shares this many content words with one of their earlier turns
# makes the same point again (a loop), as a repeated question asks again.
LOOP_WORDS = 2
# A customer turn this many times their usual pace is heard as heat (with a loop).
SPEEDING_UP = 1.3
# Exclamations of delight are not heat: "she loved them!!", "Amazing, thank you!!".
_POSITIVE = re.compile(
    r"\b(?:thank(?:s| you)|lov(?:e|ed|ely)|great|perfect|amazing|brilliant|awesome|wonderful"
    r"|fantastic|excellent|happy|glad|delighted|beautiful)\b",
    re.I,
)
# Words an upset customer uses, but also a calm one ("I'd like to make a complaint", "could I
# speak to a manager?"): heat only with an exclamation, or three of them in one turn.
_DEMANDING = re.compile(
    r"\b(?:third time|fourth time|again and again|every time|nobody|no one ever|manager|"
    r"supervisor|complaint|complain|cancel my|still not|still no|again)\b",
    re.I,
)
# Words of feeling and of the problem in general: sharing them with the customer does not
# ground an impact statement in their situation.
_FEELING_WORDS = content_words(
    "frustrating frustrated frustration upset annoying annoyed stressful stressed worrying worried"
    " concern concerned concerning hard difficult tough awful terrible horrible situation problem"
    " issue experience inconvenience inconvenient disappointing disappointed thing things day"
    " time times really listening understand hear feel feeling matter"
)
_SARCASM = re.compile(
    r"(?:i'?m sure (?:that|it) (?:was|must have been)|must be (?:so )?nice|poor you|oh no,? how"
    r"|what a tragedy|boo[- ]?hoo|welcome to the club|join the club|first world problem)\b",
    re.I,
)
# A reply to the customer's question, not a restatement of what they said.
_ANSWER = re.compile(r"\W*(?:yes|no|yeah|yep|nope|correct|exactly|that'?s right)\b", re.I)
# Questions that identify, offer or close rather than find out about the problem.
_NOT_CLARIFYING = re.compile(
    r"\b(?:anything else|is there anything|can i help|how (?:can|may) i help|hold|shall i|should i"
    r"|would you like|do you want (?:me|to)|want me to|is that (?:ok|okay|alright|all right)"
    r"|does that"
    r"|how does that sound|sound good|account number|policy number|reference|postcode|zip code"
    r"|date of birth|full name|your name|spell|security|password|email address|phone number"
    r"|mobile number|can i take|could i take|can i have your|could i have your|may i have your"
    r"|have you considered|would you be interested|are you interested)\b",
    re.I,
)
# An agent sentence that leads into the customer's situation.
_RESTATING = re.compile(
    r"\W*(?:(?:ok(?:ay)?|right|hi|oh|thanks?|you|for|that|yes|yeah|\w+)\W+){0,3}?"
    r"(?:so\b|(?:it )?sounds like"
    r"|if i'?ve got (?:this|that|it) right|just so i'?m clear"
    r"|if i(?:'ve|\s+have)?\s+understood(?:\s+(?:you|that|this|it))?\s+(?:correctly|right)"
    r"|if i understand(?:\s+(?:you|that|this|it))?\s+(?:correctly|right)"
    r"|you(?:'re|'ve|\s+have|\s+were|\s+are|\s+had)\b|your\b|since\b"
    r"|after\b|with\b)",
    re.I,
)
RESTATED_WORDS = 3
# The same, at the very start: "So you…", "It sounds like…", "You've…".
_RESTATING_FRAME = re.compile(
    r"\W*(?:so\b|(?:it )?sounds like|if i'?ve got (?:this|that|it) right|just so i'?m clear"
    r"|if i(?:'ve|\s+have)?\s+understood(?:\s+(?:you|that|this|it))?\s+(?:correctly|right)"
    r"|if i understand(?:\s+(?:you|that|this|it))?\s+(?:correctly|right)"
    r"|you(?:'re|'ve|\s+have|\s+were|\s+are|\s+had)\b)",
    re.I,
)
# "Let me look now", "I'll check": finding out, not yet fixing.
_INVESTIGATING = re.compile(
    r"\b(?:look|looking|check|checking|see|find out|investigate|dig|pull up|have a look|take a look"
    r"|search|searching)\b",
    re.I,
)
# The agent's own news or action, not the customer's impact.
_AGENT_NEWS = re.compile(
    r"\W*(?:(?:ok(?:ay)?|right|alright|so|yes|yeah|ah|oh|thanks|thank\s+you|good news|great"
    r"|lovely|perfect|let\s+me\s+(?:bring|pull|call|look)\s+(?:up\s+)?(?:at\s+)?(?:the|your)\s+\w+"
    r"(?:\s+up)?)\W+){0,4}(?:i(?:'ve|\s+have|'m|\s+am|\s+found"
    r"|\s+can\s+see|\s+checked|\s+traced|\s+booked|\s+sent|'ll|\s+will)|we(?:'ve|\s+have|'ll"
    r"|\s+will))\b",
    re.I,
)
_CONSEQUENCE = re.compile(
    r"\b(?:worr(?:y|ying|ied)|stressful|frightening|scary|awful|hard|tough|serious|a lot"
    r"|rotten|horrible|terrible|dreadful|miserable|at risk|at stake|on the line|in danger"
    r"|knock(?:ed|s)? (?:his|her|their|your) confidence|shook (?:him|her|them|you) up"
    r"|terrif\w+|traumati[sz]\w+"
    r"|exhausting|upsetting|unfair|worst|nightmare|must be|(?:that|which|it) means|can'?t"
    r" (?:just |even |really )?(?:get|go|work|pay|use|have|sleep|eat)"
    r"|left (?:you |her |him |them )?without|(?:nights?|days?|weeks?|hours?|a \w+) without"
    r"|(?:you'?re|you are|they'?re|she'?s|he'?s) stuck|stranded|on top of"
    r"|(?:might|could|would) (?:miss|lose)|miss(?:ed|ing)? (?:out|your|her|his|their|the))\b",
    re.I,
)
# An offer is a fix, not their impact: "What I can do is move you to a superior double…".
_OFFER = re.compile(
    r"\bfor\s+(?:just\s+|only\s+)?(?:[$£€]\s?\d|(?:\w+[-\s]){0,2}(?:pounds|dollars|euros|quid))"
    r"|\bwhat\s+(?:i|we)\s+can\s+do\b|\b(?:i|we)\s+can\s+(?:offer|give|move|put|get|upgrade|swap)"
    r"\s+you\b|\b(?:i|we)\s+can\s+offer\b|\bhow\s+about\s+(?:i|we)\b|\b(?:would|do)\s+you\s+(?:like|want)\s+(?:me|us)\s+to\b",
    re.I,
)
# Words that put the customer (or "the same thing" shared with them) in a sentence. An agent's
# line about itself, its screen or its records ("I don't have the check-out report on my screen,
# unfortunately") is service talk, not the customer's impact.
_CUSTOMER_IN_SENTENCE = re.compile(
    r"\b(?:you|your|you'?re|you'?ve|you'?d|you'?ll|yours|yourself|same\s+(?:here|thing|with)"
    r"|been\s+there)\b",
    re.I,
)


# The agent speaking of itself ("I don't have…", "my screen"), unless to say it feels for them.
_AGENT_ABOUT_ITSELF = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|me|my)\b", re.I)
_SYMPATHY_FRAME = re.compile(
    r"\bi\s+(?:\w+\s+)?(?:know|understand|imagine|appreciate|realise|realize|hear|get|feel|can\s+see)\b",
    re.I,
)


def _about_the_customer(sentence: str) -> bool:
    if _CUSTOMER_IN_SENTENCE.search(sentence):
        return True
    return not _AGENT_ABOUT_ITSELF.search(sentence) or bool(_SYMPATHY_FRAME.search(sentence))


# A customer sentence that says what is at stake for them: what they cannot do, who or what
# it affects, by when ("I took a day off work", "my dad comes out of hospital on Thursday").
_STAKES = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|unable|without|nothing|no\s+(?:way|money|heat\w*|water|power"
    r"|internet|phone|car|seat|food|one)|means?|meant|because|so\s+(?:i|we|now)|need(?:ed|s)?"
    r"|for\s+(?:my|our)|my\s+(?:son|daughter|wife|husband|mum|mom|mother|dad|father|kids?|children"
    r"|baby|partner|family|boss|clients?|customers?|patients?|staff|team|job|work|business"
    r"|wedding|funeral|interview|exam|flight|holiday|rent|mortgage|shift|appointment)|our\s+\w+"
    r"|tomorrow|tonight|this\s+(?:week|weekend|morning|afternoon|evening)|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|deadline|in\s+time|late|lose|losing|lost|miss"
    r"|missed|missing|cost\s+(?:me|us)|out\s+of\s+pocket|overdrawn|stuck|stranded|day\s+off"
    r"|worried|scared|afraid|upset|stress\w*"
    # the customer's own life: "I'm self-employed and doing everything off an old phone"
    r"|i'?m\s+(?:a|an|self[\s-]employed|doing|running|working|trying|left|now|having|relying"
    r"|expecting|pregnant|disabled|elderly|on\s+my\s+own)|i\s+(?:work|run|rely|depend|use\s+it"
    r"|live|look\s+after|care\s+for)|we'?re|i'?ve\s+got|i\s+have\s+(?:to|a|an|two|three|four"
    r"|kids|children|no))\b",
    re.I,
)
# A circumstance added to an impact line: "…especially when you're on the road so much",
# "…when you've got people coming round for dinner".
_CIRCUMSTANCE = re.compile(
    r"\b(?:especially|particularly|when|with)\s+(?:when\s+|if\s+|with\s+)?(?:you(?:'ve|\s+have)"
    r"(?:\s+got)?|you(?:'re|\s+are)|you\s+(?:need|rely|depend|use|count)|you'?ve\s+been)\s+([^,.;!?]+)",
    re.I,
)
# Where a clause ends: punctuation, or a joining word ("…missed three weeks running and the
# smell comes into my son's bedroom").
_CLAUSE_BREAK = re.compile(r"[,;:.!?]|\b(?:and|but|so|because|which|while|though|or)\b", re.I)


@lru_cache(maxsize=4096)
def _stakes_words(text: str) -> frozenset[str]:
    """The content words of the clauses of a customer turn that say what is at stake for them
    (the clause, not the whole sentence: the problem itself is told in the clauses around it)."""
    found: set[str] = set()
    for match in _STAKES.finditer(text):
        start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, match.start())), default=0)
        after = _CLAUSE_BREAK.search(text, match.end())
        found |= content_words(text[start : after.start() if after else len(text)])
    return frozenset(found)


# The customer's people, spoken of in the third person ("her exam", "his mother").
_THEIR_PEOPLE = re.compile(r"\b(?:she|her|he|his|him|they|them|their)\b", re.I)
# The agent judging the situation on the customer's side: "…isn't good enough".
_ON_THEIR_SIDE = re.compile(
    r"\b(?:(?:isn'?t|is\s+not|wasn'?t|not)\s+(?:good\s+enough|right|fair|acceptable|ok(?:ay)?)"
    r"|shouldn'?t\s+have|unacceptable)\b",
    re.I,
)
_REFUSAL = re.compile(
    r"\b(?:can'?t|cannot|won'?t be able to|unable to) (?:do|help)(?: you)? (?:anything|with"
    r" that|there)|nothing (?:i|we) can do|not (?:my|our) (?:problem|department|fault)|these"
    r" things happen|it is what it is|that'?s (?:just )?(?:how it is|life|policy)\b",
    re.I,
)
_THROWN_BACK = re.compile(
    r"\byou (?:understand|hear me|get it|appreciate (?:it|that)|are sorry|'re sorry)\s*[?!]"
    r"|\bdon'?t (?:tell me|say) (?:you|that you) (?:understand|'re sorry|are sorry|get it)"
    r"|\bsorry (?:doesn'?t|won'?t|isn'?t) (?:help|fix|cut it|good enough)|\bstop apologi[sz]ing"
    r"|\bi don'?t want (?:your|an|any) (?:apolog|sympathy)",
    re.I,
)
# The customer's answer opening by setting the agent's picture right: "It's not about how he
# looks.", "no, it's not a dinner party", "That's not the point", "I don't travel for work".
_CORRECTS_THE_AGENT = re.compile(
    r"\W*(?:(?:no|nope|well|look|sorry|(?:it|that)'?s\s+not)\W+)*(?:(?:it|this|that)(?:'s\s+not|\s+is\s+not|\s+isn'?t"
    r"|\s+was\s+not|\s+wasn'?t)\s+(?:about|a|an|the|what|why|just|for)\b|i\s+(?:don'?t|do\s+not)"
    r"\s+(?:travel|care\s+(?:about|how)|mind\s+(?:about|how))\b|(?:i'?m|i\s+am)\s+not\s+(?:bothered"
    r"|worried)\s+about\b)",
    re.I,
)
# A question asked a third time to be sure, not in heat: "hang on so without the cover the block
# is twelve hundred yeah", "sorry, just to check…".
_CALM_CHECK = re.compile(
    r"^\W*(?:(?:hang\s+on|sorry|okay|ok|right|so|and)\W+)*(?:just\s+to\s+(?:check|confirm|be\s+sure)"
    r"|so\b)|\b(?:yeah|right|then)\s*\??\s*$",
    re.I,
)
# A question asked a third time heats up only when it says so: "again", "still", "!".
# ("still" and "keep" only as the wait goes on, not "will they still be there", "should I keep
# wearing them")
_IMPATIENT = re.compile(
    r"!|\b(?:again|still\s+(?:not|no|nothing|waiting|haven'?t|hasn'?t|don'?t|doesn'?t|can'?t|isn'?t"
    r"|won'?t|didn'?t)|already|how many times|i (?:asked|told you)|keep\s+(?:telling|saying|asking"
    r"|getting|being|calling|ringing|chasing|going)|seriously|third time|for the last time|nobody"
    r"|no one)\b",
    re.I,
)
# A re-ask that apologises for itself ("sorry, I'm paranoid about this…", "okay um sorry so the
# amount…") is a nervous customer checking, not one heating up.
_SORRY_TO_ASK = re.compile(
    r"\b(?:sorry|i'?m\s+(?:so\s+|a\s+bit\s+|just\s+)?(?:paranoid|worried|nervous|anxious)"
    r"|bear\s+with\s+me|just\s+to\s+(?:check|be\s+sure|double[-\s]check))\b",
    re.I,
)
# The customer says they are coming back to something: "going back to the charging", "remind
# me", "or is it the other way round?".
_COMING_BACK = re.compile(
    r"\b(?:go(?:ing)?\s+back\s+to|back\s+to\s+(?:the|my|that|this)|remind\s+me|one\s+more\s+time"
    r"|again|(?:or|is)\s+it\s+the\s+other\s+way|sorry,?\s+(?:but\s+)?(?:what|when|how|which|so)"
    r"|just\s+to\s+be\s+(?:sure|clear)|i'?m\s+still\s+not\s+(?:sure|clear)|i\s+forgot)\b",
    re.I,
)
_IMPATIENT_WORDS = re.compile(_IMPATIENT.pattern.removeprefix("!|"), re.I)
_LEAVING = re.compile(
    r"\b(?:forget it|i'?m (?:done|hanging up|leaving|going elsewhere|cancell?ing)|(?:i'?ll|i will)"
    r" (?:go|take my business|call) (?:elsewhere|somewhere else|someone else)|waste of (?:my )?time"
    r"|don'?t bother|never mind|i give up|(?:i'?ll|i will) (?:just )?(?:hang up|cancel))\b"
    r"|\[(?:call ended|hangs up|customer (?:left|hung up))\]",
    re.I,
)
# A word of three capitals or more ("\b[A-Z]{3,}\b"), written to open on a capital so that the
# regex engine skips straight to candidates; the look-behind after it is the word start.
_CAPS_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{2,}\b")


@dataclass(frozen=True)
class Repeat:
    """Customer turn `turn` asks again what turn `original` asked; `count` = times asked − 1."""

    turn: int
    original: int
    count: int


class Conversation:
    """A transcript with its markers and sequence facts, computed once."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.turns: tuple[Turn, ...] = transcript.turns
        self.agent_turns: list[int] = []
        self.customer_turns: list[int] = []
        # For each turn, the index of the last turn of the other role before it (or None).
        self.previous_other: list[int | None] = []
        last: dict[str, int] = {}
        for index, turn in enumerate(self.turns):
            (self.agent_turns if turn.speaker == "agent" else self.customer_turns).append(index)
            other = "customer" if turn.speaker == "agent" else "agent"
            self.previous_other.append(last.get(other))
            last[turn.speaker] = index
        self.word_counts: list[int] = [word_count(turn.text) for turn in self.turns]
        self.hits: dict[int, tuple[MarkerHit, ...]] = {}
        self._fix_positions: dict[int, int | None] = {}
        self._by_marker: dict[str, list[tuple[int, MarkerHit]]] = defaultdict(list)
        self._detect_all()

    # --- markers ------------------------------------------------------------------------

    def _detect_all(self) -> None:
        glossary = dict(self.transcript.glossary) or None
        customer_texts: list[str] = []
        agent_texts: list[str] = []
        close = len(self.turns) - CLOSE_WINDOW
        for index, turn in enumerate(self.turns):
            if turn.speaker == "customer":
                customer_texts.append(turn.text)
                continue
            hits = tuple(
                detect(
                    turn.text,
                    context=tuple(customer_texts[-HISTORY_WINDOW:]),
                    agent_history=tuple(agent_texts[-HISTORY_WINDOW:]),
                    glossary=glossary,
                    customer_name=self.transcript.customer_name,
                    markers=_READ_IN_CLOSE if index >= close else _READ_BEFORE_CLOSE,
                )
            )
            hits = tuple(h for h in hits if turn.text[h.start : h.start + len(h.quote)] == h.quote)
            if self.interrupts(index):
                opening = sentence_at(turn.text, _lead(turn.text))
                hits += (MarkerHit("interruption", opening, turn.text.index(opening)),)
            self.hits[index] = hits
            for item in hits:
                self._by_marker[item.marker].append((index, item))
            agent_texts.append(turn.text)

    def marker_hits(self, *markers: str) -> list[tuple[int, MarkerHit]]:
        """(agent turn, hit) pairs for the given markers, in turn order."""
        if len(markers) == 1:
            return list(self._by_marker.get(markers[0], ()))
        found = [pair for name in markers for pair in self._by_marker.get(name, ())]
        return sorted(found, key=lambda pair: (pair[0], pair[1].start))

    @cached_property
    def grounded_paraphrases(self) -> list[tuple[int, MarkerHit]]:
        """Paraphrases that restate what the customer said: they share a content word with the
        customer's last two turns and are not the agent's own earlier line said again.
        "These things happen." restates nothing; "Five working days." after "Engineer within
        five working days." is the agent repeating itself, not the customer."""
        found: list[tuple[int, MarkerHit]] = []
        for turn, item in sorted(self.marker_hits("paraphrase") + self._restatements):
            mine = content_words(item.quote)
            heard = self.words_of(self.before(self.customer_turns, turn, 2))
            said = [
                content_words(self.turns[i].text)
                for i in self.before(self.agent_turns, turn, HISTORY_WINDOW)
            ]
            shared = mine & heard
            if word_count(item.quote) < 3 or _ANSWER.match(item.quote) or not shared:
                continue
            if len(shared) < 2 and not _RESTATING_FRAME.match(item.quote):
                continue  # one word in common ("thirty") is a coincidence, not a restatement
            if any(mine <= before for before in said) and not mine <= heard:
                continue
            found.append((turn, item))
        found = list(dict.fromkeys(found))
        return found

    @cached_property
    def clarifying_questions(self) -> list[tuple[int, MarkerHit]]:
        """Questions the agent asks to understand the problem: the `clarifying_question` marker,
        and any other question about the customer's situation ("Can I ask whether the router
        lights are on?", "Is the salary normally paid into this account?"), but not asking for
        an account number or offering something ("anything else?", "shall I…?")."""
        found = list(self.marker_hits("clarifying_question"))
        marked = {turn for turn, _ in found}
        for turn in self.agent_turns:
            if turn in marked:
                continue
            text = self.turns[turn].text
            for start, sentence in sentences(text):
                if (
                    sentence.rstrip("\"'’”) ").endswith("?")
                    and not _NOT_CLARIFYING.search(sentence)
                    and word_count(sentence) >= 4
                ):
                    found.append((turn, MarkerHit("clarifying_question", sentence, start)))
                    break
            else:
                # Speech to text without punctuation: "…so luna was spayed monday is she still
                # drinking and using her litter tray" asks from the inverted verb on.
                asked = _unpunctuated_question(text)
                if asked is not None and not _NOT_CLARIFYING.search(text[asked:]):
                    found.append((turn, MarkerHit("clarifying_question", text[asked:], asked)))
        return sorted(found, key=lambda pair: (pair[0], pair[1].start))

    @cached_property
    def _restatements(self) -> list[tuple[int, MarkerHit]]:
        """Agent sentences that put the customer's situation back to them with three or more
        of their words ("So Bella's surgery is on Monday and the vet can't go ahead without our
        approval"), which the paraphrase marker may not read as one."""
        found: list[tuple[int, MarkerHit]] = []
        for turn in self.agent_turns:
            before = self.previous_other[turn]
            if before is None:
                continue
            heard = content_words(self.turns[before].text)
            for start, sentence in sentences(self.turns[turn].text):
                if not _RESTATING.match(sentence) or _AGENT_NEWS.match(sentence):
                    continue
                if len(content_words(sentence) & heard) >= RESTATED_WORDS:
                    found.append((turn, MarkerHit("paraphrase", sentence, start)))
        return found

    @cached_property
    def grounded_impacts(self) -> list[tuple[int, MarkerHit]]:
        """Impact statements built on what this customer said: the agent's line shares a
        content word (their people, dates, money, plans) with the customer's turns so far.
        Specific-sounding impact the customer never mentioned, or "I am listening.", is not
        their impact; `ungrounded_impacts` keeps those."""
        found = [
            pair
            for pair in self._impact_statements
            if self._grounded(*pair) and self._names_stakes(*pair)
        ]
        # A restatement of the customer's situation with a word for what it means to them
        # ("So Bella's surgery is on Monday … That's a worrying weekend to face.") names it too.
        for turn, item in self.grounded_paraphrases:
            if any(t == turn for t, _ in found):
                continue
            if _CONSEQUENCE.search(item.quote):
                found.append((turn, MarkerHit("impact_named", item.quote, item.start)))
        # A feeling with what follows from it for them ("That's horrible for her, and it means
        # she might miss calls from family too."), in their words.
        for turn, item in self.marker_hits("generic_empathy"):
            if any(t == turn for t, _ in found) or not _CONSEQUENCE.search(item.quote):
                continue
            if self._grounded(turn, item):
                found.append((turn, MarkerHit("impact_named", item.quote, item.start)))
        # What it does to the people they spoke of, with a consequence ("losing practice days
        # right before her grade eight is awful timing").
        for turn, start, sentence in self.agent_sentences(_THEIR_PEOPLE):
            if any(t == turn for t, _ in found) or not _CONSEQUENCE.search(sentence):
                continue
            item = MarkerHit("impact_named", sentence, start)
            heard = self.words_of(self.before(self.customer_turns, turn, HISTORY_WINDOW))
            if len((content_words(sentence) - _FEELING_WORDS) & heard) >= 2 and self._names_stakes(
                turn, item
            ):
                found.append((turn, item))
        return sorted(found, key=lambda pair: (pair[0], pair[1].start))

    @cached_property
    def ungrounded_impacts(self) -> list[tuple[int, MarkerHit]]:
        return [pair for pair in self._impact_statements if not self._grounded(*pair)]

    @cached_property
    def _impact_statements(self) -> list[tuple[int, MarkerHit]]:
        """`impact_named` hits that are not the agent's own news or action ("I've traced the
        bag: it's in Madrid", "I've approved the claim")."""
        return [
            (turn, item)
            for turn, item in self.marker_hits("impact_named")
            if not self._corrected(turn)
            and not _AGENT_NEWS.match(item.quote)
            and _first_fix(item.quote, 0, item.quote) is None
            and not _OFFER.search(item.quote)
            and _about_the_customer(item.quote)
        ]

    @cached_property
    def hollow_empathy(self) -> list[tuple[int, MarkerHit]]:
        """Empathy or apology said while refusing to help ("I can't do anything about that,
        sorry."; "These things happen."), or thrown back by the customer ("You understand?",
        "Stop apologising"): not empathy the customer received."""
        found: list[tuple[int, MarkerHit]] = []
        for turn, item in self.marker_hits("generic_empathy", "apology"):
            if (
                _THROWN_BACK.search(self._answer_to(turn))
                or self._corrected(turn)
                or _REFUSAL.search(sentence_at(self.turns[turn].text, item.start))
            ):
                found.append((turn, item))
        return found

    def _answer_to(self, turn: int) -> str:
        """The customer's turn right after agent turn `turn` ("" when none follows)."""
        answer = turn + 1
        if answer < len(self.turns) and self.turns[answer].speaker == "customer":
            return self.turns[answer].text
        return ""

    def _corrected(self, turn: int) -> bool:
        """The customer's answer to agent turn `turn` sets its picture of them right ("It's not
        about how he looks.", "It's not a dinner party"): what the agent said they feel missed."""
        return _CORRECTS_THE_AGENT.match(self._answer_to(turn)) is not None

    def _names_stakes(self, turn: int, item: MarkerHit) -> bool:
        """The line says what the problem means for them, not only what the problem is ("you
        were charged twice" restates it): a consequence or a feeling in the line itself, or a
        word from what the customer said was at stake (their people, plans, dates, money)."""
        quote = item.quote
        if (
            _CONSEQUENCE.search(quote)
            or _ON_THEIR_SIDE.search(quote)
            or content_words(quote) & _FEELING_WORDS
        ):
            return True
        stakes: frozenset[str] = frozenset()
        for index in self.before(self.customer_turns, turn, HISTORY_WINDOW):
            stakes |= _stakes_words(self.turns[index].text)
        return bool((content_words(quote) - _FEELING_WORDS) & stakes)

    def _grounded(self, turn: int, item: MarkerHit) -> bool:
        mine = content_words(item.quote) - _FEELING_WORDS
        heard = self.words_of(self.before(self.customer_turns, turn, HISTORY_WINDOW))
        if not mine & heard or _SARCASM.search(item.quote):
            return False
        # The circumstance the agent supplies must be theirs too: "…especially when you're on
        # the road so much for work" to a customer who never spoke of work is invented.
        for clause in _CIRCUMSTANCE.finditer(item.quote):
            supplied = content_words(clause.group(1)) - _FEELING_WORDS
            if len(supplied) >= 2 and not supplied & heard:
                return False
        return True

    def agent_sentences(self, pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
        """(agent turn, start, sentence) for each agent sentence in which `pattern` finds
        something, in turn order."""
        return [
            (turn, start, sentence)
            for turn in self.agent_turns
            for start, sentence in sentences(self.turns[turn].text)
            if pattern.search(sentence)
        ]

    @staticmethod
    def before(turns: list[int], turn: int, limit: int) -> list[int]:
        """The last `limit` of `turns` (a sorted list of turn indexes) before `turn`."""
        end = bisect_left(turns, turn)
        return turns[max(0, end - limit) : end]

    def words_of(self, turns: list[int]) -> frozenset[str]:
        """The content words of the given turns together."""
        found: frozenset[str] = frozenset()
        for index in turns:
            found |= content_words(self.turns[index].text)
        return found

    def has(self, turn: int, *markers: str) -> bool:
        return any(item.marker in markers for item in self.hits.get(turn, ()))

    def count(self, *markers: str) -> int:
        return sum(len(self._by_marker.get(name, ())) for name in markers)

    # --- evidence -----------------------------------------------------------------------

    def evidence(self, turn: int, quote: str, marker: str, effect: Effect) -> Evidence:
        """Evidence for `quote` in `turn`; falls back to the turn's opening words when the quote
        is not in the turn, so every quote stays an exact substring."""
        text = self.turns[turn].text
        if not quote or quote not in text:
            quote = snippet(text) or text
        return Evidence(turn, self.turns[turn].start, quote, marker, effect)

    def hit_evidence(self, turn: int, item: MarkerHit, effect: Effect) -> Evidence:
        return self.evidence(turn, item.quote, item.marker, effect)

    # --- timing -------------------------------------------------------------------------

    def interrupts(self, index: int) -> bool:
        """True when turn `index` starts before the other speaker's previous turn ended."""
        turn = self.turns[index]
        if index == 0 or turn.start is None:
            return False
        before = self.turns[index - 1]
        if before.speaker == turn.speaker or before.end is None:
            return False
        return turn.start < before.end - INTERRUPTION_TOLERANCE_S

    @cached_property
    def agent_interruptions(self) -> list[int]:
        return [i for i in self.agent_turns if self.interrupts(i)]

    @cached_property
    def has_turn_ends(self) -> bool:
        return any(t.start is not None and t.end is not None for t in self.turns)

    def response_gap(self, index: int) -> float | None:
        """Seconds between the other speaker's end and this turn's start (negative = overlap)."""
        turn = self.turns[index]
        if index == 0 or turn.start is None:
            return None
        before = self.turns[index - 1]
        if before.speaker == turn.speaker or before.end is None:
            return None
        return turn.start - before.end

    @cached_property
    def agent_gaps(self) -> dict[int, float]:
        gaps = {i: self.response_gap(i) for i in self.agent_turns}
        return {i: gap for i, gap in gaps.items() if gap is not None}

    def duration(self, index: int) -> float | None:
        """Seconds spoken in turn `index`: end − start, else up to the next turn's start."""
        turn = self.turns[index]
        if turn.start is None:
            return None
        if turn.end is not None:
            return turn.end - turn.start
        if index + 1 < len(self.turns):
            following = self.turns[index + 1].start
            if following is not None and following > turn.start:
                return following - turn.start
        return None

    def wpm(self, index: int) -> float | None:
        return self._wpms[index]

    @cached_property
    def _wpms(self) -> list[float | None]:
        """Words per minute of every turn (None where it is not timed or too short)."""
        found: list[float | None] = []
        for index, count in enumerate(self.word_counts):
            seconds = self.duration(index)
            if seconds is None or seconds < 0.5 or count == 0:
                found.append(None)
            else:
                found.append(count * 60.0 / seconds)
        return found

    @cached_property
    def pace_unit(self) -> str:
        """'wpm' when turns are timed, else 'words per turn'."""
        timed = sum(1 for wpm in self._wpms if wpm is not None)
        return "wpm" if timed >= max(2, len(self.turns) // 2) else "words per turn"

    def pace(self, index: int) -> float | None:
        """Words per minute when timed, else words in the turn."""
        if self.pace_unit == "wpm":
            return self._wpms[index]
        return float(self.word_counts[index])

    # --- sequence -----------------------------------------------------------------------

    def next_agent(self, index: int) -> int | None:
        """The first agent turn after turn `index`."""
        for later in range(index + 1, len(self.turns)):
            if self.turns[later].speaker == "agent":
                return later
        return None

    @cached_property
    def repeats(self) -> dict[int, Repeat]:
        """Customer turns that ask again what an earlier customer turn asked, after an agent
        turn in between: by shared content words (`_overlap_repeats`) or, in other words, by
        what they ask for (`scorer.asks`). `original` is the first time it was asked."""
        by_overlap = self._overlap_repeats
        found: dict[int, Repeat] = {}
        asked: dict[int, int] = {}
        for order, index in enumerate(self.customer_turns):
            text = self.turns[index].text
            asking = _asking(text)
            match = by_overlap[index].original if index in by_overlap and asking else None
            if match is not None:
                wanted = frozenset().union(*(ask.intents for ask in asks_in(text)))
                if wanted and wanted.isdisjoint(intents_of(self.turns[match].text)):
                    # a kind of answer the earlier turn never touched on ("How do I make sure
                    # the ride ends next time?" after "The app didn't end my ride and I was
                    # charged"): about the same thing, but a new question
                    match = None
            if match is None:
                match = self._asked_before(order)
            if match is None and asking:
                match = self._reasked_after_answer(order)
            if match is None or self._still_pending(match, index):
                continue
            original = found[match].original if match in found else match
            asked[original] = asked.get(original, 0) + 1
            found[index] = Repeat(index, original, asked[original])
        return found

    def _still_pending(self, earlier: int, later: int) -> bool:
        """Customer turn `later` takes up a part of `earlier` that no agent turn between them
        spoke of, while they spoke of its other parts ("And the Economy 7?" after a letter's
        three terms, while the agent goes through them one at a time): the next item of the
        list, not a question asked again."""
        later_asks = asks_in(self.turns[later].text)
        topics = frozenset().union(*(ask.topics for ask in later_asks))
        listed = turn_topics(self.turns[earlier].text)
        if not topics or not topics <= listed:
            return False
        if any(
            asked.topics and asked.topics <= ask.topics
            for asked in asks_in(self.turns[earlier].text)
            for ask in later_asks
        ):
            return False  # the whole earlier question again ("…on Sunday or not?"), not an item
        spoken = self.words_of([i for i in self.agent_turns if earlier < i < later])
        # the agent has taken up other items of that turn, not yet this one (an agent who took
        # up none of it dodged the question, and asking again is a repeat)
        return topics.isdisjoint(spoken) and bool((listed - topics) & spoken)

    def _asked_before(self, order: int) -> int | None:
        """The earliest customer turn (answered since) that asked what customer turn number
        `order` asks, in other words."""
        index = self.customer_turns[order]
        later_asks = asks_in(self.turns[index].text)
        if not later_asks:
            return None
        answered_after = self._last_agent_before(index)
        for earlier in self.customer_turns[max(0, order - REPEAT_WINDOW) : order]:
            if answered_after is None or answered_after < earlier:
                break  # no agent turn since: the customer is still asking, not asking again
            text = self.turns[earlier].text
            topics = turn_topics(text)
            for before in asks_in(text):
                if any(asks_again(ask, before, topics) for ask in later_asks):
                    return earlier
        return None

    def _reasked_after_answer(self, order: int) -> int | None:
        """The earlier customer question that customer turn number `order` asks again after
        other topics came between: it shares two words with that question, or one with it and
        two with the agent's answer to it ("how do I know when they're charged?" … "These
        lights. Green means they're done, or is it the other way round?"), and fewer with the
        agent's last turn (a follow-up on the answer just given is not a repeat)."""
        index = self.customer_turns[order]
        asked_now = content_words(self.turns[index].text)
        last_agent = self._last_agent_before(index)
        if len(asked_now) < 2 or last_agent is None:
            return None
        recent = asked_now & content_words(self.turns[last_agent].text)
        cued = _COMING_BACK.search(self.turns[index].text) is not None
        for earlier in self.customer_turns[max(0, order - REPEAT_WINDOW) : order]:
            answer = self.next_agent(earlier)
            if answer is None or answer >= last_agent:
                break  # answered in the last exchange: a follow-up, not a question come back
            text = self.turns[earlier].text
            if "?" not in text and not asks_in(text):
                continue
            same_question = asked_now & content_words(text)
            same_answer = asked_now & content_words(self.turns[answer].text)
            if not same_question or (len(same_question) < 2 and len(same_answer) < 2):
                continue
            if not cued and (len(same_question) < 2 or len(same_answer) < 2):
                continue  # without "going back to…", only a close match is the same question
            if len(recent) < len(same_question | same_answer):
                return earlier
        return None

    def _last_agent_before(self, index: int) -> int | None:
        for earlier in range(index - 1, -1, -1):
            if self.turns[earlier].speaker == "agent":
                return earlier
        return None

    @cached_property
    def _overlap_repeats(self) -> dict[int, Repeat]:
        """Customer turns that ask again what an earlier customer turn asked, by content.

        Each question of a turn is compared on its own (as is the whole turn), so a reaction
        before the repeat ("That's not good enough. When will it be fixed?") does not hide it.
        """
        found: dict[int, Repeat] = {}
        asked: dict[int, int] = {}  # original turn -> times asked again so far
        seen: list[tuple[int, frozenset[str]]] = []
        # word -> bit mask of the customer turns (by order) that hold it: one pass of bit
        # operations finds the earlier turns that share two, three or four words or more with a
        # question. A pair reaches REPEAT_OVERLAP (0.6 of the smaller side) only with two shared
        # words when the smaller side has up to three, three when it has four or five, four
        # when it has six or more: only those candidates are scored.
        # Bit b stands for the customer turn of order `base + b`: every 2 × REPEAT_WINDOW turns
        # the masks drop the turns that have left the window, so that they stay a few machine
        # words long however long the call (else every bit operation grows with the call).
        holders: dict[str, int] = {}
        small = middle = 0  # turns of up to three content words; of four or five
        base = 0
        for order, index in enumerate(self.customer_turns):
            text = self.turns[index].text
            whole = content_words(text)
            oldest = max(0, order - REPEAT_WINDOW)
            if order - base >= 2 * REPEAT_WINDOW:
                shift = oldest - base
                holders = {word: held >> shift for word, held in holders.items() if held >> shift}
                small >>= shift
                middle >>= shift
                base = oldest
            window = ((1 << (order - base)) - 1) & ~((1 << (oldest - base)) - 1)
            best: tuple[float, int] | None = None
            for words_here in (whole, *_question_words(text, whole)):
                if len(words_here) < 2:
                    continue
                size = len(words_here)
                once = twice = thrice = four = 0
                said = filter(None, map(holders.get, words_here))  # words said before
                if size <= 3:  # (only the counts the candidates below read)
                    for held in said:
                        twice |= once & held
                        once |= held
                    candidates = twice
                elif size <= 5:
                    for held in said:
                        thrice |= twice & held
                        twice |= once & held
                        once |= held
                    candidates = twice & small | thrice
                else:
                    for held in said:
                        four |= thrice & held
                        thrice |= twice & held
                        twice |= once & held
                        once |= held
                    candidates = twice & small | thrice & middle | four
                candidates &= window  # (a & w) & (b & w) == (a & b) & w: applied once
                while candidates:
                    lowest = candidates & -candidates
                    candidates ^= lowest
                    earlier, words_then = seen[base + lowest.bit_length() - 1]
                    shared = len(words_here & words_then)
                    score = shared / min(size, len(words_then))
                    if score >= REPEAT_OVERLAP and (
                        best is None or score > best[0] or score == best[0] and earlier < best[1]
                    ):
                        best = (score, earlier)
            if best is not None:
                original = found[best[1]].original if best[1] in found else best[1]
                asked[original] = asked.get(original, 0) + 1
                found[index] = Repeat(index, original, asked[original])
            seen.append((index, whole))
            bit = 1 << (order - base)
            for word in whole:
                holders[word] = holders.get(word, 0) | bit
            if len(whole) <= 3:
                small |= bit
            elif len(whole) <= 5:
                middle |= bit
        return found

    def is_escalated(self, index: int) -> bool:
        """A customer turn that shows anger: heated words, shouting, or a repeated demand."""
        turn = self.turns[index]
        if turn.speaker != "customer":
            return False
        text = turn.text
        # The cheap checks first: all are pure, so the order changes no result.
        return (
            text.count("!") >= 2
            and not (_POSITIVE.search(text) and not _ESCALATION.search(text))
            or (
                index in self.repeats
                and self.repeats[index].count >= 2
                and bool(_IMPATIENT.search(text))
            )
            or (_ESCALATION.may_match_alone(text) and bool(_ESCALATION.search(text)))
            or ("!" in text or "?!" in text)
            and bool(_DEMANDING.search(text))
            or len(_DEMANDING.findall(text)) >= DEMANDING_WORDS
            or len(set(_CAPS_WORD.findall(text)) - self._agent_capitals) >= 2
            or any(_shouted(word) for word in _CAPS_WORD.findall(text))
            or (_PUSHBACK.may_match_alone(text) and bool(_PUSHBACK.search(text)))
            or (
                index in self.loops
                and not _POSITIVE.search(text)
                and not _SORRY_TO_ASK.search(text)
                and (
                    (self.loops[index] >= 2 and not _CALM_CHECK.search(text))
                    or bool(_IMPATIENT_WORDS.search(text))
                    or self._speeding_up(index)
                )
            )
        )

    @cached_property
    def _agent_capitals(self) -> frozenset[str]:
        """Words the agent writes in capitals too: acronyms of the matter ("MOT", "PIN"), not
        shouting when the customer writes them."""
        return frozenset(
            word
            for index in self.agent_turns
            for word in _CAPS_WORD.findall(self.turns[index].text)
        )

    def _speeding_up(self, index: int) -> bool:
        """A timed customer turn at least 1.3 times the pace the customer started at (their
        slowest earlier turn of five words or more): on a call, heat is heard in speed before
        it is put in words. Not in a chat: a message's times say when it was typed and sent,
        not how fast anyone spoke."""
        if self.pace_unit != "wpm" or self.transcript.channel == "chat":
            return False
        pace = self._wpms[index]
        earlier = [
            wpm
            for i in self.customer_turns
            if i < index and (wpm := self._wpms[i]) is not None and self.word_counts[i] >= 5
        ]
        return pace is not None and bool(earlier) and pace >= SPEEDING_UP * min(earlier)

    @cached_property
    def loops(self) -> dict[int, int]:
        """Customer turns that make a point they made before, after the agent answered it
        ("the scratch was there when I picked it up" … "I showed him the scratch"), with how
        many times it came before: a customer going round in circles, heated words or not."""
        found: dict[int, int] = {}
        said: list[tuple[int, frozenset[str]]] = []
        for index in self.customer_turns:
            words_now = content_words(self.turns[index].text) - _FEELING_WORDS
            answered = self._last_agent_before(index)
            if answered is None:
                said.append((index, words_now))
                continue
            before = [
                earlier
                for earlier, words in said[-REPEAT_WINDOW:]
                if len(words_now & words) >= LOOP_WORDS and answered > earlier
            ]
            # …or across the last two points they made ("I pointed it out" … "I showed him
            # the scratch": the scratch from one, the showing from the other).
            recent = said[-2:]
            if (
                not before
                and len(recent) == 2
                and all(answered > e and words_now & words for e, words in recent)
                and len(words_now & (recent[0][1] | recent[1][1])) >= LOOP_WORDS
            ):
                before = [recent[-1][0]]
            if before:
                found[index] = max(found.get(b, 0) for b in before) + 1
            said.append((index, words_now))
        return found

    @cached_property
    def customer_left(self) -> bool:
        """The call ends on the customer leaving: "Forget it, I'll go elsewhere.", "Bye."."""
        if not self.turns or self.turns[-1].speaker != "customer":
            return False
        return bool(_LEAVING.search(self.turns[-1].text))

    @cached_property
    def escalated_turns(self) -> list[int]:
        return [i for i in self.customer_turns if self.is_escalated(i)]

    def fix_position(self, index: int) -> int | None:
        """Where in agent turn `index` a fix or commitment starts, if it offers one."""
        if index not in self._fix_positions:
            self._fix_positions[index] = self._find_fix(index)
        return self._fix_positions[index]

    def _find_fix(self, index: int) -> int | None:
        turn = self.turns[index]
        if turn.speaker != "agent":
            return None
        positions = [
            h.start
            for h in self.hits.get(index, ())
            if h.marker in FIX_MARKERS and not _INVESTIGATING.search(h.quote)
        ]
        text = turn.text
        # Sentence by sentence (a fix never spans two), on the texts detection already read.
        for sentence in split_sentences(text):
            found = _first_fix(text, sentence.start, sentence.text)
            if found is not None:
                positions.append(found)
                break
        return min(positions) if positions else None

    @cached_property
    def first_fix(self) -> tuple[int, int] | None:
        """(agent turn, position) of the first fix offered in the call."""
        for index in self.agent_turns:
            position = self.fix_position(index)
            if position is not None:
                return index, position
        return None

    def fix_quote(self, index: int) -> str:
        position = self.fix_position(index)
        text = self.turns[index].text
        return snippet(text[position:], 10) if position is not None else snippet(text)


def _asking(text: str) -> bool:
    """A customer turn that asks for something: a question, an ask or a kind of answer."""
    return "?" in text or bool(asks_in(text)) or asks_for_something(text)


def _shouted(word: str) -> bool:
    """A common word in capitals ("I KNOW", "they ARE"), not an acronym ("ATM", "PDF")."""
    lowered = word.lower()
    return lowered in STOPWORDS or (
        len(word) >= 4
        and lowered not in _ACRONYMS
        and bool(re.search("[aeiou]", lowered))
        and not _NO_WORD_START.match(lowered)
    )


# Two consonants no English word starts with: an acronym said as letters ("GCSE", "HMRC").
_NO_WORD_START = re.compile(
    r"(?![bcdfgkpt][lr]|ch|ph|sh|th|wh|wr|kn|gn|ps|qu|s[cklmnptw]|[dt]w)[b-df-hj-np-tv-z]{2}"
)
_ACRONYMS_TEXT = "nasa asap faqs http https json html imap smtp voip wifi ofcom"
_ACRONYMS = frozenset(_ACRONYMS_TEXT.split())


# In a turn with no punctuation, where a yes/no question starts inside the run of words: an
# inverted verb and its subject after other words ("…monday is she still drinking").
def _unpunctuated_question(text: str) -> int | None:
    """Where a question starts in a turn written without punctuation, if one does."""
    if any(mark in text for mark in "?.!"):
        return None
    return inverted_question_at(text)


def _first_fix(text: str, offset: int, sentence: str) -> int | None:
    """Where in `text` the first fix of `sentence` (found at `offset`) starts, skipping those
    after a condition or a question ("before I change anything", "can I reset it")."""
    asked = _unpunctuated_question(sentence)
    if asked is not None:
        sentence = sentence[:asked]  # "…did she finish the pain drops we sent home" asks
    for match in _FIX.finditer(sentence):
        start = offset + match.start()
        if _NOT_YET.search(text, max(0, start - 12), start):
            continue
        if _PURPOSE.search(text, max(0, start - 12), start) and _BARE_I.match(match.group(0)):
            continue  # "let me check so I book it properly": what the check is for
        return start
    return None


# "…so I book next Thursday properly": the purpose of what comes first, not a fix done.
_PURPOSE = re.compile(r"\bso\s+(?:that\s+)?$", re.I)
_BARE_I = re.compile(r"i\s+(?!(?:now|already|just|also|can)\b)[a-z]", re.I)


def _question_words(text: str, whole: frozenset[str]) -> list[frozenset[str]]:
    """Content words of each question in a turn of several sentences (none for a turn that is
    one sentence: the whole turn stands for it)."""
    if "?" not in text:
        return []
    questions = [s for s in sentence_texts(text) if s.rstrip("\"'’”) ").endswith("?")]
    if len(questions) == 1 and questions[0] == text.strip():
        return []
    return [words for words in map(content_words, questions) if words != whole]


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())
