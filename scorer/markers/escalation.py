"""Escalation: naming the loop, telling the customer to calm down, defensive shields, and
pointing back at earlier answers ("as I mentioned")."""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import PatternGroup, word_pattern
from scorer.markers.text import TEXT_CACHE, Turn

_CALM_DOWN = word_pattern(
    r"\b(?:calm\s+down|settle\s+down|cool\s+(?:it|down)|relax\b|chill\s+out|take\s+it\s+easy"
    r"|lower\s+your\s+voice|keep\s+your\s+voice\s+down|stop\s+(?:shouting|yelling|screaming"
    r"|swearing|raising\s+your\s+voice|getting\s+(?:so\s+)?(?:upset|worked\s+up|angry|emotional))"
    r"|(?:don'?t|do\s+not)\s+(?:shout|yell|scream|raise\s+your\s+voice|get\s+(?:so\s+)?(?:upset"
    r"|worked\s+up|angry|emotional|excited))|no\s+need\s+to\s+(?:shout|yell|raise\s+your\s+voice|swear"
    r"|get\s+(?:so\s+)?(?:upset|angry|worked\s+up)|be\s+(?:so\s+)?(?:rude|upset|angry))"
    r"|take\s+a\s+(?:deep\s+)?breath|(?:be|stay)\s+calm|(?:you\s+)?need\s+to\s+(?:calm|relax)"
    r"|there'?s\s+no\s+reason\s+to\s+be\s+(?:so\s+)?(?:upset|angry)|you'?re\s+(?:overreacting"
    r"|being\s+(?:hysterical|emotional|unreasonable|rude))|keep\s+(?:this|it|things)\s+civil"
    r"|watch\s+your\s+(?:tone|language)|don'?t\s+take\s+that\s+tone|there'?s\s+no\s+need\s+for"
    r"\s+that|(?:shouting|yelling|swearing)(?:\s+\w+){0,2}?\s+(?:won'?t|will\s+not|doesn'?t|isn'?t)"
    r"|(?:getting|being)\s+(?:so\s+)?(?:angry|upset|worked\s+up|cross|rude|aggressive|abusive"
    r"|nasty|shirty)(?:\s+(?:with|at|to)\s+me)?\s+(?:won'?t|will\s+not|isn'?t\s+going\s+to"
    r"|is\s+not\s+going\s+to|doesn'?t|does\s+not)"
    r"|i\s+(?:won'?t|will\s+not)\s+be\s+spoken\s+to|if\s+you\s+(?:continue|keep)\s+(?:shouting"
    r"|swearing|yelling|being\s+rude))"
    # Tone policing in polite words: "I'd ask you to keep this respectful", "there's no need
    # for capitals", "I'd appreciate it if you didn't swear", "let's keep this professional".
    r"|keep\s+(?:this|it|things|the)\s+(?:conversation\s+|call\s+|chat\s+)?(?:respectful|polite"
    r"|professional|calm"
    r"|courteous|friendly)|(?:no\s+need|not\s+necessary)\s+(?:for|to\s+use)\s+(?:the\s+|all\s+)?"
    r"(?:capitals|caps|capital\s+letters|language\s+like\s+that|that\s+language|that\s+tone"
    r"|the\s+attitude|exclamation)|(?:i'?d|i\s+would)\s+(?:appreciate\s+it|ask\s+you|prefer)"
    r"\s+(?:if\s+you\s+(?:didn'?t|did\s+not|could\s+(?:stop|not|lower|tone))|to\s+(?:stop|not"
    r"|lower|tone|moderate|keep\s+(?:this|it)))|(?:please\s+)?(?:lower|moderate|watch|mind)\s+your"
    r"\s+(?:tone|language|voice)|tone\s+(?:it|things)\s+down|(?:please\s+)?don'?t\s+(?:use\s+(?:that"
    r"|such)\s+language|swear\s+at|type\s+in\s+(?:capitals|caps))|not\s+going\s+to\s+be\s+"
    r"(?:spoken|talked|shouted)\s+to",
    re.I,
)
# "I won't tell you to calm down", "I'm not asking you to relax".
_NEGATED_PREFIX = word_pattern(
    r"(?:\b(?:not|never|n't|won'?t|no\s+one|nobody)\b[^.!?,;]{0,30}\b(?:tell|telling|ask|asking"
    r"|say|saying|going\s+to|want|expect|need|expecting)\b[^.!?,;]{0,15}$|\b(?:don'?t|do\s+not"
    r"|no\s+need\s+to|not)\s+(?:have\s+to\s+|need\s+to\s+)?$)",
    re.I,
)
_DEFENSIVE = word_pattern(
    r"\bif\s+you(?:'d|\s+would|\s+will|'ll)?\s+(?:just\s+)?(?:let"
    r"|allow)\s+me\s+(?:to\s+)?(?:explain|finish|speak|talk|answer|get\s+a\s+word\s+in)"
    r"|\bif\s+you(?:'d|\s+would)\s+(?:just\s+)?let\s+me\b|\blet\s+me\s+finish"
    r"|\bif\s+you(?:'d|\s+would)?\s+(?:just\s+|only\s+)?listen(?:ed)?\b"
    r"|\bas\s+i\s+(?:already|have\s+already|'ve\s+already)\s+(?:said|told|explained|mentioned"
    r"|stated)|\bi(?:'ve|\s+have)\s+already\s+(?:told|explained|said)|\b(?:that'?s|that\s+is|it'?s"
    r"|it\s+is)\s+not\s+(?:my|our)\s+(?:fault|problem|responsibility|department|job)"
    r"|\bnot\s+my\s+fault|\b(?:it'?s|it\s+is|that'?s|that\s+is)\s+(?:just\s+)?(?:our|company"
    r"|the)\s+polic(?:y|ies)|\bpolicy\s+(?:is\s+policy|says|doesn'?t\s+allow|won'?t\s+allow)"
    r"|\bi\s+can\s+only\s+(?:go\s+(?:by|on|off)|tell\s+you|see)\s+what\b"
    r"|\bi\s+don'?t\s+make\s+the\s+rules|\byou\s+(?:need|have)\s+to\s+understand|\bi'?m\s+(?:just"
    r"|only)\s+doing\s+my\s+job|\bthere'?s\s+nothing\s+(?:more\s+)?i\s+can\s+do"
    r"|\bthat'?s\s+not\s+what\s+i\s+said|\byou'?re\s+not\s+listening|\byou\s+(?:should"
    r"|must)\s+have\s+read|\bit\s+(?:clearly\s+)?says\s+in\s+the\s+terms"
    r"|\bthat'?s\s+just\s+how\s+it\s+(?:is|works)|\bwith\s+(?:all\s+)?due\s+respect"
    r"|\b(?:i'?m|i\s+am|it\s+(?:wasn'?t|was\s+not|isn'?t|is\s+not))\s+not\s+the\s+(?:one|person"
    r"|people)\s+(?:who|that)|\b(?:it\s+)?(?:wasn'?t|was\s+not|isn'?t|is\s+not)\s+me\s+(?:who"
    r"|that)|\bdon'?t\s+(?:blame|shout\s+at|take\s+it\s+out\s+on)\s+me|\bi'?m\s+(?:just|only)"
    r"\s+the\s+messenger|\b(?:look|listen)\s*,?\s+i(?:'m|\s+am)\s+(?:only\s+|just\s+)?(?:trying"
    r"|doing)|\bi(?:'m|\s+am)\s+(?:only\s+|just\s+)?trying\s+to\s+help(?:\s+you)?(?:\s+here)?"
    r"\s*[.!]*$|\bi(?:'m|\s+am)\s+doing\s+(?:my|the)\s+best\s+i\s+can\b|\byou'?re\s+not"
    r"\s+letting\s+me|\bi(?:'ve|\s+have)\s+(?:already\s+)?(?:told\s+you|explained|said|gone"
    r"\s+over)\s+(?:(?:this|that|it)\s+)?(?:(?:two|three|four|five|several|many|\d+)\s+times"
    r"|twice|more\s+than\s+once|over\s+and\s+over)"
    # Shifting the blame in polite words: "to be fair, that account isn't something we set up",
    # "I didn't write the rules", "if you'd read clause 9", "I'm just going by what I can see".
    r"|^\W*to\s+be\s+(?:fair|honest)\s*,\s+(?:that|this|it|the|you|we|i)\b|\b(?:isn'?t|is\s+not"
    r"|wasn'?t|was\s+not)\s+something\s+(?:we|i)\s+(?:did|set\s+up|caused|control|changed|made"
    r"|decided|do)\b|\bi\s+(?:didn'?t|did\s+not)\s+(?:write|make|set|create|decide)\s+(?:the|them"
    r"|these|those|that|this|it)\b|\bif\s+you(?:'d|\s+had|\s+would\s+have)\s+(?:read|checked"
    r"|looked\s+at|followed|filled)\b|\bi(?:'m|\s+am)\s+(?:just|only)\s+(?:going\s+by|reading"
    r"|telling\s+you)\s+what\b|\b(?:you|it)\s+(?:agreed|signed|accepted)\s+(?:to\s+)?(?:the|our"
    r"|these|those)\s+(?:terms|conditions|t&cs|contract)\b|\bthat'?s\s+(?:on|down\s+to)\s+(?:you"
    r"|your\s+(?:end|side|bank|provider))\b|\bit'?s\s+not\s+a\s+(?:question|matter)\s+of\b"
    r"|\b(?:it'?s|that'?s)\s+(?:just\s+|only\s+)?what\s+the\s+(?:system|computer|logs?|records?)"
    r"\s+(?:shows?|says?)\b"
    # lecturing in writing: "Kindly note that…", "I'd gently suggest checking… next time",
    # "as clearly stated in our guide"
    r"|\bkindly\s+note\b|\bi'?d\s+(?:gently\s+|kindly\s+)?(?:suggest|recommend|advise)\b[^.!?]{0,80}"
    r"\bnext\s+time\b|\bas\s+(?:clearly\s+)?(?:stated|explained|shown|set\s+out)\s+(?:in|on)\s+(?:the"
    r"|our)\b|\bit'?s\s+(?:clearly|all)\s+(?:explained|stated|shown|set\s+out)\b"
    r"|\bthat'?s\s+(?:on|down\s+to)\s+(?:you"
    r"|your\s+(?:end|side|bank|provider))\b"
    # the blame pushed off oneself: "well that's not on me", "that isn't down to me"
    r"|\b(?:that|this|it)(?:'s|\s+is|\s+isn'?t|\s+wasn'?t)\s+(?:not\s+)?(?:on|down\s+to)\s+me\b",
    re.I,
)
_REPEAT = word_pattern(
    # the same answer as before, in so many words: "it's the same steps as before", "same
    # figure I gave you before", "it's the same as what I said", "that's what I've been saying"
    r"\bsame\s+(?:(?:steps|answer|thing|figure|process|instructions|information|info|advice"
    r"|procedure|one)\s+)?as\s+(?:before|earlier|last\s+time|above|what\s+i\s+(?:said"
    r"|told\s+you|gave\s+you))|\bsame\s+(?:\w+\s+){0,2}?(?:i|we)(?:'ve|\s+have)?\s+(?:gave"
    r"|given|told|sent|said|quoted|mentioned)\s+(?:you\s+)?(?:before|earlier|already|just\s+now"
    r"|a\s+(?:minute|moment)\s+ago)"
    r"|\bthat'?s\s+what\s+i(?:'ve|\s+have)?\s+(?:been\s+)?(?:said|saying|told\s+you|telling\s+you)\b"
    r"|\bi(?:'ve|\s+have)\s+just\s+(?:said|told\s+you|explained)\b"
    r"|\bi(?:'ve|\s+have)\s+(?:already\s+)?(?:said|told\s+you)(?:\s+(?:that|this))?\s*(?:[,.;:!]|$)"
    r"|\bas\s+(?:mentioned|explained|discussed)\b"
    # "Same deadline as earlier, 30 June.", "it's all in the email we sent you on the 3rd"
    r"|\bsame\s+\w+\s+as\s+(?:earlier|i\s+(?:said|gave\s+you|mentioned)|above)\b|\b(?:it'?s|that'?s"
    r"|it\s+is)\s+(?:all\s+)?(?:in|on)\s+the\s+(?:email|letter|text|message|confirmation)\s+(?:we|i)"
    r"(?:'ve)?\s+sent\b"
    # "Friday, per my last message.", "It's in the chat twice now.", "We've done this.", "That's
    # all in what I went through a moment ago"
    r"|\bper\s+my\s+(?:last|previous|earlier)\s+(?:message|email|reply|note|answer)\b"
    r"|\b(?:it'?s|that'?s)\s+(?:all\s+)?(?:in|on)\s+(?:the"
    r"|my)\s+(?:chat|messages?|email|letter)\s+(?:twice|already|above)\b|\bwe'?ve\s+done\s+this\b"
    r"|\bwhat\s+i\s+(?:went\s+through|said|told\s+you|explained)\s+(?:a\s+(?:moment|minute|second)\s+ago"
    r"|earlier|before|already)\b"
    # declining to answer again: "we've been through that", "I'd just be repeating myself",
    # "there's no other answer", "No. Already answered.", "we covered that at the start", "it's
    # not going to change no matter how many times you ask", "the amount I gave you"
    r"|\b(?:we|i)(?:'ve|\s+have)?\s+(?:been\s+(?:through|over)|covered|gone\s+(?:through|over))\s+"
    r"(?:that|this|it)\b|\b(?:i'?d|i\s+would)\s+(?:just\s+|only\s+)?be\s+repeating\s+myself\b"
    r"|\bthere'?s\s+no\s+(?:other|different)\s+answer\b|\balready\s+answered\b|\bi\s+answered"
    r"\s+(?:that|this|it)\s+(?:above|already|earlier|before)\b|\bi\s+won'?t\s+keep\s+(?:going\s+over"
    r"|repeating|saying|explaining)\b|\b(?:it'?s|that'?s)\s+(?:still\s+)?the\s+same\s+answer\b"
    r"|\bno\s+matter\s+how\s+many\s+times\s+you\s+ask\b|\b(?:amount|figure|date|number|time"
    r"|price)\s+i\s+(?:gave|told)\s+you\b|\bi\s+told\s+you\s+(?!i'?d\b|i\s+would\b|we'?d\b|that\s+i\b"
    r"|about\b|how\b)(?=\w)|"
    # in writing: "please see above", "as per my previous message", "scroll up"
    r"\b(?:please\s+)?see\s+(?:above|my\s+(?:previous|last|earlier)\s+\w+)"
    # opening the answer with it: "Right, one more time: …", "OK, one more time."
    r"|^\W*(?:(?:right|okay|ok|so|well|fine|alright)\W+)?one\s+more\s+time\s*[:,.]|\bas\s+(?:above"
    r"|stated\s+(?:above|earlier|before))|\bas\s+per\s+my\s+(?:previous|last|earlier)\b"
    r"|\bscroll\s+up\b|\b(?:in|from)\s+my\s+(?:previous|last|earlier)\s+(?:message|reply"
    r"|response|email)|\bas\s+(?:i|we)\s+(?:wrote|typed|noted)\s+(?:above|earlier|before)"
    r"|\blike\s+i(?:'ve|\s+have)\s+(?:already\s+)?(?:said|told\s+you|mentioned|explained)"
    r"|\bi(?:'ve|\s+have)\s+(?:already\s+)?(?:given\s+you|gone\s+through|been\s+through|been\s+over"
    r"|gone\s+over)\s+(?:this|that|it|the\s+\w+)\b"
    r"|\bi\s+did\s+(?:give|tell|say|mention)\s+(?:you\s+)?(?:that|this|it)\b|\b(?:gave|told)\s+you"
    r"\s+(?:that|this|it)(?:\s+one)?\s+(?:a\s+(?:minute|moment|second|few\s+minutes)\s+ago|earlier"
    r"|already|before)\b"
    r"|\b(?:it'?s|it\s+is|that'?s|that\s+is)\s+(?:just\s+)?(?:the\s+)?same\s+as\s+(?:before|i\s+said"
    r"|last\s+time|above|earlier)\b"
    r"|\bi(?:'ve|\s+have)\s+(?:already\s+)?answered\s+(?:that|this|it|your\s+question)\b"
    r"|\b(?:as|like)\s+i\s+say\b(?:\s*,|\s+(?:it|it'?s|that|you|the|we|there|they)\b)"
    r"|\b(?:said|told\s+you|explained)\s+(?:it\s+|this\s+|that\s+)?(?:a\s+couple\s+of|a\s+few"
    r"|several)\s+times|\bas\s+(?:i|we)(?:'ve|\s+have)?\s+(?:already\s+|previously\s+|just\s+)?(?:said|mentioned"
    r"|told\s+you|explained|stated|noted|pointed\s+out)|\blike\s+i\s+(?:already\s+)?(?:said"
    r"|told\s+you|mentioned|explained)|\bas\s+previously\s+(?:mentioned|stated|explained|advised"
    r"|said|noted)|\bas\s+(?:stated|advised)\b|\b(?:please\s+)?refer\s+(?:back\s+)?to\s+my\s+(?:earlier"
    r"|previous|last)\b"
    r"|\bi(?:'ve|\s+have)?\s+already\s+(?:told|explained|said|mentioned)|\bi\s+(?:told"
    r"|explained\s+to)\s+you\s+(?:already|before|earlier)|\b(?:i'?ll|let\s+me|i\s+will)\s+(?:say"
    r"|explain|repeat)\s+(?:it|this|that)\s+(?:again|one\s+more\s+time)|^\s*(?:and\s+|so\s+"
    r"|but\s+)?(?:once\s+)?again\s*,|\bfor\s+the\s+(?:second|third|fourth|last)\s+time\b"
    r"|\bas\s+(?:i|we)\s+(?:discussed|went\s+over)|\bi(?:'ve|\s+have)\s+(?:already\s+)?(?:told"
    r"\s+you|explained|said|gone\s+over|mentioned)\s+(?:(?:this|that|it)\s+)?(?:(?:two|three|four"
    r"|five|several|many|\d+)\s+times|twice|more\s+than\s+once|over\s+and\s+over|before)",
    re.I,
)
_PATTERN = word_pattern(
    r"\b(?:we|you)(?:'ve|\s+have|'re|\s+are)?\s+(?:keep|kept|been)\s+(?:coming|going"
    r"|getting)\s+back\s+to|\bkeeps?\s+coming\s+(?:back|up)|\b(?:we(?:'re|\s+are)|we(?:'ve"
    r"|\s+have)\s+been)\s+(?:going|talking|running)\s+(?:a?round\s+)?in\s+circles"
    r"|\bround\s+in\s+circles|\bgoing\s+around\s+in\s+circles|\b(?:this"
    r"|that)\s+is\s+the\s+(?:second|third|fourth|fifth|\w+th)\s+time|\byou(?:'ve"
    r"|\s+have)\s+(?:had\s+to\s+)?(?:ask|call|tell|explain|raise|chase|contact|mention"
    r"|repeat)\w*\s+(?:\w+\s+){0,4}(?:several|three|four|five|many|multiple|\d+)\s+times"
    r"|\byou(?:'ve|\s+have)\s+(?:had\s+to\s+)?(?:ask|call|tell|explain|raise|chase|mention"
    r"|repeat)\w*\s+(?:\w+\s+){0,4}(?:again\s+and\s+again|over\s+and\s+over|more\s+than\s+once"
    r"|repeatedly)|\bkeep\s+having\s+to\b|\bthe\s+same\s+(?:conversation|loop|point"
    r"|question)\s+(?:again|keeps|over)|\bwe(?:'re|\s+are)\s+(?:stuck\s+)?(?:in\s+)?a\s+loop"
    r"|\bstuck\s+on\s+the\s+same|\bwe\s+keep\s+\w+ing\b|\bkeeps?\s+(?:happening|coming\s+up)\b"
    r"|\b(?:this|that|it)(?:'s|\s+is|\s+has\s+been|'s\s+been)\s+the\s+(?:second|third|fourth"
    r"|fifth)\s+time|\byou(?:'ve|\s+have)\s+(?:now\s+)?(?:told|asked|said|mentioned|explained"
    r"|raised)\s+(?:me\s+|us\s+|this\s+|that\s+|it\s+)?(?:a\s+few|several|three|four|many"
    r"|multiple|\d+)\s+times|\b(?:instead\s+of|rather\s+than)\s+(?:going|talking)\s+(?:a?round"
    r"|over)\s+(?:that|this|it)\s+again|\b(?:has|have)\s+(?:come|came)\s+up\s+(?:again|before"
    r"|twice|\w+\s+times)|\byou(?:'ve|\s+have)\s+been\s+(?:promised|told|given)\s+(?:\w+\s+){0,3}?"
    r"(?:before|twice|already|again|(?:two|three|four|five|several|many|\d+)\s+times)"
    # In the agent's own words, what each earlier contact gave them: "every call you've made
    # ended with 'run the tap'", "each time you've rung you were told to wait", "you've had
    # the same answer every time".
    r"|\b(?:every|each)\s+(?:single\s+)?(?:time|call|chat|visit|contact|conversation|message"
    r"|email|engineer|agent|person|one\s+of\s+(?:those|them))\s+(?:\w+\s+){0,3}?you(?:'ve"
    r"|\s+have|\s+were|\s+got|\s+rang|\s+called|\s+phoned|\s+asked|\s+chased|\s+wrote"
    r"|\s+contacted|\s+spoke)\b|\byou(?:'ve|\s+have)\s+(?:been\s+)?(?:had|got|given|told|heard"
    r"|fobbed\s+off\s+with)\s+(?:\w+\s+){0,3}?(?:the\s+same|that\s+same)\s+(?:answer|reply"
    r"|response|line|script|thing|excuse|promise|story)|\b(?:the\s+same|that\s+same)\s+(?:answer"
    r"|reply|response|line|script|excuse|promise|story)\s+(?:\w+\s+){0,4}?(?:every|each)\s+time"
    r"|\b(?:every|each)\s+time\s+you(?:'ve|\s+have)?\s+(?:called|rung|phoned|chased|asked"
    r"|contacted|written|been\s+told)",
    re.I,
)


