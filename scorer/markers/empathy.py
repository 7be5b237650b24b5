"""Empathy: naming the customer's specific impact, generic empathy, apology.

- impact_named: an acknowledgement that shows specific understanding of the customer's own
  situation. Either it speaks about them with concrete content from what they said ("you were
  cut off the day before your interview, and that cost you the call"), or interprets what they
  are going through ("it sounds like you've been left without a phone all week"), or relates
  it to a matching experience of the speaker ("I had the same thing with my router last
  winter, two weeks without internet").
- generic_empathy: an emotional reaction with no specifics ("I understand your frustration",
  "that must be hard", "you're not alone", "I hope it gets better").
- apology: "I'm sorry", "my apologies", "I apologise".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from scorer.markers import escalation
from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import word_pattern
from scorer.markers.reflection import informs, without_check_frame
from scorer.markers.text import TEXT_CACHE, Span, Turn, content_stems, word_set, words
from scorer.markers.text import tokens as word_tokens

_APOLOGY = word_pattern(
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:(?:so|very|really|truly|terribly|deeply"
    r"|extremely)\s+)?sorry\b|\bsorry\s+(?:about|for|to\s+hear|that)\b|\bmy\s+apolog"
    r"|\bour\s+apolog|\bapologies\b|\bi\s+(?:do\s+)?apologi[sz]e|\bwe\s+apologi[sz]e"
    r"|^\W*sorry\b(?!\s*\?)(?!\s*,?\s*(?:what|could|can|say|come\s+again|pardon"
    r"|i\s+didn'?t\s+(?:catch|hear)))",
    re.I,
)
EMOTION = (
    r"(?:frustrat\w*|upset\w*|angry|anger|annoy\w*|stress\w*|worr\w*|concern\w*|disappoint\w*"
    r"|inconvenien\w*|hard|difficult|tough|awful|terrible|horrible|rough|painful|scar\w*|confus\w*"
    r"|exhaust\w*|overwhelm\w*|unfair|unacceptable|infuriat\w*|aggravat\w*|distress\w*|hurt\w*|sad"
    r"|lonely|anxious|anxiety|fear\w*|afraid|tired|hopeless|heartbreak\w*|devastat\w*|irritat\w*"
    r"|maddening|emotion\w*|pain|struggl\w*|depress\w*|a\s+lot\s+to\s+deal\s+with|no\s+fun"
    r"|not\s+(?:fun|good|ok|okay|great|easy|right|fair)|a\s+(?:pain|nightmare|hassle|mess)|sucks?"
    r"|shitty|crap|rubbish|worst|bad|tragic|unfortunate|grim|brutal|miserable|rotten|gutting"
    r"|galling|no\s+joke)"
)
_GENERIC = word_pattern(
    r"\bi\s+(?:completely\s+|totally\s+|fully\s+|really\s+|do\s+|can\s+"
    r"|definitely\s+)?(?:understand|hear\s+you|get\s+(?:it|that|why|how)|see\s+(?:why|how|where)"
    r"|know\s+(?:how|what)\s+(?:you|it|that)|appreciate\s+(?:that|how|this|it|you(?!r\s+(?:patience|understanding|time|call|business"
    r"|custom|help|co-?operation)))|imagine"
    r"|only\s+imagine|relate|feel\s+for)\b|\bsorry\s+(?:to\s+hear|you'?re|you\s+are|that\s+you"
    r"|for\s+(?:what|your|the\s+loss))|\b(?:that|this|it)(?:'s|\s+is|\s+must\s+be"
    r"|\s+must\s+have\s+been|\s+sounds?(?:\s+like)?|\s+seems?|\s+would\s+be|'d\s+be|\s+can\s+be"
    r"|\s+has\s+to\s+be|\s+was)\s+(?:(?:so|really|very|incredibly|quite|pretty|super|extremely"
    r"|such\s+a|a\s+really|a|real|just|definitely)\s+)*"
    + EMOTION
    + r"|\bhow\s+"
    + EMOTION
    + r"|\bsounds?\s+(?:like\s+)?(?:(?:so|really|very|a)\s+)*"
    + EMOTION
    + r"|\b(?:you'?re|you\s+are)\s+not\s+alone|\bhugs?\b|\bsending\s+(?:you\s+)?(?:love|hugs"
    r"|strength|positive)|\bi\s+feel\s+for\s+you|\bmy\s+heart\s+goes|\bhang\s+in\s+there"
    r"|\bstay\s+strong|\bsuch\s+a\s+shame|\b(?:that'?s|that\s+is)\s+(?:not\s+what\s+you"
    r"\s+(?:want|need|wanted|needed)|the\s+last\s+thing\s+you\s+(?:want|need))\b"
    r"|\b(?:is|are|was|were|can\s+be)\s+(?:always\s+|so\s+|really\s+)?(?:annoying|frustrating"
    r"|stressful|upsetting|infuriating|maddening|a\s+(?:pain|nightmare|hassle))\b|\b(?:i'?m|so)\s+(?:so\s+|really\s+)?(?:glad|happy|proud)"
    r"|\bi\s+(?:really\s+|truly\s+)?hope\b|\bhope\s+(?:you|things|it|that|this|everything)"
    r"|\bunderstandabl[ey]|\bof\s+course\s+you'?re|\bno\s+wonder|\bit'?s\s+(?:okay|ok|normal"
    r"|natural|understandable|alright|fine)\s+to\s+(?:feel|be|not)|\b(?:completely"
    r"|totally)\s+(?:valid|understandable|normal)|\bvalid\b|\bhappy\s+birthday|\bcongrat\w*"
    r"|\bgood\s+luck|\bwishing\s+you|\bi\s+wish\s+you|\btake\s+care\s+of\s+yourself"
    r"|\bhere\s+for\s+you|\byou\s+(?:deserve|matter|are\s+(?:worth|loved|strong|brave|amazing"
    r"|doing)|'re\s+(?:worth|loved|strong|brave|amazing|doing|not\s+(?:crazy|weak|stupid"
    r"|a\s+burden)))|\bproud\s+of\s+you|\byou(?:'ve|\s+have)\s+got\s+this|\byou\s+can\s+do\s+(?:it"
    r"|this)\b(?!\s+(?:in|on|under|from|via|by|through|online|yourself|at|with|here|now|any))|\bit\s+(?:will|'ll)\s+get\s+better|\bthings\s+(?:will|'ll)\s+get\s+better"
    r"|\bi'?m\s+sure\s+you|\bbe\s+kind\s+to\s+yourself|\bthat'?s\s+(?:great|awesome|amazing"
    r"|wonderful)|\bwell\s+done|\bgreat\s+job|<3|[:;]-?[)(]|\bkeep\s+(?:fighting|going|it\s+up"
    r"|pushing|your\s+head\s+up|at\s+it)|\bstay\s+(?:safe|strong|positive)|\b(?:don'?t"
    r"|never)\s+give\s+up|\bplease\s+don'?t\b|\byou(?:'ll|\s+will)\s+(?:make\s+it|get\s+through"
    r"|be\s+(?:fine|okay|ok|alright|all\s+right))|\beverything\s+(?:will|'ll|is\s+going\s+to"
    r"|is\s+gonna)\s+be\s+(?:fine|okay|ok|alright)|\bit'?s\s+(?:going\s+to|gonna)\s+be\s+(?:ok"
    r"|okay|fine|alright)|\bone\s+day\s+at\s+a\s+time|\b(?:pm|message|dm)\s+me\b|\bi'?m\s+(?:here"
    r"|around)\b|\bstill\s+here\b|\bif\s+you\s+(?:ever\s+)?(?:need|want)\s+(?:someone|somebody"
    r"|anyone|to\s+talk|a\s+friend)|\bwe'?ll\s+listen|\bpray\w*\s+for\s+you|\bthinking\s+of\s+you"
    r"|\byou(?:'re|\s+are)\s+not\s+(?:worthless|a\s+failure|broken|the\s+bad|crazy|weak|stupid"
    r"|useless|a\s+burden|ugly|alone)|\bglad\s+(?:you|to\s+hear|that)|\bhopefully\b"
    r"|\bgood\s+for\s+you|\bhappy\s+for\s+you|\blove\s+you\b|\byou\s+got\s+this"
    r"|\bwhat\s+a\s+(?:crappy|shitty|terrible|awful|horrible|sad|hard)|\bbe\s+proud"
    r"|\b(?:aw|aww|awww+|oh\s+no)\b|\bthat'?s\s+a\s+win"
    r"|\b(?:great|good|nice|cool|awesome|wonderful)\s+(?:that\s+you|to\s+hear)"
    r"|\b(?:that|this|it)(?:'s|\s+is)\s+(?:(?:so|really|very|pretty)\s+)?(?:awesome"
    r"|amazing|cool|wonderful|fantastic)\b|\bi\s+(?:can\s+)?(?:feel|get)\s+you\b"
    r"|\bi\s+(?:can\s+)?(?:resonate|relate)|\bare\s+you\s+(?:doing\s+)?(?:okay|ok|alright"
    r"|all\s+right)\b|\b(?:need|want|wanna)\s+to\s+(?:talk|vent)|\byou(?:'re|\s+are)\s+(?:so\s+"
    r"|really\s+)?(?:important|golden|enough|valued|beautiful|loved|a\s+good|not\s+too\s+much"
    r"|not\s+as\s+\w+\s+as|valid|brave|strong|worthy|young|not\s+a\s+fraud)|\bcelebrat\w*"
    r"|\bsmall\s+(?:steps|wins|victories)|\bbig\s+step|\bsomeone\s+to\s+talk\s+to|\b(?:that|this"
    r"|it)\s+(?:really\s+|totally\s+|just\s+)?(?:sucks|stinks|hurts)|\bsadly\b|\b(?:talk|chat"
    r"|vent)\s+(?:with|to)\s+(?:us|me)\b|\bup\s+(?:to|for)\s+(?:a\s+)?(?:talk|chat)"
    r"|\bwe\s+could\s+talk|\bstrength\s+and|\bpeace\s+(?:to|and)\s+you|\bdon'?t\s+worry"
    r"|\bkeep\s+(?:the\s+)?faith|\bgive\s+it\s+time|\bfamiliar\s+feeling|\btalk\s+it\s+out"
    r"|\btruer\s+words|^\W*(?:so|very|really|truly)\s+sorry\b",
    re.I,
)
_FIRST_PERSON = frozenset(
    {"i", "im", "i'm", "ive", "i've", "i'd", "id", "me", "my", "myself", "mine"}
)
# What follows "I" when the speaker gives an opinion, advice, sympathy or a service action
# rather than an experience of their own.
_NOT_EXPERIENCE_AFTER_I = word_set(
    """think would suggest recommend hope guess believe understand hear wish apologize apologise
    bet doubt agree disagree promise mean assume assure will should shall need see appreciate
    totally completely really definitely do said mentioned told explained stated"""
)
_CAN = word_set("can can't cannot could couldn't")
_ASKING = word_set("can could may shall should")
_ADVERBS = word_set("still just now currently already also right actually really")
_SERVICE_VERBS = [
    [verb]
    for verb in [
        "see",
        "find",
        "check",
        "tell",
        "access",
        "do",
        "help",
        "change",
        "offer",
        "give",
        "book",
        "send",
        "confirm",
        "grab",
        "take",
        "get",
        "have",
        "pop",
        "put",
        "arrange",
        "move",
        "sort",
        "switch",
        "cancel",
        "refund",
        "transfer",
        "upgrade",
        "post",
        "email",
        "text",
        "call",
        "ring",
        "process",
        "issue",
        "add",
        "remove",
        "update",
        "set",
        "waive",
        "credit",
    ]
]
_NOT_EXPERIENCE_AFTER_IM = word_set(
    """sorry sure glad happy proud here around not afraid checking looking pulling sending
    transferring going putting processing calling emailing raising booking just able the
    unable on"""
)
_NOT_EXPERIENCE_AFTER_ID = word_set("suggest recommend say like love be advise")
_NOT_EXPERIENCE_AFTER_MY = word_set(
    """advice suggestion opinion two 2 best heart condolences thoughts prayers name colleague
    team manager supervisor direct line number extension email apologies department"""
)
_NOT_EXPERIENCE_BEFORE_ME = word_set(
    "let message pm dm tell call text believe trust forgive email ring give show contact"
)
_SHARED_FEELING = word_pattern(
    r"\b(?:me\s+too|same\s+(?:here|thing|boat|situation|with\s+me|for\s+me)|been\s+there"
    r"|know\s+the\s+feeling|(?:had|have|went\s+through|going\s+through)\s+(?:the\s+same"
    r"|something\s+similar|a\s+similar)|(?:exactly|just)\s+the\s+same|the\s+same\s+(?:here"
    r"|for\s+me|with\s+me))\b|^\W*(?:\w+\W+)?same\b",
    re.I,
)
# Service talk in the first person: "I have your account here", "I checked the line".
_AGENT_TALK = word_pattern(
    r"\b(?:i(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'d\s+(?:like|be\s+happy))(?!')"
    r"|i\s+(?:can|could)\s+(?:see|help|offer|check|do|arrange|confirm|get|send|book|process|set"
    r"|transfer|put|try|assure|understand|imagine|hear|only\s+imagine|look|sort|fix|escalate|raise"
    r"|refund|credit|cancel|update|reset|change|add|remove|give)"
    # an offer to do something for them: "I can sign you up", "I could move you to 208"
    r"|i\s+(?:can|could)\s+(?:just\s+|also\s+|still\s+)?(?!relate\b|feel\b|remember\b|recall\b"
    r"|empathi|sympathi|tell\b|hear\b)\w+\s+(?:you|your)\b|let\s+me|i(?:'ve"
    r"|\s+have)\s+(?:just\s+|now\s+|already\s+)?(?:processed|sent|issued|refunded|credited|checked"
    r"|escalated|updated|reset|booked|added|removed|opened|raised|logged|noted|arranged|cancell?ed"
    r"|got\s+your|your|pulled|looked|confirmed|applied|found\s+(?:the|your))|i\s+(?:checked"
    r"|processed|sent|issued|refunded|credited|escalated|updated|reset|booked|looked|pulled"
    r"|confirmed|applied|found\s+(?:the|your)|have\s+(?:your|it|a\s+look))"
    r"|i(?:\s+have|'ve\s+got)\s+[^.!?]{0,40}?\b(?:for\s+you|ready|here|on\s+(?:file|screen"
    r"|the\s+system|record)|in\s+front\s+of\s+me|available)\b"
    r"|i'?m\s+(?:just\s+|now\s+)?(?:checking|looking|pulling|sending|processing|transferring"
    r"|putting|running|doing|setting|booking|adding|updating|resetting|arranging|raising|logging"
    r"|opening|reading|placing|ordering|cancell?ing|refunding|crediting|issuing|testing|reviewing"
    r"|connecting|getting|bringing|passing|noting|escalating|requesting|waiting)"
    r"|i(?:'ve|\s+have)?\s+(?:just\s+|now\s+|already\s+)?(?:sorted|fixed|done|gone\s+ahead"
    r"|went\s+ahead|set\s+up|moved|swapped|switched|activated|reordered|rebooked|spoken\s+to"
    r"|contacted|emailed|texted|called|scheduled|double-checked|verified|tested|ran|run|released"
    r"|lifted|removed|waived|cleared|unlocked|reactivated|restored|reconnected|resent|reissued"
    r"|expedited|prioriti[sz]ed|flagged|marked|amended|corrected|changed|updated|refunded"
    r"|found\s+(?:it|your|the\s+(?:problem|issue|fault|order|booking|account|payment|charge))"
    r"|put\s+(?:a|the|your|it|that|this|in|through)|made\s+(?:a|the|sure)|logged|raised|noted"
    r"|opened|booked|processed|sent|issued|credited|checked|escalated|reset|added|arranged"
    r"|cancell?ed|confirmed|applied|submitted|requested|reported|filed|ordered|placed|passed"
    r"|forwarded|transferred|chased|reviewed|looked\s+(?:into|at)|pulled\s+up)"
    r"|i(?:'ve|\s+have)?\s+(?:just\s+|now\s+|already\s+)?(?:asked|told|instructed|notified)\s+(?:the"
    r"|our|a)\s+(?:\w+\s+){0,2}?(?:team|desk|department|engineers?|technicians?|courier"
    r"|colleagues?|manager|supervisor|specialists?)"
    r"|(?:bear|bearing|bore)\s+with\s+me|for\s+me\s+to\s+(?:check|look|see|confirm|find|pull"
    r"|sort|fix|book|process)|(?:hold|wait)\s+for\s+me"
    r"|while\s+i\s+\w+|(?:when|once|after|as\s+soon\s+as)\s+i(?:'ve|\s+have)?\s+(?:checked|spoken"
    r"|heard|done|finished|sorted|fixed|booked|sent))\b",
    re.I,
)


# Escalation markers that speak of the agent to shield them, not to share an experience.
_SHIELDS = frozenset({"defensive", "repeat_reference", "told_to_calm_down"})


def _sympathy_only(tokens: list[str], index: int) -> bool:
    """'I know how you feel', 'I get it', 'I feel you', 'I know you're hurting'."""
    nxt = tokens[index + 2] if index + 2 < len(tokens) else ""
    return nxt in ("", "you", "u", "it", "that", "how", "what", "you're", "your")


