"""Weeks 5–6, Composure.

`tone_calibration` — when the customer speeds up, slows down; no defensive "if you let me
explain". Pace is words per minute when the call is timed, else words per turn. The customer
speeds up when a turn runs at least 25 % above their median of the previous five turns, or
at 240 wpm or faster (12 words or more) whatever their usual pace; the agent's reply is then
compared with the agent's own median of their previous five turns:

    100  slowed down (≤ 95 % of their usual pace)                 evidence `slowed_down`
     55  held their usual pace (≤ 115 %)                          evidence `held_pace`
     25  sped up with the customer                                evidence `sped_up`
         (a held pace that is already calm, ≤ 138 wpm after a pause of 1.5 s or more, while
         the customer goes 1.6 times as fast or more, counts as slowed down)
         the mean over all such moments (80 when the customer escalated but never sped up;
         the reply to the first heated turn is cited as `even_pace`)
    − 15  the first defensive line, − 25 each further one, at most three (marker `defensive`, and
          "as I've explained" said to a heated customer);
          one defensive line caps the score at 60 (average), two at 30 (poor)
    "calm down" in any wording caps it at 20                      (`told_to_calm_down`)
    − 20  each reply to a heated turn that cuts in or comes within 0.3 s, at most two
          (evidence `rushed_reply`)

Applicable when the customer sped up or escalated, or the agent got defensive.

A chat without timings has no pace: each heated message is answered well in short sentences
(mean ≤ 14 words: 100, evidence `short_sentences`; ≤ 20: 55; longer: 25, `long_sentences`).

`self_regulation` — same engagement in call 17 as in call 1: no filler-only, clipped or
disengaged turns. Within one call (the trend across a day is the history view's job):

    starts at 100
    − 15  each filler-only turn ("ok", "mhm", "um, yeah")        evidence `filler_only`
    − 12  each clipped turn: three words or fewer answering a question or a long turn
    − 20  each disengaged turn ("not my department", "nothing I can do", "whatever", or "like I
          said" in a reply under eight words)
    − 10  more for each of those that came after a pause over 2.5 s, or that answered the
          customer raising a worry ("will I lose the export payments?")
    − 15  when two or more filler-only or disengaged turns make up half the replies or more
    at most 65 (average) with two filler-only, clipped or disengaged turns or more
    − 15  each reply that repeats an earlier reply in its words   evidence `copied_reply`
    − 20  most replies five words or fewer to a customer who says more  `terse_replies`
    − 20  response gaps growing to 4 s and more through the call  evidence `slowing_replies`
    at most 35 (poor) with one such empty turn or more in a call whose replies are pasted or
          slow down: the call drifting away, not a dip
    − 30  the customer left a call of four replies or fewer      evidence `customer_left`
    − up to 25 when the second half of the call has far shorter turns than the first
           (evidence `engagement_drop`)
"""

from __future__ import annotations

import re
from statistics import median

from scorer.conversation import Conversation
from scorer.markers.patterns import word_pattern
from scorer.report import BehaviorResult, Effect, Evidence
from scorer.text import content_words, sentence_texts, word_count, words

PACE_WINDOW = 5
TERSE_WORDS = 5
RUSHED_GAP_S = 0.3
LATE_GAP_S = 2.5
SHORT_SENTENCES = 14  # words per sentence in a written reply to a heated message
LONG_SENTENCES = 20
COPY_WINDOW = 12
SHORT_REFERENCE_WORDS = 8  # earlier replies compared for a copied line
SLOW_GAP_S = 4.0
TWO_EMPTY_CAP = 65.0
DRIFTING_CAP = 35.0
SPEED_UP = 1.25
SLOWED = 0.95
HELD = 1.15
# A held pace counts as slowed when it is already calm (≤ 138 wpm, 2.3 words a second), the
# customer goes at least 1.6 times as fast, and the agent paused 1.5 s or more first.
CALM_WPM = 138.0
CALM_CONTRAST = 1.6
CALM_GAP_S = 1.5
# A customer at 240 wpm (4 words a second) or faster is hurried whatever their own usual pace:
# one who is fast from the first word never "speeds up" against their baseline.
HURRIED_WPM = 240.0
HURRIED_WORDS = 12  # a short line ("aye go on then") has no pace to read

