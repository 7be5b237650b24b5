"""The customer's voice follows the persona: Piper's pace (`customer.voice.piper.length_scale`)."""

from __future__ import annotations

from server.scenario.schema import PiperVoice, Voices
from server.voice.tts import CustomerTTS


async def seconds_of(tts: CustomerTTS, text: str) -> float:
    stream, rate = tts._piper_stream(text)
    samples = sum([len(chunk) // 2 async for chunk in stream])
    return samples / rate


async def test_the_persona_pace_slows_the_voice_down() -> None:
    text = "I have called three times this week about the same outage."
    usual = await seconds_of(CustomerTTS(), text)
    slow = await seconds_of(CustomerTTS(persona=Voices(piper=PiperVoice(length_scale=1.5))), text)
    assert 1.2 < slow / usual < 1.8, (usual, slow)