# The loop named in the agent's own words: a word of repetition and a word of what passed
# between them in one sentence to the customer ("I've just given you the same line you've had
# three times", "you shouldn't have to keep telling me what you booked", "I'll stop reading the
# notes back to you").
_REPETITION = word_pattern(
    r"\b(?:same|again|twice|(?:two|three|four|five|several|many|\d+)\s+times|every\s+time"
    r"|each\s+time|keep|keeps|kept|over\s+and\s+over|back\s+to\s+you|in\s+circles|loop)\b",
    re.I,
)
_EXCHANGE = word_pattern(
    r"\b(?:told|tell|telling|said|saying|line|lines|answer|answers|reply|replies|heard|hearing"
    r"|call|called|calls|calling|rung|rang|asked|asking|promised|promise|promises|notes|reading"
    r"|script|explained|explaining|chased|chasing|given|giving|repeat\w*|fobbed)\b",
    re.I,
)
_TO_THE_CUSTOMER = word_pattern(r"\b(?:you|you'?ve|you'?re|your|you'?d)\b", re.I)
# "I'll call you again tomorrow": a plan, not the loop (unless it stops the loop).
_PLAN = word_pattern(
    r"\b(?:i|we)(?:'ll|\s+will|'d|\s+would|\s+can|\s+could)\b(?!\s+(?:stop|not))", re.I
)