_FILLER_WORDS_TEXT = """
    ok okay k mhm mm hm hmm mmhm uh um er erm ah uhhuh uh-huh huh yeah yep right sure alright aha oh
    so well like see gotcha cool fine
"""
FILLER_WORDS = frozenset(_FILLER_WORDS_TEXT.split())
_DISENGAGED = word_pattern(
    r"\b(?:i (?:don't|dont|do not) know|no idea|not my (?:department|problem|job|fault)|"
    r"nothing (?:i|we) can do|(?:i|we) can(?:'t|not) help (?:you|with that)|whatever|"
    r"it is what it is|that's just how it is|that's (?:the|our) policy|"
    r"you(?:'ll| will)? (?:have|need) to call (?:someone|somebody|another|the other)|"
    r"i just work here|not much i can do|can't do anything)\b",
    re.IGNORECASE,
)


# A customer turn that raises a worry or asks what happens to them.
_RAISES_WORRY = re.compile(
    r"\b(?:worr\w*|concern\w*|afraid|scared|nervous|anxious|what if|what happens|will i lose"
    r"|do i lose|am i going to lose|lose|losing|miss|missing|take (?:a|the) day off|time off"
    r"|can'?t afford)\b",
    re.IGNORECASE,
)


def _baseline(conv: Conversation, earlier: list[int]) -> float | None:
    paces = [p for p in (conv.pace(i) for i in earlier[-PACE_WINDOW:]) if p is not None]
    return median(paces) if paces else None


def tone_calibration(conv: Conversation) -> BehaviorResult:
    moments: list[float] = []
    evidence: list[Evidence] = []
    sped_up_quote = ""
    spoken = conv.pace_unit == "wpm"
    markers = _SPOKEN if spoken else _WRITTEN
    for reply, verdict in _spoken_moments(conv) if spoken else _written_moments(conv):
        value, effect = _VERDICTS[verdict]
        moments.append(value)
        item = conv.evidence(reply, "", markers[verdict], effect)
        if verdict == "faster":
            sped_up_quote = sped_up_quote or item.quote
        evidence.append(item)
    defensive = conv.marker_hits("defensive")
    # "As I've explained…" said to a heated customer is a shield as well.
    heated_replies = {conv.next_agent(i) for i in conv.escalated_turns}
    defensive += [(t, h) for t, h in conv.marker_hits("repeat_reference") if t in heated_replies]
    defensive.sort(key=lambda pair: (pair[0], pair[1].start))
    if (
        not moments
        and not defensive
        and not conv.escalated_turns
        and not conv.marker_hits("told_to_calm_down")
    ):
        return BehaviorResult.not_applicable(
            "The customer never sped up or escalated, so tone calibration was not tested."
        )
    score = sum(moments) / len(moments) if moments else 80.0
    if not moments and not defensive and conv.escalated_turns:
        heated = conv.escalated_turns[0]
        answer = conv.next_agent(heated)
        evidence.append(
            conv.evidence(answer, "", "even_pace", "+")
            if answer is not None
            else conv.evidence(heated, "", "customer_escalated", "-")
        )
    # The first defensive line costs 15 (a slip the call recovers from), each further one 25.
    if defensive:
        score -= 15 + 25 * (min(3, len(defensive)) - 1)
    evidence += [conv.hit_evidence(t, h, "-") for t, h in defensive[:4]]
    if defensive:  # one defensive line keeps it from good, two make it poor
        score = min(score, 60.0 if len(defensive) == 1 else 30.0)
    calm_down = conv.marker_hits("told_to_calm_down")
    if calm_down:
        score = min(score, 20.0)
        evidence += [conv.hit_evidence(t, h, "-") for t, h in calm_down[:2]]
    rushed = _rushed_replies(conv)
    if rushed:
        score -= 20 * min(2, len(rushed))
        evidence += [conv.evidence(i, "", "rushed_reply", "-") for i in rushed[:3]]
    unit = conv.pace_unit
    if defensive:
        coaching = (
            f'Drop "{defensive[0][1].quote}". Slow down and acknowledge instead: '
            '"You\'re right to push on this — let me go through it step by step."'
        )
    elif sped_up_quote:
        coaching = (
            f"When the customer sped up you sped up too ({unit}). Answer with shorter sentences "
            "and a slower pace, one point at a time, instead of matching their speed."
        )
    elif not moments:
        coaching = (
            "The customer was heated but never sped up; keep your pace even and your "
            "sentences short when they do."
        )
    else:
        coaching = (
            "When the customer sped up you slowed down. Keep lowering your pace and "
            "tightening your sentences as their pace rises."
        )
    return BehaviorResult.scored(score, evidence, coaching)


