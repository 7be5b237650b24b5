"""Practice sessions: start one, continue it turn by turn from any worker, end it, score it.

    ps = start_practice(db, user, scenario_id="hostile_telecom_outage")   # opening line stored
    live = open_live(db, ps, settings)                                    # Conversation + session
    async for event in take_turn(db, live, "I'm sorry, your evening was ruined."):
        ...                                                               # TurnEvent pieces
    finish(db, live)                                                      # ends and scores

Every agent turn is committed **before** the customer's reply is computed, and the customer's
turn is committed with the conversation's snapshot (`state_json`) once it is complete, so a
crash loses nothing: `open_live` finds an agent turn that has no reply yet and `take_turn`'s
caller can answer it with `answer_pending`. Preview sessions (a trainer trying a draft persona)
run the same way but are never scored.

The web app runs turns with `run_turn(engine, live, text)`: the same steps, the database work
in worker threads (`store_agent_turn`, then `stream_reply` on the event loop, then `store_reply`;
with the scripted voice all three in one trip to a thread, still two transactions). Nothing is
stored once the session has ended (`SessionEnded`), also when another window or worker ended
it; `finish` ends and scores a session exactly once however many windows end it at the same
moment, and scores an agent turn still waiting for its reply. The customer's turn is stored as
it was streamed, with the reason when the LLM failed."""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache, partial
from typing import Any, TypeVar

from anyio import to_thread
from sqlalchemy import Engine, bindparam, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

import scorer
from server.customer import Conversation, LLMVoice, Voice
from server.customer.spoken import chunks_of
from server.db import session_scope
from server.models import (
    BehaviorScore,
    PracticeSession,
    ScenarioVersion,
    ScoreRecord,
    SessionMode,
    SessionStatus,
    Team,
    Turn,
    User,
)
from server.models.base import utcnow
from server.scenario import Scenario, parse_scenario
from server.services import judging
from server.services.curriculum import plan_for, team_thresholds, week_of_behavior
from server.services.scenario_store import latest_version, scenario_of
from server.settings import Settings

MAX_MESSAGE_CHARS = 2000
T = TypeVar("T")
RETURN_URL_KEY = "return_url"


class PracticeError(ValueError):
    """A practice request that cannot be carried out, phrased with what to do instead."""


class TurnConflict(PracticeError):
    """Another tab or worker wrote this turn first; reload the conversation and retry."""


class SessionEnded(PracticeError):
    """The conversation has ended (here, in another window or on another worker): nothing more
    is stored; open the scorecard."""


ENDED_MESSAGE = "this conversation has ended; open the scorecard or start a retake"
ENDED_ELSEWHERE = (
    "this conversation was ended in another window, so this message was not kept; open the "
    "scorecard or start a retake"
)


# --- starting ----------------------------------------------------------------------------------


def start_practice(
    db: Session,
    user: User,
    *,
    scenario_id: str,
    behavior_id: str | None = None,
    today: date | None = None,
    seed: int | None = None,
) -> PracticeSession:
    """A new practice session of the latest published version of `scenario_id`, for the week's
    behavior (or `behavior_id`, e.g. on a retake); the customer's opening line is stored."""
    version = latest_version(db, scenario_id)
    if version is None:
        raise PracticeError(
            f"scenario {scenario_id!r} is not published; pick one from the practice page"
        )
    plan = plan_for(db, user, today)
    behavior = behavior_id or plan.behavior_id
    week = plan.week.week if behavior == plan.behavior_id else week_of_behavior(behavior).week
    team = plan.team
    assert user.id is not None
    session = PracticeSession(
        user_id=user.id,
        team_id=team.id if team else None,
        scenario_version_id=version.id,
        behavior_id=behavior,
        week=week,
        mode=SessionMode.practice,
        seed=seed if seed is not None else random.randrange(1_000_000),
    )
    return _open(db, session, scenario_of(version))


def start_preview(
    db: Session,
    user: User,
    yaml_text: str,
    *,
    seed: int = 0,
    return_url: str = "/trainer/scenarios",
) -> PracticeSession:
    """A preview session of a draft persona (mode `preview`, never scored). Raises the loader's
    `ScenarioError` (line-exact problems) when the draft is invalid. Send the trainer to
    `/practice/{id}`; when the preview ends, the chat page links back to `return_url`."""
    scenario = draft_scenario(yaml_text)
    assert user.id is not None
    session = PracticeSession(
        user_id=user.id,
        draft_yaml=yaml_text,
        behavior_id=scenario.behaviors[0],
        mode=SessionMode.preview,
        seed=seed,
    )
    return _open(db, session, scenario, extra={RETURN_URL_KEY: return_url})


