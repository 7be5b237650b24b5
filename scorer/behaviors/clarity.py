"""Weeks 7–8, Clarity.

`clarity` — every internal term or acronym translated into customer language.

    85 − 20 for each internal term left untranslated, at most three (`jargon`; office
       language such as "your application has been actioned" counts too, evidence
       `bureaucratic`): one or two are average, three are poor. Each term counts once,
       however often it is said; a term translated once (`jargon_explained`, in its sentence
       or the next: "…an excess of £250. That's the part of any claim you pay yourself")
       costs nothing where it comes again; a term the customer used first is their language,
       not jargon. With no internal terms at all the longest reply is cited as
       `plain_language`.
       Office wording with no stock phrase counts as well when the customer then asks what
       it means: the sentence with three formal words or more ("held pending the
       availability of a suitable plot"). Office language counts at most twice. In a call
       with no term found otherwise, a word of the agent's that the customer asks about
       ("sorry, what's a cat n?") counts as one untranslated term (speech-to-text writes
       acronyms in lower case).
    − 10  the customer then asks what a term means               evidence `customer_confused`
          (once per question, on the agent's term; the coaching quotes the question)
    ≥ 45  some terms translated and others not is a partial translation, average at worst,
          unless the agent answered "what does that mean?" with more untranslated terms
    −  5  each hedge ("I think", "probably"), at most four        (`hedge`)

`customer_language` — leads with the customer's job, not the product; no cross-sell during a
service call.

    starts at 45
    + 25  talks about what the customer is trying to get done     (`customer_job_reference`)
    + 15  … and leads with it, in the first two replies
    − 10  the first real reply leads with an internal term        evidence `product_led`
          (without a job reference the first real reply is cited as `no_customer_job`)
    − 35  each cross-sell, at most two (`cross_sell`, and a bigger plan or an upgrade
          named by the agent); an option the customer asked about is an answer, not a
          cross-sell; "so you can…"/"you want her to…" in the customer's words counts as
          talking about their job
          and an offer with a price per period or a recommendation that the customer then
          turned down ("I don't need an overdraft")
    ≥ 40  when nothing is sold: poor is for selling during service, a product-led answer is
          average at worst
"""

from __future__ import annotations

import re

from scorer.coaching import said_back, their_facts
from scorer.conversation import HISTORY_WINDOW, Conversation
from scorer.markers import MarkerHit
from scorer.markers.clarity import internal_terms
from scorer.markers.service import selling_starts
from scorer.markers.text import Turn, split_sentences
from scorer.report import BehaviorResult, Evidence
from scorer.text import content_words, sentence_at, sentence_texts, snippet, word_count

_CONFUSED = re.compile(
    r"\b(?:confus\w*|(?:so |sorry,? )?what does (?:that|this|it|all that) mean|you'?ve lost me|"
    r"(?:i'?m |i am )?(?:completely |totally )?lost\b|i (?:don't|do not) get (?:it|that|what)|"
    r"sorry,? what\?|meaning what|which means what|none the wiser|"
    r"(?:don't|do not) know what (?:\w+ ){0,3}(?:means|mean)|"
    r"what (?:does|do|is|'s|are) (?:a |an |the |that |this )?[\w\s-]{0,30}? ?mean|"
    r"what(?:'s| is) (?:a|an|that|this)\b[^?]{0,30}\?|"
    r"i (?:don't|do not) (?:really |quite |fully )?(?:understand|follow)|"
    r"no idea what|in (?:plain )?english|in plain (?:terms|language)|speak english|"
    r"what are you talking about|you lost me)",
    re.IGNORECASE,
)


UNTRANSLATED_COST = 20
# Office language the customer has to translate: "your application has been actioned".
_BUREAUCRATIC = re.compile(
    r"\b(?:please be advised|kindly be advised|be informed that|has been actioned|actioned|pursuant"
    r" to|in accordance with|pending (?:issuance|review|determination|adjudication)|herewith|the"
    r" aforementioned|hereby|as per (?:our|the) (?:policy|terms|procedure)|we regret to inform you"
    r"|at this juncture|in due course|the relevant department)\b",
    re.IGNORECASE,
)


