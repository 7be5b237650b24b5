"""The voice pipeline of one call, on pipecat:

    WebSocket in (16 kHz PCM) → Silero VAD (0.2 s stop) → session clock → faster-whisper
    (per VAD segment, started 0.1 s into the speaker's pause) → user turns (Smart Turn v3.2
    decides the end of the turn; a new turn while the customer speaks is a barge-in) → the
    customer runner → TTS, sentence by sentence → WebSocket out (16 kHz PCM, paced in real
    time, and JSON messages)

Everything here is pipecat's except the session clock, the customer processor, the
subclassed STT/TTS services (see their modules for why) and the VAD processor's pause signal.

The transcript of a segment gates the end of the turn, so its transcription starts before the
VAD stops: `PauseVADProcessor` tells the STT service when the speech has paused for
`SPEECH_PAUSE_S` (Silero's state is "stopping"), the service transcribes the segment so far,
and when the VAD then stops without more speech that transcription is the segment's; when the
speech goes on it is dropped. Half of the VAD's stop window comes off the time to the
transcript; Smart Turn still decides the end of the turn at the VAD's stop.

The turn ends no sooner than the call's minimum silence after the speech (`GatedTurnStop`): a
'complete' in a shorter pause waits, and is dropped when the speech goes on, so the turn goes
on too and Smart Turn judges the whole of it at the next stop (`WholeTurnSmartTurn` keeps the
audio a 'complete' would otherwise have dropped).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi import WebSocket
from pipecat.audio.turn.base_turn_analyzer import EndOfTurnState
from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3
from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.audio.vad.vad_analyzer import VADParams, VADState
from pipecat.frames.frames import Frame, InputAudioRawFrame
from pipecat.metrics.metrics import MetricsData
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.audio.vad_processor import VADProcessor
from pipecat.processors.frame_processor import FrameDirection
from pipecat.transports.websocket.fastapi import (
    FastAPIWebsocketParams,
    FastAPIWebsocketTransport,
)
from pipecat.turns.user_start.vad_user_turn_start_strategy import VADUserTurnStartStrategy
from pipecat.turns.user_stop.turn_analyzer_user_turn_stop_strategy import (
    TurnAnalyzerUserTurnStopStrategy,
)
from pipecat.turns.user_turn_processor import UserTurnProcessor
from pipecat.turns.user_turn_strategies import UserTurnStrategies
from pipecat.workers.runner import WorkerRunner

from server.voice.call import (
    CustomerProcessor,
    SessionClock,
    VoiceCall,
    silence_held,
    wait_for_silence,
)
from server.voice.protocol import SAMPLE_RATE, VoiceSerializer
from server.voice.stt import SparringWhisperSTT, SpeechPaused, SpeechResumed, transcriber
from server.voice.tts import CustomerTTS

VAD_STOP_S = 0.2
VAD_START_S = 0.2
SPEECH_PAUSE_S = 0.1  # silence before the segment so far is transcribed (< VAD_STOP_S)


class NotingSmartTurn(LocalSmartTurnAnalyzerV3):
    """pipecat's Smart Turn v3, noting each decision (and on how much audio) in the call's
    end-of-turn log."""

    def __init__(self, call: VoiceCall | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._call = call

    def append_audio(self, buffer: bytes, is_speech: bool) -> EndOfTurnState:
        state = super().append_audio(buffer, is_speech)
        if state is EndOfTurnState.COMPLETE and self._call is not None:
            self._call.note(f"smart turn: silence fallback ({self._params.stop_secs} s)")
        return state

    def _predict_endpoint(self, audio_array: Any) -> dict[str, Any]:
        result = super()._predict_endpoint(audio_array)
        if self._call is not None:
            self._call.note(
                f"smart turn: {'complete' if result['prediction'] == 1 else 'incomplete'} "
                f"p={result['probability']:.2f} on {len(audio_array) / SAMPLE_RATE:.2f} s"
            )
        return result


class WholeTurnSmartTurn(NotingSmartTurn):
    """Smart Turn keeping the turn's audio after a 'complete' until the turn ends.

    pipecat's analyzer drops its audio as soon as the model says 'complete'. The turn is only
    over once the silence has lasted `MIN_SILENCE_S` (`GatedTurnStop`); when the speaker goes
    on within it (Piper's comma pause in "I'm sorry, | that sounds really frustrating."), the
    model must judge the whole line at the next stop, not the words after the pause alone (on
    those it says 'incomplete' and only the 3 s silence fallback ends the turn). The audio is
    dropped when the turn ends (the stop strategy clears the analyzer)."""

    async def analyze_end_of_turn(self) -> tuple[EndOfTurnState, MetricsData | None]:
        loop = asyncio.get_running_loop()
        state: EndOfTurnState
        result: MetricsData | None
        state, result = await loop.run_in_executor(
            self._model_executor, self._process_speech_segment, self._audio_buffer
        )
        return state, result


# After Smart Turn's 'incomplete' at the VAD stop, it is asked again after these further
# pauses (seconds, one after the other: at about 0.45, 0.75 and 1.15 s of silence), before its
# own 3 s silence fallback.
ASK_AGAIN_PAUSES_S = (0.25, 0.3, 0.4)


class GatedTurnStop(TurnAnalyzerUserTurnStopStrategy):  # type: ignore[no-untyped-call]
    """pipecat's Smart Turn stop strategy, ending the turn no sooner than the call's minimum
    silence (`silence_held`): a 'complete' reached earlier waits for it, on
    the session clock, and is dropped when the VAD hears the speech go on, so that the turn
    (and Smart Turn's audio) goes on too and the next stop decides on the whole of it."""

    def __init__(self, *, call: VoiceCall, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._call = call
        self._hold: asyncio.Task[None] | None = None
        self._again: asyncio.Task[None] | None = None

    async def _handle_vad_user_stopped_speaking(self, frame: Any) -> None:
        await super()._handle_vad_user_stopped_speaking(frame)
        if not self._turn_complete and self._again is None:
            # Smart Turn decides at the VAD stop on 0.2 s of silence; a line it scores just
            # under 'complete' would otherwise wait for its 3 s silence fallback. Asked again
            # as the silence grows, it hears the turn is over.
            self._again = self.task_manager.create_task(self._ask_again(), f"{self}::_ask_again")

    async def _ask_again(self) -> None:
        try:
            for pause in ASK_AGAIN_PAUSES_S:
                await asyncio.sleep(pause)
                if self._vad_user_speaking or self._turn_complete:
                    return
                state, prediction = await self._turn_analyzer.analyze_end_of_turn()
                await self._handle_prediction_result(prediction)
                if state == EndOfTurnState.COMPLETE:
                    self._call.note("smart turn: complete when asked again")
                    self._turn_complete = True
                    await self._maybe_trigger_user_turn_stopped()  # type: ignore[no-untyped-call]
                    return
        finally:
            self._again = None

    async def trigger_user_turn_stopped(self, **kwargs: Any) -> None:
        if silence_held(self._call):
            await super().trigger_user_turn_stopped(**kwargs)
            return
        self._call.note(
            f"stop deferred (speaking {self._call.speaking}, rising {self._call.voice_rising})"
        )
        if self._hold is None:
            self._hold = self.task_manager.create_task(
                self._hold_then_trigger(), f"{self}::_hold_then_trigger"
            )

    async def _hold_then_trigger(self) -> None:
        held = await wait_for_silence(self._call)
        self._hold = None
        if held:
            await super().trigger_user_turn_stopped()
        else:
            self._call.note("stop dropped: speech went on")

    async def _discard_pending_end_of_turn(self) -> None:
        if self._again is not None and self._again is not asyncio.current_task():
            await self.task_manager.cancel_task(self._again)
            self._again = None
        if self._hold is not None:
            await self.task_manager.cancel_task(self._hold)
            self._hold = None
        await super()._discard_pending_end_of_turn()  # type: ignore[no-untyped-call]


class PauseAwareVAD(SileroVADAnalyzer):
    """Silero VAD keeping its latest state (pipecat's controller only reports start and stop)."""

    state = VADState.QUIET

    async def analyze_audio(self, buffer: bytes) -> VADState:
        self.state = await super().analyze_audio(buffer)
        return self.state


class PauseVADProcessor(VADProcessor):
    """pipecat's VAD processor, which also pushes `SpeechPaused` once the speech has paused for
    `pause_s` and `SpeechResumed` when it goes on before the VAD stopped."""

    def __init__(
        self,
        *,
        vad_analyzer: PauseAwareVAD,
        pause_s: float,
        call: VoiceCall | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(vad_analyzer=vad_analyzer, **kwargs)
        self._analyzer = vad_analyzer
        self._call = call
        self._pause_s = pause_s
        self._paused_s = 0.0
        self._signalled = False

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if not isinstance(frame, InputAudioRawFrame):
            return
        if self._call is not None:
            self._call.voice_rising = self._analyzer.state is VADState.STARTING
        if self._analyzer.state is VADState.STOPPING:
            self._paused_s += len(frame.audio) / 2 / (frame.sample_rate or SAMPLE_RATE)
            if not self._signalled and self._paused_s >= self._pause_s:
                self._signalled = True
                await self.push_frame(SpeechPaused())
            return
        if self._signalled and self._analyzer.state is VADState.SPEAKING:
            await self.push_frame(SpeechResumed())
        self._signalled = False
        self._paused_s = 0.0


@dataclass
class Engines:
    """What the pipeline speaks and listens with. Defaults: the shared bundled models; tests
    hand in wrappers of the same models that fail on purpose."""

    stt_model: str = ""
    whisper: Any = None
    piper: Any = None
    tts_engine: str = "piper"
    edge_voice: str = "en-US-GuyNeural"


def build_task(websocket: WebSocket, call: VoiceCall, engines: Engines) -> PipelineWorker:
    transport = FastAPIWebsocketTransport(
        websocket,
        FastAPIWebsocketParams(
            audio_in_enabled=True,
            audio_in_sample_rate=SAMPLE_RATE,
            audio_out_enabled=True,
            audio_out_sample_rate=SAMPLE_RATE,
            audio_out_auto_silence=False,
            audio_out_end_silence_secs=0,
            serializer=VoiceSerializer(),
            allowed_origins=[],  # the route checks the origin with the app's own rule
        ),
    )
    vad = PauseVADProcessor(
        vad_analyzer=PauseAwareVAD(params=VADParams(start_secs=VAD_START_S, stop_secs=VAD_STOP_S)),
        pause_s=SPEECH_PAUSE_S,
        call=call,
    )
    turns = UserTurnProcessor(
        user_turn_strategies=UserTurnStrategies(
            start=[VADUserTurnStartStrategy()],
            stop=[GatedTurnStop(call=call, turn_analyzer=WholeTurnSmartTurn(call))],
        ),
    )
    stt = SparringWhisperSTT(stt_model=engines.stt_model, model=engines.whisper)
    call.transcribe = transcriber(engines.whisper, engines.stt_model)
    tts = CustomerTTS(
        engine=engines.tts_engine,
        edge_voice=engines.edge_voice,
        piper=engines.piper,
        persona=call.live.conversation.scenario.customer.voice,
    )
    pipeline = Pipeline(
        [
            transport.input(),
            vad,
            SessionClock(call),
            stt,
            turns,
            CustomerProcessor(call),
            tts,
            transport.output(),
        ]
    )
    task = PipelineWorker(
        pipeline,
        params=PipelineParams(audio_in_sample_rate=SAMPLE_RATE, audio_out_sample_rate=SAMPLE_RATE),
        enable_rtvi=False,
        idle_timeout_secs=None,
    )

    async def _gone(_transport: Any, _websocket: Any) -> None:
        await task.cancel()

    transport.add_event_handler("on_client_disconnected", _gone)

    return task


async def run_call(websocket: WebSocket, call: VoiceCall, engines: Engines) -> None:
    """Run the call until the socket closes."""
    task = build_task(websocket, call, engines)
    runner = WorkerRunner(handle_sigint=False, handle_sigterm=False)
    await runner.add_workers(task)
    # The pipeline runs in a task of its own: pipecat cancels its own tasks when the client
    # goes away, and none of that may reach this request's task (the server's cancellation of
    # the request, at shutdown, must stay the only one it sees).
    run = asyncio.ensure_future(runner.run())
    try:
        await asyncio.wait({run})
    except asyncio.CancelledError:
        run.cancel()
        raise
    if not run.cancelled() and run.exception() is not None:
        raise run.exception()  # type: ignore[misc]
