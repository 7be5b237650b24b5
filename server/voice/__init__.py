"""Voice practice: the agent talks to the virtual customer in the browser.

`pipeline` builds one call's pipecat pipeline, `call` holds its session clock and the customer
runner as a processor, `stt`/`tts` adapt pipecat's faster-whisper and TTS services, `protocol`
is the WebSocket wire format, `engines` loads the speech models once per process and `audio`
keeps recordings when `SPARRING_KEEP_AUDIO` is on.

Importing this package quietens pipecat's own logger (loguru) to warnings, and the
deprecation warnings pipecat's modules raise on import.
"""

from __future__ import annotations

import sys
import warnings

from loguru import logger

logger.remove()
logger.add(sys.stderr, level="WARNING")

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    # pipecat's modules warn about their own deprecated names on import (audioop, old
    # service aliases): import them once here, quietly
    import pipecat.audio.utils  # noqa: F401
    import pipecat.services.stt_service  # noqa: F401
    import pipecat.services.tts_service  # noqa: F401
    import pipecat.services.whisper.stt  # noqa: F401
    import pipecat.transports.websocket.fastapi  # noqa: F401
    import pipecat.workers.runner  # noqa: F401