# A formal word: a long nominalisation or an officialese word ("accordance", "availability",
# "relinquishment", "oversubscription", "statutory").
_FORMAL_WORD = re.compile(
    r"\b(?:\w{3,}(?:tion|sion|ment|ance|ence|ancy|ency|ity|ities|ory|isation|ization)s?|pursuant"
    r"|hereby|thereof|whereby|herewith|upon|aforementioned|statutory|criteria|criterion"
    r"|eligib\w+|relinquish\w*|notwithstanding|henceforth|forthwith|pending|deemed)\b",
    re.IGNORECASE,
)
FORMAL_WORDS = 3
# Office language alone makes a call average at worst (the customer can still ask).
BUREAUCRATIC_AT_MOST = 2
PARTIAL_FLOOR = 45.0
NOTHING_SOLD_FLOOR = 40.0
MID_SERVICE_PITCH_CAP = 35.0
ACK_WORDS = 4


def _asked_about(
    conv: Conversation, term: str, since: tuple[int, MarkerHit, Evidence], now: int
) -> bool:
    """Whether the customer asked what something meant between the term's first use and now."""
    return any(
        _confused_by(conv.turns[i].text, term) for i in conv.customer_turns if since[0] < i < now
    )


# The customer asking what the term itself is: "What's ADR?", "I don't know what a DPC is".
_ASKS_MEANING = re.compile(r"\b(?:what(?:'s| is| are| does| do)|know what|meaning of)\b", re.I)


# "What's a cat n?", "what does nomination mean?", "what is the spine?": the term asked about.
_WHAT_TERM = re.compile(
    r"\bwhat(?:'s|\s+is|\s+are)\s+(?:an?\s+|the\s+|that\s+|this\s+)?(?P<a>[a-z][\w-]*(?:\s+[a-z0-9]"
    r"[\w-]*){0,2}?)\s*(?:\?|$)|\bwhat\s+(?:does|do)\s+(?:an?\s+|the\s+)?(?P<b>[a-z][\w-]*(?:\s+[a-z0-9]"
    r"[\w-]*){0,2}?)\s+mean\b",
    re.I,
)
# "What's that?", "what's the problem?": not a term.
_NOT_A_TERM = frozenset(
    (
        *("that", "this", "it", "happening", "going", "wrong", "problem", "issue"),
        *("difference", "point", "plan", "next", "option", "options", "matter", "deal"),
        *("time", "date", "number", "price", "cost", "total", "reason", "catch"),
    )
)


def _asked_term(text: str) -> str | None:
    found = _WHAT_TERM.search(text)
    if found is None:
        return None
    term = (found.group("a") or found.group("b") or "").lower().strip()
    if not term or term.split()[-1] in _NOT_A_TERM or term.split()[0] in _NOT_A_TERM:
        return None
    return term


def _confused_by(text: str, term: str) -> bool:
    if _CONFUSED.search(text):
        return True
    return term.lower() in text.lower() and _ASKS_MEANING.search(text) is not None


def _customers_word(conv: Conversation, turn: int, term: str) -> bool:
    lowered = term.lower()
    return any(lowered in conv.turns[i].text.lower() for i in conv.customer_turns if i < turn)