def retake(db: Session, user: User, attempt: PracticeSession) -> PracticeSession:
    """A new session of the same scenario (its latest version) for the same behavior."""
    if attempt.mode is not SessionMode.practice or attempt.scenario_version_id is None:
        raise PracticeError("only practice attempts can be retaken; start from the practice page")
    version = db.get(ScenarioVersion, attempt.scenario_version_id)
    if version is None:
        raise PracticeError(
            "this attempt's scenario was removed; pick another on the practice page"
        )
    return start_practice(
        db, user, scenario_id=version.scenario_id, behavior_id=attempt.behavior_id
    )


def _open(
    db: Session,
    session: PracticeSession,
    scenario: Scenario,
    extra: dict[str, Any] | None = None,
) -> PracticeSession:
    conversation = Conversation(scenario, seed=session.seed)
    opening = conversation.opening()
    session.state_json = {**conversation.snapshot(), **(extra or {})}
    db.add(session)
    db.flush()
    assert session.id is not None
    db.add(
        Turn(
            session_id=session.id,
            index=0,
            speaker="customer",
            text=opening.text,
            mood=opening.mood,
            markers=[],
        )
    )
    db.flush()
    return session


# --- loading -----------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def draft_scenario(yaml_text: str) -> Scenario:
    """A draft persona parsed from text (cached by text)."""
    return parse_scenario(yaml_text, "draft.yaml")


def scenario_for(db: Session, session: PracticeSession) -> Scenario:
    if session.draft_yaml is not None:
        return draft_scenario(session.draft_yaml)
    version = (
        db.get(ScenarioVersion, session.scenario_version_id)
        if session.scenario_version_id is not None
        else None
    )
    if version is None:
        raise PracticeError(
            f"practice session {session.id} has no scenario version any more; start a new one"
        )
    return scenario_of(version)


def scenario_version_of(db: Session, session: PracticeSession) -> ScenarioVersion | None:
    if session.scenario_version_id is None:
        return None
    return db.get(ScenarioVersion, session.scenario_version_id)


def make_voice(settings: Settings, seed: int) -> Voice | None:
    """The LLM voice when `SPARRING_LLM_MODEL` is set, else None (the scripted voice)."""
    return LLMVoice.from_settings(settings, seed)


@dataclass
class LiveSession:
    """A session with its conversation loaded: what a worker holds while a chat is open."""

    session: PracticeSession
    conversation: Conversation
    turns: list[Turn]
    voice: Voice | None = None
    pending: Turn | None = None  # an agent turn stored without a reply (the process died)
    _id: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        assert self.session.id is not None
        self._id = self.session.id  # kept: usable even when a failed write expired `session`

    @property
    def id(self) -> int:
        return self._id

    @property
    def ended(self) -> bool:
        return self.session.status is SessionStatus.ended

    @property
    def return_url(self) -> str:
        value = (self.session.state_json or {}).get(RETURN_URL_KEY)
        return str(value) if value else "/trainer/scenarios"

    async def aclose(self) -> None:
        close = getattr(self.voice, "aclose", None)
        if close is not None:
            await close()


def turns_of(db: Session, session_id: int) -> list[Turn]:
    return list(
        db.exec(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))  # type: ignore[arg-type]
    )


def open_live(
    db: Session,
    session: PracticeSession,
    settings: Settings | None = None,
    *,
    voice: Voice | None = None,
) -> LiveSession:
    """Load the conversation of `session` from its snapshot, as any worker can. The LLM voice
    is used when `settings` name a model (or pass the `voice` of an earlier load)."""
    scenario = scenario_for(db, session)
    if voice is None and settings is not None:
        voice = make_voice(settings, session.seed)
    snapshot = session.state_json or {}
    conversation = Conversation.restore(scenario, snapshot, voice=voice)
    assert session.id is not None
    turns = turns_of(db, session.id)
    pending = None
    if len(turns) > len(conversation.turns) and turns[-1].speaker == "agent":
        pending = turns[-1]
    return LiveSession(session, conversation, turns, voice, pending)


# --- turns -------------------------------------------------------------------------------------