def _self_disclosure(text: str, unframed: str, shared_feeling: bool) -> bool:
    """The speaker tells of a matching experience of their own ("I had the same with my bank").
    `unframed`: the text without restatement frames; `shared_feeling`: it says "me too"."""
    if shared_feeling:
        return True
    if _FIRST_PERSON.isdisjoint(words(text)):
        return False  # no "I", "me" or "my": nothing of the speaker's own
    if not _speaks_of_self(words(_AGENT_TALK.sub(" ", unframed))):
        return False
    # "I've explained this three times", "I'm trying to help you here": a shield, not a story.
    return not set(escalation.markers_of(text)) & _SHIELDS


def _speaks_of_self(tokens: list[str]) -> bool:
    """A first-person word that is not service talk, opinion or sympathy."""
    for index, token in enumerate(tokens):
        if token not in _FIRST_PERSON:
            continue
        after = tokens[index + 1] if index + 1 < len(tokens) else ""
        before = tokens[index - 1] if index else ""
        if token == "i" and after in _NOT_EXPERIENCE_AFTER_I:
            continue
        if token == "i" and after in _CAN and tokens[index + 2 : index + 3] in _SERVICE_VERBS:
            continue  # "I can't see who cancelled it": what the agent's screen shows
        if token == "i" and before in _ASKING:
            continue  # "can I grab the account number", "could I take your postcode"
        if token == "i" and after == "wish" and tokens[index + 2 : index + 3] in (["you"], ["u"]):
            continue
        if token == "i" and after in ("know", "get", "feel") and _sympathy_only(tokens, index):
            continue
        if token in ("i'm", "im") or (token == "i" and after == "am"):
            # "I'm still looking at this", "I am just checking": the agent at work
            rest = tokens[index + (1 if token != "i" else 2) :]
            doing = next((word for word in rest if word not in _ADVERBS), "")
            if doing in _NOT_EXPERIENCE_AFTER_IM:
                continue
        if token in ("i'd", "id") and after in _NOT_EXPERIENCE_AFTER_ID:
            continue
        if token == "my" and after in _NOT_EXPERIENCE_AFTER_MY:
            continue
        if token == "me" and (before in _NOT_EXPERIENCE_BEFORE_ME or after in ("if", "know")):
            continue
        return True
    return False