def clarity(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns:
        return BehaviorResult.not_applicable("The agent said nothing to judge for clarity.")
    evidence: list[Evidence] = []
    used = 0
    untranslated: list[tuple[int, MarkerHit]] = []
    glossary = dict(conv.transcript.glossary) or None
    explained_terms: set[str] = set()
    counted: set[str] = set()
    terms: list[str] = []
    jargon_turns: set[int] = set()  # turns that use a term still untranslated
    first_said: dict[str, tuple[int, MarkerHit, Evidence]] = {}
    for turn in conv.agent_turns:
        spoken = Turn.of(conv.turns[turn].text, glossary=glossary)
        for term, start, explained in internal_terms(spoken):
            key = term.lower()
            sentence = spoken.sentence_at(start)
            if explained:
                if key in counted and not _asked_about(conv, key, first_said[key], turn):
                    # Translated later of the agent's own accord, before the customer had to
                    # ask: the customer got the meaning, so the first use costs nothing.
                    where = first_said.pop(key)
                    counted.discard(key)
                    terms.remove(next(t for t in terms if t.lower() == key))
                    untranslated[:] = [pair for pair in untranslated if pair[1] is not where[1]]
                    evidence[:] = [e for e in evidence if e is not where[2]]
                    used -= 1
                if key not in explained_terms and key not in counted:
                    used += 1
                    evidence.append(conv.evidence(turn, sentence.text, "jargon_explained", "+"))
                explained_terms.add(key)
                continue
            # Once translated, or once counted, a term costs nothing more: the customer now
            # knows it, or it is already one untranslated term. The customer's own word ("PIN")
            # is their language already.
            if key in explained_terms or _customers_word(conv, turn, term):
                continue
            jargon_turns.add(turn)
            if key in counted:
                continue
            used += 1
            counted.add(key)
            terms.append(term)
            item = MarkerHit("jargon", sentence.text, sentence.start)
            cited = conv.evidence(turn, sentence.text, "jargon", "-")
            untranslated.append((turn, item))
            evidence.append(cited)
            first_said[key] = (turn, item, cited)
    # In a call that otherwise reads as plain, a word of the agent's the customer had to ask
    # about ("sorry, what's a cat n?", "what does nomination mean?") was internal to them,
    # whatever it looks like (speech-to-text writes acronyms in lower case).
    for reply in conv.customer_turns if not untranslated else ():
        said = conv.previous_other[reply]
        asked = _asked_term(conv.turns[reply].text)
        if said is None or asked is None or asked in counted or asked in explained_terms:
            continue
        agent_text = conv.turns[said].text
        position = agent_text.lower().find(asked)
        if position < 0 or _customers_word(conv, said, asked):
            continue
        quoted = sentence_at(agent_text, position)
        used += 1
        counted.add(asked)
        terms.append(asked)
        jargon_turns.add(said)
        untranslated.append((said, MarkerHit("jargon", quoted, max(agent_text.find(quoted), 0))))
        evidence.append(conv.evidence(said, quoted, "jargon", "-"))
    untranslated.sort(key=lambda pair: (pair[0], pair[1].start))
    # One untranslated term in a plain call is average; three or more are poor.
    bureaucratic = [
        (turn, MarkerHit("bureaucratic", found.group(0), found.start()))
        for turn in conv.agent_turns
        for found in _BUREAUCRATIC.finditer(conv.turns[turn].text)
    ]
    # Office language with no stock phrase, found by what it did: a sentence thick with formal
    # words ("held pending the availability of a suitable plot") that the customer then asked
    # about.
    marked = {turn for turn, _ in untranslated} | {turn for turn, _ in bureaucratic}
    for turn in conv.agent_turns:
        reply = turn + 1
        if turn in marked or reply >= len(conv.turns) or conv.turns[reply].speaker != "customer":
            continue
        if not _CONFUSED.search(conv.turns[reply].text):
            continue
        formal = max(
            split_sentences(conv.turns[turn].text),
            key=lambda sentence: len(_FORMAL_WORD.findall(sentence.text)),
            default=None,
        )
        if formal is not None and len(_FORMAL_WORD.findall(formal.text)) >= FORMAL_WORDS:
            bureaucratic.append((turn, MarkerHit("bureaucratic", formal.text, formal.start)))
    phrases: set[str] = set()
    for turn, item in bureaucratic:
        if item.quote.lower() in phrases or len(phrases) == BUREAUCRATIC_AT_MOST:
            continue  # the same office phrase again is the same unclear wording
        phrases.add(item.quote.lower())
        untranslated.append((turn, item))
        evidence.append(conv.hit_evidence(turn, item, "-"))
    score = 85.0 - UNTRANSLATED_COST * min(3, len(untranslated))

    if not used:
        plain = max(conv.agent_turns, key=lambda i: conv.word_counts[i])
        evidence.append(conv.evidence(plain, "", "plain_language", "+"))
    confusion = ""
    lost: set[int] = set()  # one customer question costs once, however many terms it follows
    for turn, item in untranslated:
        reply = turn + 1
        if reply in lost:
            continue
        if reply < len(conv.turns) and conv.turns[reply].speaker == "customer":
            text = conv.turns[reply].text
            confused = _CONFUSED.search(text) or (
                _ASKS_MEANING.search(text) if any(_confused_by(text, t) for t in terms) else None
            )
            if confused:
                # The verdict is about the agent: cite the term that lost the customer.
                lost.add(reply)
                score -= 10
                evidence.append(conv.evidence(turn, item.quote, "customer_confused", "-"))
                confusion = confusion or confused.group(0)
    # Some terms put into the customer's words and others not is a partial translation:
    # average at worst, unless the agent answered the customer's "what does that mean?" with
    # more untranslated terms.
    jargon_turns |= {turn for turn, _ in bureaucratic}
    ignored = any(conv.next_agent(reply) in jargon_turns for reply in lost)
    if explained_terms and not ignored:
        score = max(score, PARTIAL_FLOOR)
    hedges = conv.marker_hits("hedge")
    score -= 5 * min(4, len(hedges))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in hedges[:4]]
    if untranslated:
        term = terms[0] if terms else untranslated[0][1].quote
        coaching = (
            f'Translate "{term}" the moment you say it: "{term} — that means …", or say the '
            "plain-language version instead."
            + (f' The customer had to ask: "{confusion}".' if confusion else "")
        )
    elif hedges:
        coaching = (
            f'Say it plainly: replace "{hedges[0][1].quote}" with what you know and what you '
            "will check."
        )
    elif used:
        coaching = "Every internal term came with a plain-language translation. Keep doing that."
    else:
        coaching = (
            "You spoke in the customer's words without internal terms. When you must use one, "
            "translate it on the spot: \"a chargeback — that's us asking your bank for the money "
            'back".'
        )
    return BehaviorResult.scored(score, evidence, coaching)