@dataclass
class TurnEvent:
    """One thing that happened during a turn, in order: `agent` (the agent's turn is stored),
    `chunk` (a piece of the customer's reply), `customer` (the reply is complete and stored),
    `ended` (the conversation is over; `outcome` set)."""

    kind: str
    index: int
    text: str = ""
    outcome: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def check_message(text: object) -> str:
    """The agent's message, stripped; raises PracticeError when it is empty or too long."""
    if not isinstance(text, str) or not text.strip():
        raise PracticeError("the message is empty; type what you would say to the customer")
    text = text.strip()
    if len(text) > MAX_MESSAGE_CHARS:
        raise PracticeError(
            f"the message has {len(text)} characters; keep one turn under "
            f"{MAX_MESSAGE_CHARS} and send the rest as a second message"
        )
    return text


def store_agent_turn(db: Session, live: LiveSession, text: str) -> Turn:
    """Write and commit the agent's turn before anything else happens. Refused with
    `SessionEnded` once the conversation has ended (also when another window or worker ended
    it), with `TurnConflict` when another window wrote this turn first."""
    if live.ended:
        raise SessionEnded(ENDED_MESSAGE)
    if live.pending is not None:
        raise PracticeError(
            "the customer has not answered your last message yet; wait for the reply, then "
            "send this one again"
        )
    index = len(live.conversation.turns)
    turn = Turn(session_id=live.id, index=index, speaker="agent", text=text)
    _write_while_active(db, live, [turn])
    live.turns.append(turn)
    live.pending = turn
    return turn


async def stream_reply(live: LiveSession) -> AsyncIterator[TurnEvent]:
    """The customer's reply to the stored agent turn, streamed as `chunk` events; no database
    work happens here (store it afterwards with `store_reply`), and no long computation on the
    event loop."""
    agent = live.pending
    if agent is None:
        raise PracticeError("there is no agent message waiting for an answer")
    index = agent.index + 1
    if live.voice is None:
        # the scripted voice has its whole reply at once: compute it (marker detection, the
        # state machine) in a worker thread, off the event loop, then stream it
        reply = await to_thread.run_sync(live.conversation.reply, agent.text)
        for chunk in chunks_of(reply.text):
            yield TurnEvent("chunk", index, chunk)
        return
    async for chunk in live.conversation.areply(agent.text):
        yield TurnEvent("chunk", index, chunk)


def store_reply(db: Session, live: LiveSession) -> list[TurnEvent]:
    """Store the reply `stream_reply` just produced (exactly the text that was streamed, with the
    reason when the LLM failed) and end and score the session when the customer hung up or is
    satisfied. Returns the `customer` event and, at the end, the `ended` one."""
    agent = live.pending
    reply = live.conversation.last_reply
    if agent is None or reply is None:
        raise PracticeError("there is no customer reply waiting to be stored")
    scores = live.conversation.ended and live.session.mode is SessionMode.practice
    if scores:
        judging.prepare(live.id, live.conversation.transcript())  # before any lock is taken
    index = agent.index + 1
    agent.markers = list(reply.markers)
    reason = reply.reason if (reply.fallback or reply.reason) else None
    customer = Turn(
        session_id=live.id,
        index=index,
        speaker="customer",
        text=reply.text,
        mood=reply.mood,
        markers=list(reply.markers),
        fallback_reason=(reason or "fallback")[:200] if reason or reply.fallback else None,
    )
    session = live.session
    if reply.fallback or reply.reason:
        session.llm_fallbacks += 1
    session.state_json = _snapshot(live)
    live.turns.append(customer)  # before the write: ending the session scores its last line too
    # the last reply is scored before the write, so the scorer never runs while this
    # transaction holds the database's write lock (every other chat's turn would wait for it)
    if scores:
        _prescore(live)
    try:
        _write_while_active(db, live, [agent, customer, session], end=live.conversation.ended)
    except (SessionEnded, TurnConflict):
        live.turns.pop()
        raise
    live.pending = None
    events = [
        TurnEvent(
            "customer",
            index,
            reply.text,
            extra={"mood": reply.mood, "band": reply.band, "markers": list(reply.markers)},
        )
    ]
    if live.ended:
        events.append(TurnEvent("ended", index, outcome=session.outcome))
    return events


async def answer_pending(db: Session, live: LiveSession) -> AsyncIterator[TurnEvent]:
    """Stream the customer's reply to the stored agent turn, then store it (and end the session
    when the customer hung up or is satisfied)."""
    async for event in stream_reply(live):
        yield event
    for event in store_reply(db, live):
        yield event