_INTERPRETIVE = word_pattern(
    r"\b(?:it\s+)?(?:sounds|seems|looks)\s+like\s+(?:you|your|it'?s\s+been)|\byou\s+(?:must"
    r"|might)\s+(?:be|have|feel)|\byou(?:'re|\s+are)\s+(?:feeling|going\s+through|dealing\s+with"
    r"|worried|scared|upset|frustrated|stuck|left|trying|struggling|caught)|\byou(?:'ve"
    r"|\s+have)\s+(?:been|had|lost|missed)|\bcost\s+you\b"
    # "you were left", not the time of an event: "when you were confirmed"
    r"|(?<!when\s)(?<!after\s)(?<!before\s)(?<!since\s)(?<!until\s)(?<!once\s)\byou\s+(?:were"
    r"|got)\s+\w+"
    r"|\bleft\s+you\b|\bmeant\s+you\b|\bput\s+you\b|\bmeans\s+you\b|\bso\s+you\s+(?:can'?t"
    r"|couldn'?t|weren'?t\s+able|had\s+to|lost|missed)\b|\b(?:stopp(?:ed|ing)|kept|keeping)\s+you"
    r"\s+from\b"
    # what is at stake for them: "it's your insulin that's at risk", "a rotten spot to be left in"
    r"|\b(?:at\s+risk|at\s+stake|on\s+the\s+line)\b|\b(?:a|an)\s+(?:\w+\s+)?(?:spot|position"
    r"|place|situation)\s+to\s+be\s+(?:left\s+|put\s+)?in\b",
    re.I,
)
# Telling the customer what to do: "you'd just need to confirm by Friday", "you should ring
# them", "just so you know", "take that up with your bank" ("you can …" is as often what they
# go through: "you can smell it in every room").
_DIRECTIVE = word_pattern(
    r"\byou(?:'d|\s+would|'ll|\s+will)\s+(?:just\s+|still\s+|also\s+|first\s+)?(?:need|have)"
    r"\s+to\b|\byou(?:'d|\s+would)\s+(?:probably\s+|really\s+)?want\b|\byou\s+just\s+(?:need|have)\s+to\b|\byou\s+(?:should|(?:may|might)\s+want\s+to)\s+"
    r"(?:just\s+|also\s+|still\s+)?(?!be\b|have\b|feel\b)\w+|\bjust\s+so\s+you\s+know\b"
    # steps put as a condition: "If you delete and reinstall the app, it'll ask you to…"
    r"|^\W*(?:(?:so|and|then|now|okay|ok)\W+)?if\s+you\s+(?!were|was|'re|are|had|have|'ve)\w+"
    r"|\b(?:take|raise)\s+(?:that"
    r"|it|this)\s+up\s+with\b",
    re.I,
)
# A situation judged for what it is: "… is grim", "… was awful", "… sounds miserable".
# (a plain regex: it is read only on the few sentences that get that far, and "'s" is no word
# start for the word gates)
_JUDGED = re.compile(
    r"(?:'s|\b(?:is|was|are|were|sounds|must\s+be|has\s+been))\s+(?:(?:so|really|very|just|pretty"
    r"|absolutely|genuinely|properly|truly|such)\s+)*(?:an?\s+)?" + EMOTION + r"\b",
    re.I,
)
JUDGED_OVERLAP = 2
_SECOND_PERSON = frozenset(
    {"you", "your", "you're", "you've", "you'd", "you'll", "yours", "yourself"}
)