# The agent putting the customer's goal in words: "you want her to use her phone normally",
# "so you can get the pack to the board", "without a surprise bill".
_GOAL_FRAME = re.compile(
    r"\b(?:so\s+(?:that\s+)?(?:you|she|he|they|your\s+\w+)(?:'re|\s+are|\s+aren'?t)?\s+(?:can"
    r"|could|will|won'?t|don'?t|not|never|able)"
    r"|(?:you|she|he|they)\s+(?:want|need|needs|wants|would\s+like)\s+(?:to|her|him|them|it|the|a)"
    r"|you'?re\s+(?:trying|hoping|looking)\s+to|in\s+time\s+for|without\s+(?:a|any|another)"
    r"|what\s+matters\s+(?:to\s+you|here)|the\s+(?:goal|point|job|aim|idea)\s+is"
    # their plan taken up as it stands: "a month of working from a campsite is very doable"
    r"|(?:is|'s|are|sounds)\s+(?:very\s+|totally\s+|definitely\s+|perfectly\s+|really\s+|quite\s+)?"
    r"(?:doable|possible|achievable|manageable|workable"
    r"|a\s+(?:good|great|lovely|sensible)\s+(?:idea|plan)))\b",
    re.IGNORECASE,
)
# The outcome for them, not the feature: "she'll never have to pick up a stranger's call".
_OUTCOME_FRAME = re.compile(
    r"\b(?:(?:you|she|he|they)(?:'ll|\s+will)\s+never\s+have\s+to|(?:you|she|he|they)\s+won'?t"
    r"\s+have\s+to|make\s+sure\s+(?:that\s+)?(?:only\s+)?(?:you|she|he|they|your|her|his|their"
    r"|people)|so\s+that\s+only)\b",
    re.IGNORECASE,
)


def _the_pitch(quote: str) -> str:
    """The words of a cross-sell to quote in coaching: the sentence, or, in a long run of
    speech, the stretch from where the selling starts."""
    if word_count(quote) <= 2 * SNIPPET_WORDS:
        return quote
    start = selling_starts(quote)
    if start is None and (pitch := _PITCH.search(quote)) is not None:
        start = pitch.start()
    return snippet(quote[start or 0 :], SNIPPET_WORDS)


SNIPPET_WORDS = 12


def _opens_reply(text: str, start: int) -> bool:
    """Whether the sentence at `start` opens the reply: before it only a greeting or an
    acknowledgement of a few words ("Hi Priyanka.", "Right, okay.")."""
    return all(word_count(s) <= ACK_WORDS for s in sentence_texts(text[:start]))