async def take_turn(db: Session, live: LiveSession, text: str) -> AsyncIterator[TurnEvent]:
    """One agent turn: stored first, then the customer's reply streamed and stored."""
    turn = store_agent_turn(db, live, check_message(text))
    yield TurnEvent("agent", turn.index, turn.text)
    async for event in answer_pending(db, live):
        yield event


async def run_turn(
    engine: Engine,
    live: LiveSession,
    text: str | None,
    *,
    signed_in: Callable[[Session], bool] | None = None,
) -> AsyncIterator[TurnEvent]:
    """`take_turn` (or, with `text=None`, `answer_pending`) for the event loop: the database
    work runs in worker threads, so the loop never waits on a lock or a connection while other
    chats stream. `signed_in(db)` (a socket's sign-in check) is asked in the turn's first
    transaction; `SignedOut` when it fails, with nothing stored.

    The scripted voice has its whole reply at once, so its turn is one trip to a thread: the
    agent's turn committed, the reply computed, then stored in a second transaction, and the
    events (`agent`, the `chunk`s, `customer`) sent afterwards. An LLM reply streams from the
    event loop between the two writes."""
    if live.voice is None:
        events, error = await to_thread.run_sync(_scripted_turn, engine, live, text, signed_in)
        for event in events:
            yield event
        if error is not None:
            raise error
        return
    if text is not None:
        checked = check_message(text)
        store = partial(_in_session, engine, store_agent_turn, live, checked, signed_in=signed_in)
        turn = await to_thread.run_sync(store)
        yield TurnEvent("agent", turn.index, turn.text)
    elif signed_in is not None:
        await to_thread.run_sync(_check_signed_in_in_session, engine, signed_in)
    async for event in stream_reply(live):
        yield event
    for event in await to_thread.run_sync(_in_session, engine, store_reply, live):
        yield event


class SignedOut(Exception):  # noqa: N818 - a state, like SessionEnded
    """The sign-in that opened this conversation is no longer valid (signed out, password reset,
    role change, deactivated): nothing of the turn was stored."""


def _check_signed_in(db: Session, signed_in: Callable[[Session], bool] | None) -> None:
    if signed_in is not None and not signed_in(db):
        raise SignedOut("signed out: sign in again to continue this conversation")


def _check_signed_in_in_session(engine: Engine, signed_in: Callable[[Session], bool]) -> None:
    with session_scope(engine) as db:
        _check_signed_in(db, signed_in)


def _scripted_turn(
    engine: Engine,
    live: LiveSession,
    text: str | None,
    signed_in: Callable[[Session], bool] | None,
) -> tuple[list[TurnEvent], Exception | None]:
    """One turn with the scripted voice, in a worker thread: the agent's turn committed first
    (after the sign-in check, in the same transaction), then the reply computed and stored.
    Returns the events to send and the error that stopped the turn after the agent's turn was
    stored (the events before it are still sent)."""
    events: list[TurnEvent] = []
    with session_scope(engine) as db:
        _check_signed_in(db, signed_in)
        if text is not None:
            turn = store_agent_turn(db, live, check_message(text))
            events.append(TurnEvent("agent", turn.index, turn.text))
    agent = live.pending
    if agent is None:
        raise PracticeError("there is no agent message waiting for an answer")
    try:
        reply = live.conversation.reply(agent.text)
        events += [TurnEvent("chunk", agent.index + 1, chunk) for chunk in chunks_of(reply.text)]
        with session_scope(engine) as db:
            events += store_reply(db, live)
    except Exception as error:  # noqa: BLE001 - raised on the event loop after the events before it
        return events, error
    return events, None


async def finish_in_thread(engine: Engine, live: LiveSession) -> ScoreRecord | None:
    """`finish` for the event loop (its database work and the scoring run in a thread)."""
    return await to_thread.run_sync(_in_session, engine, finish, live)


def _in_session(
    engine: Engine,
    work: Callable[..., T],
    live: LiveSession,
    *args: Any,
    signed_in: Callable[[Session], bool] | None = None,
) -> T:
    with session_scope(engine) as db:
        _check_signed_in(db, signed_in)
        return work(db, live, *args)


def reload_live(db: Session, live: LiveSession) -> LiveSession:
    """The conversation as stored now (another window or worker moved it on)."""
    session = db.get(PracticeSession, live.id, populate_existing=True)
    if session is None:
        raise PracticeError(f"practice session {live.id} was deleted; start a new one")
    return open_live(db, session, voice=live.voice)