# The customer as a person ("you", "you've"), not only their things ("your refund").
_YOU = frozenset({"you", "you're", "you've", "you'd", "you'll", "yourself"})


_EXPERIENCE_WORD = word_pattern(
    r"\b"
    + EMOTION
    + r"|\b(?:feel\w*|felt|depress\w*|anxi\w*|lonely|alone|happy|cry\w*|sleep\w*|hate"
    r"|love|scared|miserable|numb|empty|lost|stuck|waited|waiting|same|too|also|either)\b",
    re.I,
)


_CHECK_TAG = re.compile(
    r"\w[^?]{25,},\s*(?:is\s+that\s+(?:right|correct|it)|have\s+i\s+got\s+that\s+(?:right"
    r"|correct)|did\s+i\s+get\s+that\s+right|am\s+i\s+right|right|yeah|correct)\s*\?\s*$",
    re.I,
)


class _Facts(NamedTuple):
    """What one sentence shows on its own, before the customer's words are brought in."""

    apology: bool
    generic: bool
    discloses: bool
    shared_feeling: bool
    question: bool
    second_person: bool
    experience: bool


@lru_cache(maxsize=TEXT_CACHE)
def _facts(text: str) -> _Facts:
    # "Let me just check I understand: …" announces a restatement; it is not sympathy.
    unframed = without_check_frame(text)
    shared_feeling = _SHARED_FEELING.search(text) is not None
    discloses = _self_disclosure(text, unframed, shared_feeling)
    return _Facts(
        apology=_APOLOGY.search(text) is not None,
        generic=_GENERIC.search(unframed) is not None,
        discloses=discloses,
        shared_feeling=shared_feeling,
        # "…you're doing the school run in a car you can't close, is that right?" says their
        # situation and only checks it: a check tag does not make it a question
        question=text.rstrip().endswith("?") and _CHECK_TAG.search(text) is None,
        second_person=not _SECOND_PERSON.isdisjoint(word_tokens(text)),
        experience=discloses and _EXPERIENCE_WORD.search(text) is not None,
    )