def _question_before(conv: Conversation, evidence: list[Evidence]) -> tuple[str, str]:
    """The first flagged reply that answered a customer question, with that question."""
    for item in evidence:
        asked = conv.previous_other[item.turn] if item.effect == "-" else None
        if asked is not None:
            questions = [s for s in sentence_texts(conv.turns[asked].text) if s.endswith("?")]
            if questions:
                return item.quote, questions[-1]
    return "", ""


_VERDICTS: dict[str, tuple[float, Effect]] = {
    "slower": (100.0, "+"),
    "held": (55.0, "+"),
    "faster": (25.0, "-"),
}
_SPOKEN = {"slower": "slowed_down", "held": "held_pace", "faster": "sped_up"}
_WRITTEN = {"slower": "short_sentences", "held": "held_pace", "faster": "long_sentences"}


def _spoken_moments(conv: Conversation) -> list[tuple[int, str]]:
    """(agent reply, verdict) each time the customer sped up: the reply's pace against the
    agent's own usual pace."""
    found: list[tuple[int, str]] = []
    customer_seen: list[int] = []
    agent_seen: list[int] = []
    minimum_rise = 25.0 if conv.pace_unit == "wpm" else 8.0
    for index in range(len(conv.turns)):
        if conv.turns[index].speaker == "agent":
            agent_seen.append(index)
            continue
        usual = _baseline(conv, customer_seen)
        pace = conv.pace(index)
        customer_seen.append(index)
        if pace is None:
            continue
        rose = usual is not None and pace >= max(usual * SPEED_UP, usual + minimum_rise)
        hurried = pace >= HURRIED_WPM and conv.word_counts[index] >= HURRIED_WORDS
        if not rose and not hurried:
            continue
        reply = conv.next_agent(index)
        agent_usual = _baseline(conv, agent_seen)
        reply_pace = conv.pace(reply) if reply is not None else None
        if reply is None or agent_usual is None or reply_pace is None or agent_usual <= 0:
            continue
        ratio = reply_pace / agent_usual
        verdict = "slower" if ratio <= SLOWED else "held" if ratio <= HELD else "faster"
        gap = conv.agent_gaps.get(reply)
        if (
            verdict == "held"
            and reply_pace <= CALM_WPM
            and reply_pace * CALM_CONTRAST <= pace
            and (gap or 0.0) >= CALM_GAP_S
        ):
            # Already at a calm pace, after a pause, against a customer going far faster: the
            # agent holds the calm the customer lost, which is what slowing down is for.
            verdict = "slower"
        found.append((reply, verdict))
    return found


def _written_moments(conv: Conversation) -> list[tuple[int, str]]:
    """(agent reply, verdict) for each heated message of a chat: a chat has no pace to hear,
    and short, plain sentences are the written way of slowing down, however long the reply."""
    found: list[tuple[int, str]] = []
    for heated in conv.escalated_turns:
        reply = conv.next_agent(heated)
        if reply is None or any(reply == seen for seen, _ in found):
            continue
        length = _sentence_length(conv.turns[reply].text)
        verdict = (
            "slower"
            if length <= SHORT_SENTENCES
            else "held"
            if length <= LONG_SENTENCES
            else "faster"
        )
        found.append((reply, verdict))
    return found


def _sentence_length(text: str) -> float:
    """Mean words per sentence."""
    counts = [word_count(sentence) for sentence in sentence_texts(text)]
    counts = [count for count in counts if count]
    return sum(counts) / len(counts) if counts else 0.0


