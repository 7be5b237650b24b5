"""Customer language: leading with the customer's job, and cross-selling during service.

- customer_job_reference: the purpose the customer is trying to get done ("so you can get paid
  on Friday", "so your shop can take card payments again", "in time for your flight").
- cross_sell: an offer of an upgrade, another product or plan while solving a service issue.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import PatternGroup, word_pattern
from scorer.markers.text import TEXT_CACHE, Turn

_JOB = word_pattern(
    r"\bso\s+(?:that\s+)?(?:you(?:'re|\s+are)\s+(?:back|not\s+left|able|covered|ready|set"
    r"|in\s+time)|(?:you|your\s+\w+(?:\s+\w+)?)\s+(?:(?:can|could|will)\s+(?!not\b)\w+|'ll\s+\w+"
    r"|are\s+able\s+to|(?:won'?t|don'?t|do\s+not|will\s+not)\s+(?:have\s+to|miss|lose|need"
    r"|be\s+without|get\s+charged)|(?:are|'re)\s+(?:back|not\s+left|able|covered|ready|set"
    r"|in\s+time)))|\byou(?:'ll|\s+will)\s+be\s+able\s+to\s+\w+|\b(?:i|we|you|it)(?:'ll|\s+will"
    r"|\s+can|'re\s+going\s+to|\s+are\s+going\s+to)\b[^.!?]{0,60}\b(?:in\s+time\s+for|before)"
    r"\s+(?:your|the)\s+\w+"
    r"|\bget\s+you\s+(?:back\s+(?:online|up|on|to)|paid|connected|moving|on\s+your\s+way"
    r"|sorted\s+for)|\byou(?:'ll|\s+will)\s+(?:have|get)\s+(?:your|it|the\s+money"
    r"|access)\s+(?:\w+\s+){0,3}?(?:in\s+time|before|for\s+your|by)\b|\bso\s+(?:that\s+)?(?:your"
    r"|the)\s+(?:customers?|business|shop|store|team|staff|kids?|family|employees)\s+"
    # finding out what they need it for before answering: "what do you mostly use it for?"
    r"|\bwhat\s+(?:do|would|will)\s+you\s+(?:mostly\s+|mainly\s+|usually\s+|actually\s+|really\s+)?"
    r"(?:use|need|want)\s+"
    r"(?:it|them|the\s+\w+)\s+for\b|\bhow\s+(?:often|much)\s+do\s+you\s+(?:use|need|travel|send"
    r"|print|call|shop)\b|\bwhat\s+matters\s+most\s+to\s+you\b",
    re.I,
)
_PRODUCT = (
    r"(?:upgrade|premium|pro|plus|gold|platinum|unlimited|add-?on|bundle|package|plan|tier"
    r"|subscription|membership|insurance|protection|warranty|cover|card|account|deal|offer"
    r"|promotion|promo|package|version|service|feature|line|device|phone|model|loyalty|rewards)"
)
_CROSS_SELL = word_pattern(
    r"\b(?:would|might)\s+you\s+(?:be\s+interested|like\s+to\s+(?:hear|know|try|add|upgrade|switch"
    r"|consider)|want\s+to\s+(?:upgrade|add|switch|try))|\bare\s+you\s+interested\s+in\b"
    r"|\bhave\s+you\s+(?:considered|thought\s+about|heard\s+(?:about|of))\s+(?:our|upgrading|adding"
    r"|switching|the\s+\w+\s+" + _PRODUCT + r")|\b(?:you\s+(?:could|can|might\s+want\s+to|should)"
    r"|why\s+not|i\s+(?:can|could)|we\s+(?:can|could))\s+(?:also\s+)?(?:upgrade"
    r"|add\s+(?:on\s+)?(?:a|an|our|the)|switch\s+(?:you\s+)?to\s+(?:our|the|a)|bundle"
    r"|get\s+(?:you\s+)?(?:a|our|the)"
    r"\s+(?:\w+\s+)?" + _PRODUCT + r")"
    r"|\b(?:we|i)\s+(?:also\s+|do\s+)?(?:have|offer|'ve\s+got)\s+(?:a|an|our)\s+(?:\w+\s+){0,3}?"
    r"(?:plan|package|bundle|offer|deal|promotion|upgrade|add-?on"
    r"|tier|subscription|membership|insurance|protection|warranty|cover)\b|\b(?:special|exclusive"
    r"|limited[-\s]time)\s+(?:offer|deal|promotion|price)|\bfor\s+(?:just|only)\s+[$£€]?\d"
    r"|\bupgrade\s+(?:you|your\s+(?:plan|package|account|subscription|membership))\s+to\b"
    r"|\bit'?s\s+(?:only|just)\s+[$£€]?\d+(?:\.\d+)?\s+(?:more|extra|a\s+month)"
    r"|\b(?:are\s+you\s+aware\s+of|have\s+you\s+(?:looked\s+at|seen|come\s+across)|do\s+you\s+know"
    r"\s+about)\s+(?:our|the\s+new)\s+\w+"
    r"|\b(?:by\s+the\s+way|before\s+you\s+go|one\s+(?:more|last)\s+thing|while\s+you'?re\s+(?:here"
    r"|on))\b[^.!?]{0,80}\b(?:card|plan|package|membership|subscription|insurance|cover|railcard"
    r"|upgrade|offer|deal|discount|bundle|pass)\b"
    # a plan they do not have, put to them: "you're not on any of our homecare plans"
    r"|\b(?:you'?re|you\s+are)\s+not\s+on\s+"
    r"(?:any\s+of\s+)?our\s+(?:\w+\s+)?(?:plans?|cover|packages?|memberships?)\b"
    r"|\btake\s+advantage\s+of\b|\bwhile\s+(?:i'?ve\s+got|i\s+have|we\s+have|we'?ve\s+got)\s+you"
    r"(?:\s+on\s+the\s+(?:line|phone))?\b|\bour\s+(?:\w+\s+){0,3}?(?:plan|package|bundle"
    r"|upgrade|add-?on|tier|subscription|membership|insurance|protection|warranty|cover"
    r"|shield|care)\s+(?:would|could|will|can|also)\s+(?:have\s+)?(?:cover|protect|save"
    r"|include|give|get|stop|prevent)|\bit\s+(?:might|may|could)\s+be\s+worth\s+(?:upgrading"
    r"|adding|switching|looking\s+at\s+our)"
    # a named tier sold by what it adds: "our Growth plan adds Scheduled Sends", "did you know
    # you can switch to Gold Lite…"
    r"|\bour\s+(?:\w+\s+){0,2}?(?:plan|tier|package|bundle|edition|subscription|membership"
    r"|cover|policy)\s+(?:also\s+)?(?:adds|includes|gives|has|comes\s+with|offers|lets|unlocks"
    r"|covers)\b|\bdid\s+you\s+know\s+(?:that\s+)?you\s+(?:can|could)\s+(?:switch|upgrade|add|get"
    r"|move|try)\b|\b(?:you'?re|you\s+are)\s+(?:now\s+|also\s+)?(?:eligible|due)\s+for\s+(?:an?\s+)?"
    r"(?:\w+\s+)?(?:upgrade|new\s+(?:phone|handset|plan|contract|device))|\byou\s+qualify\s+for\s+"
    r"(?:an?\s+|our\s+)?(?:\w+\s+)?(?:upgrade|plan|offer|deal|discount)"
    # a product sold by what it would give them: "with a Premier account you get a fee-free
    # buffer", "customers on Fibre Max get priority", "with InkSmart, our ink subscription, you'd
    # never…", "are you signed up to our pipe cover plan", "our cover plan that covers…"
    r"|\bwith\s+(?:a|an|our)\s+(?:\w+\s+){1,2}(?:account|plan|membership|package|subscription|tier"
    r"|cover|card)\s+you(?:'d|\s+would|\s+get|'ll\s+get|\s+will\s+get)\b|\bcustomers\s+on\s+(?:our\s+)?"
    r"\w+(?:\s+\w+)?\s+(?:get|have|enjoy|never)\b|\bwith\s+\w+(?:\s+\w+)?,\s+our\s+(?:\w+\s+){0,2}"
    r"(?:subscription|plan|membership|service|cover)\b|\b(?:are\s+you|you'?re\s+not)\s+signed\s+up\s+"
    r"(?:to|for)\s+our\b|\bour\s+(?:\w+\s+){0,2}(?:plan|cover|subscription|membership)\s+(?:that|which)"
    r"\s+(?:covers|includes|gives|protects)\b"
    # a named product put to them as a question or a condition: "can I ask if you're a FanPass
    # Plus member?", "if you moved up to our Lifetime Complete cover", "if you take out DriveCare
    # today", "shall I send over the DriveCare quote?"
    r"|\b(?:ask\s+if\s+you'?re|are\s+you)\s+(?:already\s+)?an?\s+(?:(?-i:[A-Z])\w*\s+){1,3}member\b"
    r"|\bare\s+you\s+(?:already\s+)?a\s+member\s+of\s+our\b"
    r"|\b(?:move|moved|moving|go|went)\s+up\s+to\s+(?:our|the)\s+(?-i:[A-Z])"
    r"|\bif\s+you\s+(?:take\s+out|sign\s+up\s+(?:to|for)|join|buy|add)\s+(?:our\s+|the\s+)?(?-i:[A-Z])"
    r"|\bquote\s+for\s+(?:our\s+|the\s+)?(?-i:[A-Z])\w+|\bthe\s+(?-i:[A-Z])\w+\s+quote\b",
    re.I,
)
# A cross-sell frame that is really the fix ("upgrade your router firmware").
_FIX = re.compile(r"\b(?:firmware|software|driver|app\s+version|browser|update)\b", re.I)


# Most sentences open neither pattern: one test rules them out.
_MARKERS = PatternGroup(_JOB, _CROSS_SELL)


@lru_cache(maxsize=TEXT_CACHE)
def markers_of(text: str) -> tuple[str, ...]:
    """The customer-language markers of one sentence (they depend on nothing else)."""
    if not _MARKERS.may_match(text):
        return ()
    found: list[str] = []
    if _JOB.search(text):
        found.append("customer_job_reference")
    if _CROSS_SELL.search(text) and not _FIX.search(text):
        found.append("cross_sell")
    return tuple(found)


def selling_starts(text: str) -> int | None:
    """Where in `text` the cross-sell the marker reads starts ("…signed for this morning so
    while I've got you we do offer our cargo cover…"), if it reads one."""
    found = _CROSS_SELL.search(text)
    return found.start() if found is not None else None


def find(turn: Turn) -> list[MarkerHit]:
    return [hit(name, s) for s in turn.sentences for name in markers_of(s.text)]
