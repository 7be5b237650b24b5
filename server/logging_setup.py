"""Process-wide logging: one line per record, level from settings."""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_sparring", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._sparring = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    logging.getLogger("sparring").setLevel(level.upper())
