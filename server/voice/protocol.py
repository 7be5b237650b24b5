"""The voice WebSocket protocol, as a pipecat frame serializer.

Client → server:
  * binary messages: 16-bit little-endian mono PCM at 16 kHz (any length; 20 ms is usual);
  * text messages (JSON): `{"type": "say", "text": …}` (a typed turn: the text fallback),
    `{"type": "end"}` (the agent ends the conversation).

Server → client:
  * binary messages: the customer's voice, 16-bit mono PCM at 16 kHz, paced in real time;
  * text messages (JSON): `hello` (the conversation so far), `caption` (`speaker`, `index`,
    `text`, `final`), `interrupt` (stop playback now: the agent cut in), `notice` (`kind`,
    `message`: speech recognition or the customer's voice failed, or nothing was heard),
    `ended` (`outcome`, `url` of the scorecard), `error` (`message`).
"""

from __future__ import annotations

import json
from typing import Any

from pipecat.frames.frames import (
    Frame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
)
from pipecat.serializers.base_serializer import FrameSerializer

SAMPLE_RATE = 16_000
MAX_TEXT_CHARS = 16_000
MAX_AUDIO_BYTES = SAMPLE_RATE * 2  # one second per message at most


def client_message(data: str) -> dict[str, Any]:
    """A client's JSON text message, or `{"type": "invalid", "message": why}`."""
    if len(data) > MAX_TEXT_CHARS:
        return {
            "type": "invalid",
            "message": f"the message has {len(data)} characters; "
            "keep one typed turn under 2000 characters",
        }
    try:
        message = json.loads(data)
    except ValueError:
        message = None
    if not isinstance(message, dict) or message.get("type") not in {"say", "end"}:
        return {
            "type": "invalid",
            "message": 'unknown message; send {"type": "say", "text": "..."} or '
            '{"type": "end"}, and audio as binary 16 kHz mono PCM',
        }
    return message


class VoiceSerializer(FrameSerializer):
    """Binary PCM in and out, JSON control messages both ways."""

    async def serialize(self, frame: Frame) -> str | bytes | None:
        if isinstance(frame, OutputAudioRawFrame):
            return frame.audio
        if isinstance(frame, (OutputTransportMessageFrame, OutputTransportMessageUrgentFrame)):
            return json.dumps(frame.message)
        if isinstance(frame, InterruptionFrame):
            return json.dumps({"type": "interrupt"})
        return None

    async def deserialize(self, data: str | bytes) -> Frame | None:
        if isinstance(data, bytes):
            if len(data) > MAX_AUDIO_BYTES or len(data) % 2:
                return InputTransportMessageFrame(
                    message={
                        "type": "invalid",
                        "message": f"an audio message of {len(data)} bytes was dropped; send "
                        "16-bit mono PCM at 16 kHz in pieces of at most one second",
                    }
                )
            return InputAudioRawFrame(audio=data, sample_rate=SAMPLE_RATE, num_channels=1)
        return InputTransportMessageFrame(message=client_message(data))
