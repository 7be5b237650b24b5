"""One voice call: the session clock, and the customer runner as a pipecat processor.

The **session clock** counts the agent's microphone samples (16 kHz) since the call began:
the browser streams audio continuously, silence included, so the count is a clock that does
not depend on the server's load or the network. The agent's turn starts where the VAD heard the
first speech and ends where it heard the last (both corrected by the VAD's own start/stop
windows); the customer's turn starts where its first audio left the server (pipecat's output
transport paces audio in real time, so that is when it plays) and lasts as long as its audio,
or ends where the agent cut in. A call resumed after a dropped socket continues the clock from
the last stored turn.

`CustomerProcessor` sits after speech-to-text and the user-turn processor: when a turn is over
(Smart Turn says the sentence is finished and every speech segment is transcribed) it stores the
agent's turn with its times, asks the same runner the text chat uses for the customer's reply
(`server.services.practice.answer_pending`), streams the reply as text frames to the TTS service
(sentence by sentence) and as captions, and stores the customer's times and the heard text once
the audio has played or was cut off.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pipecat.frames.frames import (
    AggregatedTextFrame,
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    DataFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMFullResponseStartFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    TranscriptionFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.utils.text.base_text_aggregator import TextType
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scorer import Turn as ScoredTurn
from server.models import PracticeSession, SessionMode, Turn
from server.services import practice
from server.services.practice import LiveSession, PracticeError
from server.voice.protocol import SAMPLE_RATE
from server.voice.stt import SegmentDone
from server.voice.tts import SentenceSynthesised, SpeechFailed

log = logging.getLogger(__name__)

RESUME_GAP_S = 1.0
EVENTS_KEPT = 600  # end-of-turn log entries per call (about ten a turn)
# the customer answers no sooner than this after the agent's last speech (session clock)
MIN_SILENCE_S = 0.35
# Audio may stop arriving (a muted or dropped microphone) while the turn waits for that
# silence: after this long (wall clock) with no audio at all, the customer answers anyway.
# Audio that arrives late, in bursts, on a busy machine or a jittery network keeps the wait on
# the session clock; at 1 s a stall of the sender at a sentence pause ended the agent's turn
# mid-line ("I'm sorry your internet has been down since Monday. | That sounds…").
MAX_HOLD_S = 2.0


def words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


SENTENCE_END = re.compile(r"[.!?…]+[\"')\]]*(?:\s+|$)")
CLAUSE_END = re.compile(r"[,;:—–]\s+")
FIRST_PHRASE_WORDS = 4


class Phrases:
    """Cuts the customer's reply into the pieces the TTS speaks one after another: sentences,
    except that a long first sentence is cut at its first clause boundary (a comma, a dash), so
    the first audio is synthesised from a few words instead of a whole sentence. pipecat's
    sentence aggregator waits for the text after a full stop before it lets a sentence go, which
    costs an LLM reply the time to its next sentence; here a sentence goes as soon as its
    punctuation arrives."""

    def __init__(self) -> None:
        self.buffer = ""
        self.first = True

    def feed(self, chunk: str) -> list[str]:
        self.buffer += chunk
        pieces: list[str] = []
        while True:
            cut = self._cut()
            if cut is None:
                return pieces
            piece, self.buffer = self.buffer[:cut].strip(), self.buffer[cut:]
            if piece:
                pieces.append(piece)
                self.first = False

    def finish(self) -> list[str]:
        rest, self.buffer = self.buffer.strip(), ""
        return [rest] if rest else []

    def _cut(self) -> int | None:
        sentence = SENTENCE_END.search(self.buffer)
        if self.first:
            limit = sentence.start() if sentence is not None else len(self.buffer)
            for clause in CLAUSE_END.finditer(self.buffer, 0, limit + 1):
                if len(words(self.buffer[: clause.start()])) >= FIRST_PHRASE_WORDS:
                    return clause.end()
        return sentence.end() if sentence is not None else None


@dataclass
class Playback:
    """The customer's turn being spoken."""

    index: int
    text: str = ""
    generating: bool = True
    started: float | None = None  # session clock when its first audio left
    sentences: list[tuple[str, int]] = field(default_factory=list)  # (text, samples)
    failed: list[str] = field(default_factory=list)
    speaking: bool = False
    cut: bool = False

    @property
    def samples(self) -> int:
        return sum(n for _, n in self.sentences)

    def synthesised_all(self) -> bool:
        done = [w for text, _ in self.sentences for w in words(text)]
        done += [w for text in self.failed for w in words(text)]
        return not self.generating and len(done) >= len(words(self.text))

    def heard(self, elapsed_s: float) -> str:
        """The words of the reply played within `elapsed_s` seconds of its start."""
        heard: list[str] = []
        left = elapsed_s * SAMPLE_RATE
        for text, samples in self.sentences:
            sentence = words(text)
            if left >= samples:
                heard += sentence
                left -= samples
                continue
            if samples > 0 and left > 0:
                heard += sentence[: int(len(sentence) * left / samples)]
            break
        return " ".join(heard)