def finish(db: Session, live: LiveSession) -> ScoreRecord | None:
    """The agent ended the conversation: close it and score it (practice mode only). Exactly
    one of several concurrent calls (two windows, two workers) ends and scores it; the others
    get that score record. An agent turn still waiting for its reply is scored too."""
    if not live.ended and live.session.mode is SessionMode.practice:
        judging.prepare(live.id, live.conversation.transcript())  # before any lock is taken
        # scored before any lock too (the scorer must not hold up the other chats' writes);
        # used below when no other window stored a turn meanwhile
        _prescore(live)
    _lock(db, live.id)
    session = db.get(PracticeSession, live.id, populate_existing=True)
    if session is None:
        raise PracticeError(f"practice session {live.id} was deleted; start a new one")
    if session.status is SessionStatus.ended or not _claim_end(db, live.id):
        db.rollback()
        _adopt(live, reload_live(db, live))
        return score_record_of(db, live.id)
    # the session row is ours now (PostgreSQL: locked; SQLite: the write lock is held): what is
    # stored counts, which includes turns another window added since `live` was loaded
    if _stored_turns(db, live.id) == len(live.turns) and not live.ended:
        current = LiveSession(session, live.conversation, live.turns, live.voice, live.pending)
    else:
        current = open_live(db, session, voice=live.voice)
    current.conversation.finish()
    session.state_json = _snapshot(current)
    try:
        record = _close(db, current)
        db.commit()
    except IntegrityError:  # scored concurrently by an older server without the row claim
        db.rollback()
        _adopt(live, reload_live(db, live))
        return score_record_of(db, live.id)
    _adopt(live, current)
    return record


def _adopt(live: LiveSession, other: LiveSession) -> None:
    live.session, live.conversation = other.session, other.conversation
    live.turns, live.pending = other.turns, other.pending


_STATUS = PracticeSession.__table__.c.status  # type: ignore[attr-defined]
_LOCK_STATUS = (
    select(_STATUS)
    .where(PracticeSession.__table__.c.id == bindparam("session_id"))  # type: ignore[attr-defined]
    .with_for_update()
)
"""One statement built once, run as plain SQL: it is asked on every turn."""


def _lock(db: Session, session_id: int) -> SessionStatus:
    """The session's stored status; on PostgreSQL its row stays locked until the transaction
    ends, so turns and the end of one conversation are written one at a time."""
    status = db.connection().execute(_LOCK_STATUS, {"session_id": session_id}).scalar_one()
    return SessionStatus(status)


def _claim_end(db: Session, session_id: int) -> bool:
    """Mark the session ended unless it already is; True for the one caller that did it."""
    result = db.connection().execute(
        update(PracticeSession)
        .where(col(PracticeSession.id) == session_id)
        .where(col(PracticeSession.status) != SessionStatus.ended)
        .values(status=SessionStatus.ended)
    )
    return result.rowcount == 1


def _write_while_active(
    db: Session, live: LiveSession, rows: list[Any], *, end: bool = False
) -> None:
    """Write `rows` (and, with `end`, end and score the session) in one transaction, only
    while the stored session is still active; raises `SessionEnded` when it ended meanwhile
    and `TurnConflict` when another window wrote the same turn first. After either, reload the
    conversation (`reload_live`): the rows given here are expired."""
    # the status is read once, where the write can no longer race an end: on PostgreSQL
    # before the write (the row stays locked), on SQLite after the flush (which took the
    # database's write lock, so an end committed meanwhile is seen)
    locks_rows = db.get_bind().dialect.name != "sqlite"
    if locks_rows and _lock(db, live.id) is SessionStatus.ended:
        db.rollback()
        raise SessionEnded(ENDED_ELSEWHERE)
    for row in rows:
        db.add(row)
    try:
        db.flush()
        ended = not locks_rows and _lock(db, live.id) is SessionStatus.ended
        if ended or (end and not _claim_end(db, live.id)):
            db.rollback()  # (the rows added here are expired: reload the conversation)
            raise SessionEnded(ENDED_ELSEWHERE)
        if end:
            _close(db, live)
        db.commit()
    except IntegrityError:
        db.rollback()
        if _lock(db, live.id) is SessionStatus.ended:  # a stale window's turn, after an end
            db.rollback()
            raise SessionEnded(ENDED_ELSEWHERE) from None
        db.rollback()
        raise TurnConflict(
            "this conversation continued in another window; reload the page to see it"
        ) from None