def _goal_restated(conv: Conversation) -> list[tuple[int, MarkerHit]]:
    """Agent sentences that frame the customer's goal in words the customer used (the first
    such sentence of a turn)."""
    found: list[tuple[int, MarkerHit]] = []
    framed = sorted(conv.agent_sentences(_GOAL_FRAME) + conv.agent_sentences(_OUTCOME_FRAME))
    for turn, start, sentence in framed:
        heard = conv.words_of(conv.before(conv.customer_turns, turn, HISTORY_WINDOW))
        needed = 1 if _OUTCOME_FRAME.search(sentence) else 2
        if len(content_words(sentence) & heard) >= needed and (not found or found[-1][0] != turn):
            found.append((turn, MarkerHit("customer_job_reference", sentence, start)))
    return found


# A higher tier or an upgrade named by the agent: on a service call, a pitch unless asked for.
_PITCH = re.compile(
    r"\b(?:(?:enterprise|premium|pro|plus|business|gold|platinum|unlimited|family|max|ultra)"
    r"\s+(?:plan|tier|package|edition|subscription|bundle|membership|account)|upgrad(?:e|ed|ing)"
    r"\s+(?:to|your|you)|(?:move|switch|moving|switching)\s+(?:you\s+)?(?:up\s+)?to\s+(?:the|our)"
    r"\s+\w+\s+(?:plan|tier|package))\b",
    re.IGNORECASE,
)


def _pitches(conv: Conversation) -> list[tuple[int, MarkerHit]]:
    """Agent sentences that put a bigger product in front of the customer, and offers with a
    price or a recommendation that the customer then turned down ("It's twelve pounds a month
    but…" → "I don't need an overdraft"): selling they did not ask for."""
    found = [
        (turn, MarkerHit("cross_sell", sentence, start))
        for turn, start, sentence in conv.agent_sentences(_PITCH)
        if not _STEERS_AWAY.search(sentence)
    ]
    for turn, start, sentence in conv.agent_sentences(_OFFERED):
        answer = turn + 1
        if (
            answer < len(conv.turns)
            and conv.turns[answer].speaker == "customer"
            and _TURNED_DOWN.search(conv.turns[answer].text)
            and not _STEERS_AWAY.search(sentence)
        ):
            found.append((turn, MarkerHit("cross_sell", sentence, start)))
    return found


# An offer with a price per period, a recommendation or a product put forward.
_OFFERED = re.compile(
    r"(?:[$£€]\s?\d+(?:\.\d+)?|\b\w+\s+(?:pounds|dollars|euros|quid|bucks))\s*(?:a|per|/)\s*(?:month"
    r"|year|week|mo)\b|\b(?:what\s+)?i'?d\s+recommend\b|\bhave\s+you\s+(?:thought\s+about|considered"
    r"|tried)\b|\bthe\s+quickest\s+way\s+to\s+\w+(?:\s+\w+)?\s+is\s+(?:actually\s+)?our\b"
    r"|\bi\s+can\s+(?:set\s+up|sign\s+you\s+up\s+for|add)\s+(?:the|a|your)\s+free\s+(?:month|trial)",
    re.IGNORECASE,
)
# The customer turning the offer down: "I don't want a subscription", "No, the client…".
_TURNED_DOWN = re.compile(
    r"^\W*no\b|\bi\s+(?:don'?t|do\s+not)\s+(?:want|need)\b|\bno\s+thanks?\b|\bnot\s+interested\b"
    r"|\bi\s+(?:just|only)\s+(?:want|need)\b",
    re.IGNORECASE,
)


# "…but I wouldn't go that way", "you don't need the bigger plan": advice against buying more.
_STEERS_AWAY = re.compile(
    r"\b(?:wouldn'?t|would\s+not|don'?t\s+need|do\s+not\s+need|no\s+need|not\s+worth|cost\s+you"
    r"\s+more|instead\s+of)\b",
    re.IGNORECASE,
)