@dataclass
class Metrics:
    """Figures the benchmark reads: all in seconds."""

    end_of_turn_delay: list[float] = field(default_factory=list)
    stt_audio: float = 0.0
    stt_compute: float = 0.0
    stt_cpu: float = 0.0
    stt_segments: int = 0
    stt_early: int = 0  # segments transcribed from the speaker's pause
    tts_first_chunk: list[float] = field(default_factory=list)
    tts_first_chunk_cpu: list[float] = field(default_factory=list)
    barge_ins: int = 0
    # what decided each end of turn, on the session clock: (time, event); the benchmark prints
    # it for slow turns. Only the latest are kept: `RECENT` holds the metrics of many calls.
    events: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=EVENTS_KEPT))


RECENT: deque[Metrics] = deque(maxlen=1024)  # the figures of recent calls (the benchmark)


class VoiceCall:
    """What one voice socket holds: the live conversation, the clock and the pipeline's
    outbound messages."""

    def __init__(self, engine: Engine, live: LiveSession) -> None:
        self.engine = engine
        self.live = live
        ends = [t.end for t in live.turns if t.end is not None]
        self.offset = (max(ends) + RESUME_GAP_S) if ends else 0.0
        self.samples_in = 0
        self.audio_at = time.monotonic()  # when the last audio arrived (wall clock)
        self.first_speech: float | None = None  # first VAD start of the turn being spoken
        self.last_speech_end: float | None = None
        self.speaking = False
        self.voice_rising = False  # the VAD hears voice again, not yet confirmed as speech
        self.metrics = Metrics()
        RECENT.append(self.metrics)
        voice = live.conversation.scenario.customer.voice
        self.cut_in_after_s: float | None = voice.cut_in_after_s
        self.turn_audio = bytearray()  # the agent's speech of the turn (kept for a cut-in)
        self.cut_in_started = False
        self.customer_busy = False  # a reply is being written or played
        self.transcribe: Callable[[bytes], str] | None = None  # set by the pipeline
        self.on_audio: Callable[[bytes], None] | None = None  # SPARRING_KEEP_AUDIO
        # Set by the route: whether the socket's sign-in still holds (sign-out, a password
        # reset, a role change or deactivation end it), and how to close the socket when not.
        self.signed_in: Callable[[], Awaitable[bool]] | None = None
        self.sign_out: Callable[[], Awaitable[None]] | None = None

    def now(self) -> float:
        return self.offset + self.samples_in / SAMPLE_RATE

    def note(self, event: str) -> None:
        """Log an end-of-turn event on the session clock (`Metrics.events`)."""
        self.metrics.events.append((round(self.now(), 3), event))

    def vad_started(self, start_secs: float) -> None:
        self.note("vad start")
        self.speaking = True
        if self.first_speech is None:
            self.first_speech = max(self.now() - start_secs, 0.0)

    def vad_stopped(self, stop_secs: float) -> None:
        self.speaking = False
        self.last_speech_end = max(self.now() - stop_secs, self.first_speech or 0.0)
        self.note(f"vad stop (speech ended {self.last_speech_end:.3f})")

    def take_speech(self) -> tuple[float, float]:
        """The times of the turn just spoken; the next turn starts afresh."""
        now = self.now()
        start = self.first_speech if self.first_speech is not None else now
        end = self.last_speech_end if self.last_speech_end is not None else now
        self.first_speech = None
        self.last_speech_end = None
        self.turn_audio = bytearray()
        self.cut_in_started = False
        return round(start, 3), round(max(end, start), 3)

    def due_cut_in(self) -> bool:
        """Whether a persona that cuts in should do so now: the agent has been talking for
        `cut_in_after_s` in this turn and the customer is silent."""
        return (
            self.cut_in_after_s is not None
            and self.speaking
            and self.first_speech is not None
            and not self.cut_in_started
            and not self.customer_busy
            and self.now() - self.first_speech >= self.cut_in_after_s
        )


