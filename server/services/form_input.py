"""Plain-string form input for the manager's pages: one error type that carries a message per
form field (each naming the field and what to enter), and the parsers that fill it."""

from __future__ import annotations

from datetime import date


class FormError(ValueError):
    """Invalid form input: `errors` maps each form field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def parse_date(value: str, label: str, field: str, errors: dict[str, str]) -> date | None:
    """A YYYY-MM-DD date, None when blank; a problem is added to `errors[field]`."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = f"{label}: {value!r} is not a date; enter it as YYYY-MM-DD."
        return None


def parse_percent(value: str, label: str, field: str, errors: dict[str, str]) -> int | None:
    """A whole number 0–100, None when blank; a problem is added to `errors[field]`."""
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 3) or int(value) > 100:
        errors[field] = f"{label}: {value!r} is not a whole number from 0 to 100; enter one."
        return None
    return int(value)