def _asked_for(conv: Conversation, turn: int, item: MarkerHit) -> bool:
    """The customer asked about this option ("is there a plan for that?", "what about the
    add-on?"): offering it answers them, it is not a cross-sell."""
    offered = {word for word in content_words(item.quote) if not word[:1].isdigit()}
    for earlier in conv.before(conv.customer_turns, turn, HISTORY_WINDOW):
        text = conv.turns[earlier].text
        # "What are my options?" asks for the options of the matter in hand, answered in the
        # next reply; it does not open the door to whatever else is for sale later.
        if _ASKS_OPTIONS.search(text) and conv.next_agent(earlier) == turn:
            return True
        # A question of theirs about the same thing (its own words, not a price or a date).
        questions = [s for s in sentence_texts(text) if s.rstrip("\"'’”) ").endswith("?")]
        if any(len(offered & content_words(question)) >= 2 for question in questions):
            return True
    return False


_ASKS_OPTIONS = re.compile(
    r"\b(?:what\s+(?:do\s+i|should\s+i|can\s+i|are\s+my)\s+(?:need\s+to\s+do|do|options)"
    r"|is\s+there\s+(?:a|an|any)\s+(?:plan|option|package|add-?on|bundle|cheaper|better)"
    r"|which\s+(?:plan|option|package)|what\s+(?:plans?|options?|packages?)\s+(?:do|are|is)"
    r"|(?:upgrade|switch|change)\s+(?:my|our)\s+(?:plan|package|tariff))\b",
    re.IGNORECASE,
)


def customer_language(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns:
        return BehaviorResult.not_applicable("The agent said nothing to judge.")
    score = 45.0
    evidence: list[Evidence] = []
    first_replies = [i for i in conv.agent_turns if conv.word_counts[i] >= 8][:2]
    jobs = sorted(conv.marker_hits("customer_job_reference") + _goal_restated(conv))
    # Their situation said back in their words, first thing: the answer starts from their job.
    jobs += [
        (t, h._replace(marker="customer_job_reference"))
        for t, h in conv.grounded_paraphrases
        if first_replies
        and t == first_replies[0]
        and not (jobs and jobs[0][0] <= t)
        and _opens_reply(conv.turns[t].text, h.start)
    ][:1]
    jobs.sort()
    if jobs:
        score += 25
        evidence.append(conv.hit_evidence(*jobs[0], "+"))
        if first_replies and jobs[0][0] <= first_replies[-1]:
            score += 15
    if first_replies:
        opening = first_replies[0]
        hits = conv.hits.get(opening, ())
        first_job = min(
            (h.start for h in hits if h.marker == "customer_job_reference"), default=None
        )
        jargon = [h for h in hits if h.marker == "jargon"]
        if jargon and (first_job is None or jargon[0].start < first_job):
            score -= 10
            evidence.append(conv.evidence(opening, jargon[0].quote, "product_led", "-"))
    if not jobs:
        opening_turn = first_replies[0] if first_replies else conv.agent_turns[0]
        evidence.append(conv.evidence(opening_turn, "", "no_customer_job", "-"))
    cross = [
        (t, h)
        for t, h in sorted(conv.marker_hits("cross_sell") + _pitches(conv))
        if not _asked_for(conv, t, h)
    ]
    cross = [pair for i, pair in enumerate(cross) if i == 0 or pair[0] != cross[i - 1][0]]
    score -= 35 * min(2, len(cross))
    if cross and any(
        conv.fix_position(later) is not None for later in conv.agent_turns if later > cross[0][0]
    ):
        # sold before the service was done: the customer's matter waited on the pitch
        score = min(score, MID_SERVICE_PITCH_CAP)
    if not cross:
        # Poor is for selling during service; a product-led answer that sells nothing is
        # average at worst.
        score = max(score, NOTHING_SOLD_FLOOR)
    evidence += [conv.hit_evidence(t, h, "-") for t, h in cross[:3]]
    if cross:
        coaching = (
            f'Leave out "{_the_pitch(cross[0][1].quote)}" on a service call; finish solving the '
            "problem and talk about what the customer needs to get done."
        )
    elif not jobs:
        facts = their_facts(conv)
        goal = snippet(said_back(facts), 16) if facts else "…"
        coaching = (
            "Lead with what the customer is trying to get done, not the product"
            + (f': they told you "{snippet(facts, 24)}"' if facts else "")
            + f'. Start from that: "So {goal} — here is what I\'ll do about that: …"'
        )
    else:
        coaching = (
            "You framed the answer around what the customer is trying to do. Keep leading with "
            "their goal before any product detail."
        )
    return BehaviorResult.scored(score, evidence, coaching)