@dataclass
class CutIn(DataFrame):
    """The persona cuts in on the agent: `audio` is what the agent said so far in the turn,
    which began at `start`; the cut-in happens at `at` (session clock)."""

    audio: bytes = b""
    start: float = 0.0
    at: float = 0.0


class SessionClock(FrameProcessor):
    """Counts the agent's audio samples and notes where the VAD heard speech start and stop."""

    def __init__(self, call: VoiceCall, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.call = call

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            call = self.call
            call.samples_in += len(frame.audio) // 2
            call.audio_at = time.monotonic()
            if call.on_audio is not None:
                call.on_audio(frame.audio)
            if call.cut_in_after_s is not None and call.first_speech is not None:
                call.turn_audio += frame.audio
                if call.due_cut_in():
                    call.cut_in_started = True
                    await self.push_frame(
                        CutIn(audio=bytes(call.turn_audio), start=call.first_speech, at=call.now())
                    )
        elif (
            isinstance(frame, VADUserStartedSpeakingFrame)
            and direction is FrameDirection.DOWNSTREAM
        ):
            self.call.vad_started(frame.start_secs)
        elif (
            isinstance(frame, VADUserStoppedSpeakingFrame)
            and direction is FrameDirection.DOWNSTREAM
        ):
            self.call.vad_stopped(frame.stop_secs)
        await self.push_frame(frame, direction)


def silence_held(call: VoiceCall) -> bool:
    """Whether the agent has been silent `MIN_SILENCE_S` since their last speech (session
    clock) and the VAD hears no voice rising. With the transcript ready at the VAD's stop, a
    mid-sentence pause Smart Turn takes for an end ("I'm sorry, | that sounds…") would otherwise
    be answered before the VAD confirms the speech going on (0.2 s of it)."""
    if call.speaking or call.voice_rising:
        return False
    end = call.last_speech_end
    return end is None or call.now() >= end + MIN_SILENCE_S


async def wait_for_silence(call: VoiceCall, closed: Callable[[], bool] = lambda: False) -> bool:
    """Wait until the silence after the agent's speech has lasted `MIN_SILENCE_S` on the session
    clock, no audio has arrived for `MAX_HOLD_S`, or the call closed; False when the speech
    went on meanwhile."""
    while not silence_held(call) and not closed():
        if call.speaking:
            return False
        if time.monotonic() - call.audio_at >= MAX_HOLD_S:
            call.note("hold ended: no audio arriving")
            break
        await asyncio.sleep(0.02)
    return not call.speaking


class CustomerProcessor(FrameProcessor):
    """The virtual customer in the pipeline (see the module docstring)."""

    def __init__(self, call: VoiceCall, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.call = call
        self.segments_open = 0
        self.texts: list[str] = []
        self.stt_failed: str | None = None
        self.stop_requested = False
        self.awaiting_typed: tuple[float, float] | None = None
        self.playback: Playback | None = None
        self.reply_task: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        self.closed = False
        self.cut_in_index: int | None = None  # the agent turn the customer cut in on
        self.hold_task: asyncio.Task[None] | None = None  # waiting for the silence to last

    # --- outbound messages ---------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        await self.push_frame(OutputTransportMessageUrgentFrame(message=message))

    async def notice(self, kind: str, message: str) -> None:
        await self.send({"type": "notice", "kind": kind, "message": message})

    # --- frames --------------------------------------------------------------------------------

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            await self.on_start()
        elif isinstance(frame, (EndFrame, CancelFrame)):
            self.closed = True
            await self.push_frame(frame, direction)
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            if direction is FrameDirection.DOWNSTREAM:
                self.segments_open += 1
            await self.push_frame(frame, direction)
        elif isinstance(frame, SegmentDone):
            await self.on_segment(frame)
        elif isinstance(frame, TranscriptionFrame):
            partial = " ".join([*self.texts, frame.text.strip()])
            await self.send(
                {
                    "type": "caption",
                    "speaker": "agent",
                    "index": None,
                    "text": partial,
                    "final": False,
                }
            )
        elif isinstance(frame, UserStartedSpeakingFrame):
            self.call.note("user turn started")
            self.stop_requested = False
            await self.push_frame(frame, direction)
        elif isinstance(frame, UserStoppedSpeakingFrame):
            await self.push_frame(frame, direction)
            if direction is FrameDirection.DOWNSTREAM:
                self.call.note("user turn stopped")
                self.stop_requested = True
                await self.maybe_take_turn()
        elif isinstance(frame, InterruptionFrame):
            await self.push_frame(frame, direction)
            if direction is FrameDirection.DOWNSTREAM:
                await self.on_barge_in()
        elif isinstance(frame, BotStartedSpeakingFrame):
            await self.push_frame(frame, direction)
            if self.playback is not None and not self.playback.cut:
                self.playback.speaking = True
                if self.playback.started is None:
                    self.playback.started = round(self.call.now(), 3)
        elif isinstance(frame, BotStoppedSpeakingFrame):
            await self.push_frame(frame, direction)
            if self.playback is not None:
                self.playback.speaking = False
                await self.maybe_finish_playback()
        elif isinstance(frame, SentenceSynthesised):
            self.call.metrics.tts_first_chunk.append(frame.first_chunk_s)
            self.call.metrics.tts_first_chunk_cpu.append(frame.first_chunk_cpu_s)
            if self.playback is not None and not self.playback.cut:
                self.playback.sentences.append((frame.text, frame.samples))
                await self.maybe_finish_playback()
        elif isinstance(frame, SpeechFailed):
            if self.playback is not None and not self.playback.cut:
                if not self.playback.failed:
                    await self.notice(
                        "tts_failed",
                        "The customer's voice failed for this reply; read it in the captions. "
                        "The call goes on.",
                    )
                self.playback.failed.append(frame.text)
                await self.maybe_finish_playback()
        elif isinstance(frame, InputTransportMessageFrame):
            await self.on_message(frame.message)
        elif isinstance(frame, CutIn):
            self.create_task(self.cut_in(frame))
        else:
            await self.push_frame(frame, direction)

    # --- the start of the call -------------------------------------------------------------------

    async def on_start(self) -> None:
        live = self.call.live
        await self.send(hello_message(live))
        if live.ended:
            await self.send(ended_message(live))
            return
        if live.pending is not None:  # a reply was never computed (the process died)
            self.start_reply(None)
            return
        last = live.turns[-1]
        if last.speaker == "customer" and last.start is None:  # never played: play it now
            self.playback = Playback(last.index, last.text, generating=False)
            self.call.customer_busy = True
            await self.speak(last.text)
        elif live.conversation.ended:  # the customer's last line played, the end was not stored
            await practice.finish_in_thread(self.call.engine, live)
            await self.send(ended_message(live))

    async def speak(self, text: str) -> None:
        phrases = Phrases()
        opened = await self.say_pieces([*phrases.feed(text), *phrases.finish()], False)
        if opened:
            await self.push_frame(LLMFullResponseEndFrame())

    async def say_pieces(self, pieces: list[str], opened: bool) -> bool:
        """Send pieces of the reply to the TTS, each synthesised as it is (no re-aggregation);
        returns whether the reply's TTS context is open."""
        for piece in pieces:
            if not opened:
                await self.push_frame(LLMFullResponseStartFrame())
                opened = True
            await self.push_frame(AggregatedTextFrame(piece, TextType.SENTENCE))
        return opened

    # --- the agent's turn ---------------------------------------------------------------------

    async def on_segment(self, frame: SegmentDone) -> None:
        self.segments_open = max(self.segments_open - 1, 0)
        self.call.metrics.stt_audio += frame.audio_s
        self.call.metrics.stt_compute += frame.compute_s
        self.call.metrics.stt_cpu += frame.cpu_s
        self.call.metrics.stt_segments += 1
        self.call.metrics.stt_early += frame.early
        self.call.note(f"stt done ({frame.audio_s:.2f} s, early {frame.early}): {frame.text!r}")
        if frame.error is not None:
            self.stt_failed = frame.error
        elif frame.text:
            self.texts.append(frame.text)
        await self.maybe_take_turn()

    async def maybe_take_turn(self, held: bool = False) -> None:
        if not self.stop_requested or self.segments_open > 0:
            return
        if not held and not silence_held(self.call):
            self.call.note(
                f"gate deferred (speaking {self.call.speaking}, rising {self.call.voice_rising})"
            )
            if self.hold_task is None or self.hold_task.done():
                self.hold_task = self.create_task(self.hold_then_take())
            return
        self.stop_requested = False
        self.call.note("turn taken")
        now = self.call.now()
        self.call.metrics.end_of_turn_delay.append(max(now - (self.call.last_speech_end or now), 0))
        text = " ".join(self.texts).strip()
        failed, self.stt_failed = self.stt_failed, None
        self.texts = []
        start, end = self.call.take_speech()
        if self.cut_in_index is not None:
            await self.finish_cut_in(text, end)
            return
        if failed is not None and not text:
            self.awaiting_typed = (start, end)
            log.warning("speech recognition failed: %s", failed)
            await self.notice(
                "stt_failed",
                "Speech recognition failed for what you just said. Type it below and press "
                "Send; your turn keeps its place and timing.",
            )
            return
        if not text:
            await self.notice("not_heard", "Nothing was recognised; say it again, or type it.")
            return
        if failed is not None:
            await self.notice(
                "stt_failed",
                "Part of what you said could not be recognised; check the caption.",
            )
        self.start_reply((text, start, end))

    async def hold_then_take(self) -> None:
        """Wait (off the frame path) for the silence to last, then take the turn; when the agent
        talks on, the next end of turn takes all of it."""
        if await wait_for_silence(self.call, lambda: self.closed):
            await self.maybe_take_turn(held=True)
        elif self.call.speaking:
            self.call.note("hold dropped: speech went on")

    async def on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "invalid":
            await self.send({"type": "error", "message": message.get("message", "")})
        elif kind == "say":
            try:
                text = practice.check_message(message.get("text"))
            except PracticeError as exc:
                await self.send({"type": "error", "message": str(exc)})
                return
            now = round(self.call.now(), 3)
            start, end = self.awaiting_typed or (now, now)
            self.awaiting_typed = None
            self.start_reply((text, start, end))
        elif kind == "end":
            await self.end_call()

    async def cut_in(self, frame: CutIn) -> None:
        """The customer cuts in: answer what the agent has said so far, while they talk on."""
        transcribe = self.call.transcribe
        if transcribe is None or self.call.live.ended:
            return
        try:
            text = (await asyncio.to_thread(transcribe, frame.audio)).strip()
        except Exception as exc:  # noqa: BLE001 - no cut-in then; the turn goes on as usual
            log.warning("cut-in transcription failed: %s", exc)
            return
        if not text or self.call.live.pending is not None or self.call.customer_busy:
            return
        self.cut_in_index = len(self.call.live.conversation.turns)
        self.start_reply((text, round(frame.start, 3), round(frame.at, 3)))

    async def finish_cut_in(self, text: str, end: float) -> None:
        """The agent stopped talking after the customer cut in: their turn is all they said and
        ends now, so the customer's turn starts inside it (the customer's interruption)."""
        index, self.cut_in_index = self.cut_in_index, None
        if self.reply_task is not None:
            await asyncio.wait({self.reply_task})
        live = self.call.live
        turns = live.conversation.turns
        if index is None or index >= len(turns) or turns[index].speaker != "agent":
            return
        before = turns[index]
        text = text or before.text
        end = max(end, before.end or end)
        turns[index] = ScoredTurn("agent", text, before.start, round(end, 3))
        with Session(self.call.engine, expire_on_commit=False) as db:
            for turn in live.turns:
                if turn.index == index and turn.speaker == "agent":
                    turn.text, turn.end = text, round(end, 3)
                    db.add(turn)
            _save_state(db, live)
        await self.send(
            {
                "type": "caption",
                "speaker": "agent",
                "index": index,
                "text": text,
                "final": True,
                "start": before.start,
                "end": round(end, 3),
            }
        )

    def start_reply(self, turn: tuple[str, float, float] | None) -> None:
        previous = self.reply_task
        self.reply_task = self.create_task(self.reply(turn, previous))

    async def reply(
        self, turn: tuple[str, float, float] | None, previous: asyncio.Task[None] | None
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        async with self.lock:
            try:
                await self._reply(turn)
            except PracticeError as exc:
                await self.send({"type": "error", "message": str(exc)})

    async def _reply(self, turn: tuple[str, float, float] | None) -> None:
        live = self.call.live
        if live.ended:
            return
        await self.finish_playback(cut_at=None)  # a reply still playing ends where it is
        signed_in = self.call.signed_in
        if turn is not None and signed_in is not None and not await signed_in():
            # checked before every turn is stored: signed out since the call began
            if self.call.sign_out is not None:
                await self.call.sign_out()
            return
        if turn is not None:
            text, start, end = turn
            with Session(self.call.engine, expire_on_commit=False) as db:
                stored = practice.store_agent_turn(db, live, text)
                stored.start, stored.end = start, end
                db.add(stored)
                db.commit()
            await self.send(
                {
                    "type": "caption",
                    "speaker": "agent",
                    "index": stored.index,
                    "text": text,
                    "final": True,
                    "start": start,
                    "end": end,
                }
            )
        agent = live.pending
        assert agent is not None
        index = agent.index + 1
        playback = self.playback = Playback(index)
        self.call.customer_busy = True
        opened = False  # a TTS context is opened with the first text (an empty one is an error)
        phrases = Phrases()
        try:
            # the same runner as the text chat, given the agent turn's times so that talking
            # over the customer is seen as an interruption
            async for chunk in live.conversation.areply(
                agent.text, start=agent.start, end=agent.end
            ):
                playback.text += chunk
                if not playback.cut:
                    opened = await self.say_pieces(phrases.feed(chunk), opened)
                    await self.send(
                        {
                            "type": "caption",
                            "speaker": "customer",
                            "index": index,
                            "text": playback.text,
                            "final": False,
                        }
                    )
            self.store_reply()
            reply = live.conversation.last_reply
            if reply is not None:
                playback.text = reply.text
        finally:
            if not playback.cut:
                opened = await self.say_pieces(phrases.finish(), opened)
            if opened:
                await self.push_frame(LLMFullResponseEndFrame())
            playback.generating = False
        await self.maybe_finish_playback()

    def store_reply(self) -> None:
        """Store the customer's reply. A reply that ends the call (the customer hangs up or says
        goodbye) does not end the session yet: the session is ended and scored once the line
        has played (or was cut off), so the scored transcript has the last customer turn with
        its times and the words heard (`finish_playback`)."""
        live = self.call.live
        final = live.conversation.state
        with Session(self.call.engine, expire_on_commit=False) as db:
            if not final.ended:
                practice.store_reply(db, live)
                return
            # `store_reply` ends and scores the session with the write when the conversation
            # has ended: it writes the turn as if the call went on, then the real state
            live.conversation.state = replace(final, ended=False)
            try:
                practice.store_reply(db, live)
            finally:
                live.conversation.state = final
            _save_state(db, live)

    # --- the customer's turn ----------------------------------------------------------------------

    async def on_barge_in(self) -> None:
        playback = self.playback
        if playback is None or playback.cut:
            return
        if playback.started is None and not playback.generating and not playback.sentences:
            return
        playback.cut = True
        self.call.metrics.barge_ins += 1
        await self.finish_playback(cut_at=self.call.now())

    async def maybe_finish_playback(self) -> None:
        playback = self.playback
        if playback is None or playback.cut or playback.speaking:
            return
        if not playback.synthesised_all():
            return
        if playback.started is None and playback.sentences and playback.samples > 0:
            return  # audio made but not yet played
        await self.finish_playback(cut_at=None)

    async def finish_playback(self, cut_at: float | None) -> None:
        """Store the customer turn's times (and the text heard, when the agent cut in)."""
        playback = self.playback
        if playback is None:
            return
        if playback.generating and cut_at is None:
            return
        if cut_at is not None and playback.generating:
            # the reply is still being written: store it once it is complete
            while playback.generating and not self.closed:
                await asyncio.sleep(0.01)
        self.playback = None
        self.call.customer_busy = False
        now = self.call.now()
        start = playback.started if playback.started is not None else now
        full = start + playback.samples / SAMPLE_RATE
        text = playback.text.strip()
        end = full
        all_played = playback.synthesised_all() and (cut_at is None or cut_at >= full)
        if cut_at is not None and not all_played:
            # cut off: the turn ends where the agent came in, with the words played by then
            # (sentences not yet synthesised were never heard)
            end = max(cut_at, start)
            heard = playback.heard(end - start)
            if heard:
                text = heard
        start, end = round(start, 3), round(end, 3)
        self.store_customer_times(playback.index, text, start, end)
        live = self.call.live
        if live.conversation.ended and not live.ended:
            # the customer's last line has played: end and score the call with it
            await practice.finish_in_thread(self.call.engine, live)
        await self.send(
            {
                "type": "caption",
                "speaker": "customer",
                "index": playback.index,
                "text": text,
                "final": True,
                "start": start,
                "end": end,
                "truncated": text != playback.text.strip(),
            }
        )
        if live.ended:
            await self.send(ended_message(live))

    def store_customer_times(self, index: int, text: str, start: float, end: float) -> None:
        live = self.call.live
        conversation = live.conversation
        position = next(
            (
                i
                for i in range(len(conversation.turns) - 1, -1, -1)
                if conversation.turns[i].speaker == "customer"
            ),
            None,
        )
        if position is not None:
            conversation.turns[position] = ScoredTurn("customer", text, start, end)
        with Session(self.call.engine, expire_on_commit=False) as db:
            for turn in live.turns:
                if turn.index == index and turn.speaker == "customer":
                    turn.text, turn.start, turn.end = text, start, end
                    db.add(turn)
            _save_state(db, live)

    async def end_call(self) -> None:
        if self.reply_task is not None:
            await asyncio.wait({self.reply_task})
        async with self.lock:
            await self.finish_playback(cut_at=self.call.now())
            live = self.call.live
            with Session(self.call.engine, expire_on_commit=False) as db:
                db.add(live.session)
                practice.finish(db, live)
            await self.send(ended_message(live))


# --- messages ------------------------------------------------------------------------------------


def snapshot(live: LiveSession) -> dict[str, Any]:
    extra = {}
    state = live.session.state_json or {}
    if practice.RETURN_URL_KEY in state:
        extra[practice.RETURN_URL_KEY] = state[practice.RETURN_URL_KEY]
    return {**live.conversation.snapshot(), **extra}


def ended_url(session: PracticeSession) -> str:
    if session.mode is SessionMode.preview:
        return f"/practice/{session.id}"
    return f"/attempts/{session.id}"


def ended_message(live: LiveSession) -> dict[str, Any]:
    return {"type": "ended", "outcome": live.session.outcome, "url": ended_url(live.session)}


def hello_message(live: LiveSession) -> dict[str, Any]:
    return {
        "type": "hello",
        "session": live.id,
        "customer": live.conversation.scenario.customer.name,
        "sample_rate": SAMPLE_RATE,
        "status": live.session.status.value,
        "turns": [turn_message(turn) for turn in live.turns],
    }


def turn_message(turn: Turn) -> dict[str, Any]:
    return {
        "index": turn.index,
        "speaker": turn.speaker,
        "text": turn.text,
        "start": turn.start,
        "end": turn.end,
    }


def _save_state(db: Session, live: LiveSession) -> None:
    """Store the live conversation's state on its session row and commit."""
    session = db.get(PracticeSession, live.id)
    assert session is not None
    session.state_json = snapshot(live)
    live.session.state_json = session.state_json
    db.add(session)
    db.commit()