def _rushed_replies(conv: Conversation) -> list[int]:
    """Agent replies to a heated customer turn that cut in or come within RUSHED_GAP_S: the
    agent matching the customer's speed instead of slowing it."""
    rushed: list[int] = []
    for heated in conv.escalated_turns:
        reply = conv.next_agent(heated)
        if reply is None or reply != heated + 1:
            continue
        gap = conv.response_gap(reply)
        if gap is not None and gap < RUSHED_GAP_S:
            rushed.append(reply)
    return rushed


def _is_filler_only(conv: Conversation, index: int) -> bool:
    text = conv.turns[index].text
    tokens = words(text)
    if not tokens:
        return True
    if len(tokens) <= 4 and FILLER_WORDS.issuperset(tokens):
        return True
    fillers = [h for h in conv.hits.get(index, ()) if h.marker == "filler"]
    if not fillers:
        return False
    rest = text
    for item in fillers:
        rest = rest.replace(item.quote, " ")
    return word_count(rest) == 0


def _copied_lines(
    conv: Conversation, flagged_turns: set[int], evidence: list[Evidence], flagged: list[str]
) -> float:
    """Replies that say again what an earlier reply said, in its words: a macro pasted twice,
    "Five working days." after "Engineer within five working days." (−15 each)."""
    penalty = 0.0
    earlier: list[frozenset[str]] = []
    for index in conv.agent_turns:
        mine = content_words(conv.turns[index].text)
        if (
            index not in flagged_turns
            and len(mine) >= 2
            and any(
                mine <= before and len(mine) >= 0.5 * len(before)
                for before in earlier[-COPY_WINDOW:]
            )
        ):
            penalty += 15
            flagged_turns.add(index)
            evidence.append(conv.evidence(index, "", "copied_reply", "-"))
            flagged.append(conv.evidence(index, "", "", "-").quote)
        earlier.append(mine)
    return penalty


def _terse_throughout(conv: Conversation, evidence: list[Evidence], flagged: list[str]) -> float:
    """Most replies a few words long to a customer who says more: one-line service (−20)."""
    agents = conv.agent_turns
    if len(agents) < 3 or not conv.customer_turns:
        return 0.0
    terse = [i for i in agents if conv.word_counts[i] <= TERSE_WORDS]
    customer_words = median(conv.word_counts[i] for i in conv.customer_turns)
    if len(terse) * 2 < len(agents) or customer_words <= TERSE_WORDS:
        return 0.0
    evidence.append(conv.evidence(terse[0], "", "terse_replies", "-"))
    flagged.append(conv.evidence(terse[0], "", "", "-").quote)
    return 20.0