def _names_loop(text: str) -> bool:
    return (
        not text.rstrip().endswith("?")
        and _REPETITION.search(text) is not None
        and _EXCHANGE.search(text) is not None
        and _TO_THE_CUSTOMER.search(text) is not None
        and _PLAN.search(text) is None
    )


_REASSURING = re.compile(
    r"\byou (?:can|could|may) (?:now |finally |all )?(?:relax|breathe|take it easy)\b"
    r"|\brelax,? (?:it'?s|everything|you'?re|the|your|nothing)\b",
    re.I,
)


# Most sentences open none of the patterns a marker needs: one test rules them all out.
_MARKERS = PatternGroup(_CALM_DOWN, _DEFENSIVE, _REPEAT, _PATTERN, _REPETITION)


@lru_cache(maxsize=TEXT_CACHE)
def markers_of(text: str) -> tuple[str, ...]:
    """The escalation markers of one sentence (they depend on nothing else)."""
    if not _MARKERS.may_match(text):
        return ()
    found: list[str] = []
    for match in _CALM_DOWN.finditer(text):
        if _REASSURING.search(text):
            break  # "You can relax on that part": reassurance, not an order
        if not _NEGATED_PREFIX.search(text[: match.start()]):
            found.append("told_to_calm_down")
            break
    if _DEFENSIVE.search(text):
        found.append("defensive")
    if _REPEAT.search(text):
        found.append("repeat_reference")
    if _PATTERN.search(text) or (not found and _names_loop(text)):
        found.append("pattern_named")
    return tuple(found)


def find(turn: Turn) -> list[MarkerHit]:
    return [hit(name, s) for s in turn.sentences for name in markers_of(s.text)]