def _snapshot(live: LiveSession) -> dict[str, Any]:
    extra = {}
    if RETURN_URL_KEY in (live.session.state_json or {}):
        extra[RETURN_URL_KEY] = (live.session.state_json or {})[RETURN_URL_KEY]
    return {**live.conversation.snapshot(), **extra}


def _stored_turns(db: Session, session_id: int) -> int:
    return int(db.connection().execute(_COUNT_TURNS, {"session_id": session_id}).scalar_one())


_COUNT_TURNS = (
    select(func.count())
    .select_from(Turn.__table__)  # type: ignore[attr-defined]
    .where(Turn.__table__.c.session_id == bindparam("session_id"))  # type: ignore[attr-defined]
)


KEEP_PRESCORED = 256
_prescored: OrderedDict[int, tuple[scorer.Transcript, scorer.Report]] = OrderedDict()
_prescored_lock = threading.Lock()


def _prescore(live: LiveSession) -> None:
    """Score `live` as it stands now, outside any transaction: the scorer then never runs
    while a transaction holds the database's write lock (SQLite: every other chat's turn
    would wait for it). `score_session` uses the report when it scores the same transcript."""
    transcript = transcript_of(live)
    report = scorer.score(transcript, judge=judging.peek(live.id))
    with _prescored_lock:
        _prescored[live.id] = (transcript, report)
        _prescored.move_to_end(live.id)
        while len(_prescored) > KEEP_PRESCORED:
            _prescored.popitem(last=False)


def _report_of(session_id: int, transcript: scorer.Transcript) -> scorer.Report:
    with _prescored_lock:
        prescored = _prescored.pop(session_id, None)
    if prescored is not None and prescored[0] == transcript:
        judging.take(session_id)  # the verdicts it was scored with are used up
        return prescored[1]
    return scorer.score(transcript, judge=judging.take(session_id))


def _close(db: Session, live: LiveSession) -> ScoreRecord | None:
    session = live.session
    session.status = SessionStatus.ended
    session.outcome = str(live.conversation.outcome or "ended")
    session.ended_at = utcnow()
    db.add(session)
    if session.mode is not SessionMode.practice:
        return None
    if not any(turn.speaker == "agent" for turn in live.turns):
        return None  # nothing the agent said: nothing to score
    return score_session(db, session, transcript_of(live))


def _judged_threshold(db: Session, session: PracticeSession) -> int:
    """The team's pass threshold for the attempt's week, now (stored on the attempt when scored)."""
    team = db.get(Team, session.team_id) if session.team_id is not None else None
    return team_thresholds(db, team)[week_of_behavior(session.behavior_id).week].threshold


def transcript_of(live: LiveSession) -> scorer.Transcript:
    """The stored turns as a transcript, including an agent turn still waiting for its reply."""
    turns = tuple(
        scorer.Turn(
            "agent" if turn.speaker == "agent" else "customer", turn.text, turn.start, turn.end
        )
        for turn in live.turns
    )
    return replace(live.conversation.transcript(), turns=turns)


def score_session(
    db: Session, session: PracticeSession, transcript: scorer.Transcript
) -> ScoreRecord:
    """Score a practice transcript into a ScoreRecord and one BehaviorScore per behavior (with
    the report `_prescore` made of the same transcript, if any)."""
    if session.mode is not SessionMode.practice:
        raise PracticeError("preview sessions are never scored")
    assert session.id is not None
    report = _report_of(session.id, transcript)
    session.pass_threshold = _judged_threshold(db, session)
    db.add(session)
    record = ScoreRecord(
        session_id=session.id,
        scorer_version=report.scorer_version,
        report_json=report.to_dict(),
    )
    db.add(record)
    db.flush()
    assert record.id is not None
    for behavior_id, result in report.behaviors.items():
        db.add(
            BehaviorScore(
                score_record_id=record.id,
                session_id=session.id,
                behavior_id=behavior_id,
                applicable=result.applicable,
                score=result.score,
                level=result.level,
            )
        )
    return record


def score_record_of(db: Session, session_id: int) -> ScoreRecord | None:
    return db.exec(
        select(ScoreRecord)
        .where(ScoreRecord.session_id == session_id)
        .order_by(ScoreRecord.id.desc())  # type: ignore[union-attr]
    ).first()


# --- synchronous helpers (the no-JavaScript form) ------------------------------------------------


async def say_and_collect(db: Session, live: LiveSession, text: str) -> list[TurnEvent]:
    return [event async for event in take_turn(db, live, text)]