def _slowing_replies(conv: Conversation, evidence: list[Evidence], flagged: list[str]) -> float:
    """Response gaps that grow through the call to several seconds: attention draining (−20)."""
    gaps = [conv.agent_gaps[i] for i in conv.agent_turns if i in conv.agent_gaps]
    if len(gaps) < 4:
        return 0.0
    third = max(1, len(gaps) // 3)
    early, late = median(gaps[:third]), median(gaps[-third:])
    if late < SLOW_GAP_S or late < 1.5 * max(early, 0.5):
        return 0.0
    turn = [i for i in conv.agent_turns if i in conv.agent_gaps][-1]
    evidence.append(conv.evidence(turn, "", "slowing_replies", "-"))
    flagged.append(conv.evidence(turn, "", "", "-").quote)
    return 20.0


def self_regulation(conv: Conversation) -> BehaviorResult:
    if len(conv.agent_turns) < 2:
        return BehaviorResult.not_applicable(
            "The conversation was too short to judge engagement across it."
        )
    score = 100.0
    evidence: list[Evidence] = []
    flagged: list[str] = []
    flagged_turns: set[int] = set()
    penalty = 0.0
    for index in conv.agent_turns:
        text = conv.turns[index].text
        asked = conv.previous_other[index]
        prompt = conv.turns[asked].text if asked is not None else ""
        if _is_filler_only(conv, index):
            penalty += 15
            evidence.append(conv.evidence(index, text, "filler_only", "-"))
            flagged.append(text.strip())
        elif disengaged := _DISENGAGED.search(text):
            # The words as written (the match reads a lower-cased copy of the text).
            quote = text[disengaged.start() : disengaged.end()]
            penalty += 20
            evidence.append(conv.evidence(index, quote, "disengaged", "-"))
            flagged.append(quote)
        elif conv.word_counts[index] < SHORT_REFERENCE_WORDS and (
            reference := next(
                (h for h in conv.hits.get(index, ()) if h.marker == "repeat_reference"), None
            )
        ):
            # "Like I said, it's booked.": pointing back instead of answering, in a few words.
            penalty += 20
            evidence.append(conv.evidence(index, reference.quote, "disengaged", "-"))
            flagged.append(text.strip())
        elif conv.word_counts[index] <= 3 and (
            "?" in prompt or (asked is not None and conv.word_counts[asked] >= 15)
        ):
            penalty += 12
            evidence.append(conv.evidence(index, text, "clipped_turn", "-"))
            flagged.append(text.strip())
        else:
            continue
        gap = conv.agent_gaps.get(index)
        if gap is not None and gap > LATE_GAP_S:
            penalty += 10  # a short reply that also came late: attention has gone
        elif _RAISES_WORRY.search(prompt):
            penalty += 10  # an empty reply to the moment the customer raised a worry
        flagged_turns.add(index)
    empty = [e for e in evidence if e.marker in ("filler_only", "disengaged")]
    if len(empty) >= 2 and 2 * len(empty) >= len(conv.agent_turns):
        penalty += 15  # most of the call, not a dip: disengagement is the pattern
    copied = _copied_lines(conv, flagged_turns, evidence, flagged)
    terse = _terse_throughout(conv, evidence, flagged)
    slowing = _slowing_replies(conv, evidence, flagged)
    penalty += copied + terse + slowing
    if conv.customer_left and len(conv.agent_turns) <= 4:
        penalty += 30
        evidence.append(conv.evidence(conv.agent_turns[-1], "", "customer_left", "-"))
        flagged.append(conv.evidence(conv.agent_turns[-1], "", "", "-").quote)
    score -= min(90.0, penalty)
    if len(flagged_turns) >= 2:
        score = min(score, TWO_EMPTY_CAP)  # good allows no more than one empty reply
    if flagged_turns and (copied or slowing):
        # an empty reply and the call drifting away with it (pasted lines, gaps growing):
        # disengagement is the pattern, not a dip (short answers to yes/no questions at a
        # steady pace are not)
        score = min(score, DRIFTING_CAP)
    agents = conv.agent_turns
    half = len(agents) // 2
    # Stability: turns not already penalised, second half against the first.
    first_half = [i for i in agents[:half] if i not in flagged_turns]
    second_half = [i for i in agents[half:] if i not in flagged_turns]
    if first_half and len(second_half) >= 2:
        first = sum(min(40, conv.word_counts[i]) for i in first_half) / len(first_half)
        second = sum(min(40, conv.word_counts[i]) for i in second_half) / len(second_half)
        if first > 0 and second < 0.6 * first:
            score -= min(25.0, 25.0 * (1 - second / first) / 0.6)
            shortest = min(second_half, key=lambda i: conv.word_counts[i])
            evidence.append(conv.evidence(shortest, "", "engagement_drop", "-"))
            flagged.append(conv.evidence(shortest, "", "", "-").quote)
    if not evidence:
        last = agents[-1]
        evidence.append(conv.evidence(last, "", "engaged_turn", "+"))
        coaching = (
            "Your engagement held from the first turn to the last. Keep every reply a full "
            "sentence that answers the customer, even late in the day."
        )
    else:
        short_reply, question = _question_before(conv, evidence)
        coaching = (
            f'Replace short or empty replies such as "{short_reply or flagged[0]}" with a full '
            + (f'sentence that answers what they asked ("{question}")' if question else "sentence")
            + ": the fact, what it means for them, and the next step."
        )
    return BehaviorResult.scored(score, evidence, coaching)