def _specific(sentence: Span, turn: Turn, facts: _Facts, disclosures: int) -> bool:
    text = sentence.text
    if facts.shared_feeling:
        return True
    if facts.question:
        return False
    if facts.discloses:
        # Relates to the customer's topic, or to feelings.
        return (
            disclosures >= 2
            or bool(turn.context and content_stems(text) & turn.context_stems)
            or facts.experience
        )
    if not facts.second_person:
        # "Boiling kettles to bath a four-month-old in a fifteen-degree house is grim": their
        # situation, in their words, judged for what it is, without a "you"
        return bool(
            turn.context
            and _JUDGED.search(text)
            and len(content_stems(text) & turn.context_stems) >= JUDGED_OVERLAP
        )
    overlap = content_stems(text) & turn.context_stems if turn.context else set()
    # Read only for the sentences that get this far: most are settled before.
    if _INTERPRETIVE.search(text) is not None:
        return bool(overlap) or not turn.context
    if not facts.generic and _DIRECTIVE.search(text):
        # "You'd need to take that up with your bank": what they are to do, not what it means
        # for them, however many of their words it uses
        return False
    if _YOU.isdisjoint(word_tokens(text)) and informs(text, turn):
        # "Your refund for the flight was approved": news about their things, not their impact.
        return False
    # A feeling named together with details of the customer's own situation.
    return len(overlap) >= 3 or (facts.generic and len(overlap) >= 2)


def find(turn: Turn) -> list[MarkerHit]:
    hits: list[MarkerHit] = []
    facts = [_facts(sentence.text) for sentence in turn.sentences]
    disclosures = sum(f.discloses for f in facts)
    for sentence, fact in zip(turn.sentences, facts, strict=True):
        if fact.apology:
            hits.append(hit("apology", sentence))
        if set(escalation.markers_of(sentence.text)) & _SHIELDS:
            # "Like I say, the courtesy car starts when they take your car in": pointing back,
            # defending or calming, however much of their situation it repeats
            continue
        if _specific(sentence, turn, fact, disclosures):
            hits.append(hit("impact_named", sentence))
        elif fact.generic or (fact.discloses and not fact.question):
            # A personal aside that does not connect to the customer's situation is still a
            # human reaction, but not a specific one.
            hits.append(hit("generic_empathy", sentence))
    return hits
