"""Smart Turn's audio over a pause the minimum silence does not let end the turn."""

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from pipecat.audio.turn.base_turn_analyzer import EndOfTurnState

from server.voice.pipeline import WholeTurnSmartTurn


class Judged(WholeTurnSmartTurn):
    """The analyzer with the model replaced: 'complete', noting how much audio it judged."""

    def __init__(self) -> None:
        super().__init__()
        self.judged: list[float] = []

    def _predict_endpoint(self, audio_array: Any) -> dict[str, Any]:
        self.judged.append(len(audio_array) / 16000)
        return {"prediction": 1, "probability": 0.9}


def feed(analyzer: Judged, seconds: float, speech: bool) -> None:
    frame = (np.ones(320, dtype=np.int16) * (1000 if speech else 0)).tobytes()
    for _ in range(round(seconds / 0.02)):
        analyzer.append_audio(frame, speech)


def test_a_complete_keeps_the_turn_audio_until_the_turn_ends() -> None:
    analyzer = Judged()
    analyzer.set_sample_rate(16000)

    async def scenario() -> None:
        feed(analyzer, 1.0, True)  # "I'm sorry,"
        feed(analyzer, 0.2, False)  # the VAD stops in the comma pause
        state, _ = await analyzer.analyze_end_of_turn()
        assert state is EndOfTurnState.COMPLETE
        feed(analyzer, 1.5, True)  # "that sounds really frustrating."
        feed(analyzer, 0.2, False)
        await analyzer.analyze_end_of_turn()
        analyzer.clear()  # the turn ended
        feed(analyzer, 0.5, True)
        feed(analyzer, 0.2, False)
        await analyzer.analyze_end_of_turn()

    asyncio.run(scenario())
    first, whole, next_turn = analyzer.judged
    # the second decision hears the line from its start, not from the pause
    assert whole > first + 1.5
    assert next_turn < whole
    analyzer._executor and analyzer._executor.shutdown()
