"""The posted forms that services validate themselves, as FastAPI `Form()` models.

Every route reads its form one way: FastAPI's `Form()`, a parameter per field or, for the forms
below, one model per form. Their fields are plain strings defaulting to "", so a missing or odd
value never becomes FastAPI's JSON 422: the service that owns the form (curriculum settings,
calibration labels) checks each field and the page is shown again with a message per field
(`server.services.form_input.FormError`). The CSRF token arrives in the same body and is
ignored here (the CSRF middleware checks it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from pydantic import BaseModel, ConfigDict


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def fields(self) -> dict[str, str]:
        """The values as the plain `field -> text` mapping the services read."""
        return {name: str(value) for name, value in self.model_dump().items()}


class TeamForm(_Form):
    team_id: str = ""


class OverrideForm(TeamForm):
    target: str = "team"
    behavior: str = ""
    starts_on: str = ""
    due_date: str = ""


class LabelForm(_Form):
    behavior: str = ""
    level: str = ""
    reason: str = ""
    blind: str = ""


class CurriculumForm(TeamForm):
    """The start date, and a pass threshold and a due date per week (blank: the default)."""

    start: str = ""
    threshold_1: str = ""
    due_1: str = ""
    threshold_2: str = ""
    due_2: str = ""
    threshold_3: str = ""
    due_3: str = ""
    threshold_4: str = ""
    due_4: str = ""
    threshold_5: str = ""
    due_5: str = ""
    threshold_6: str = ""
    due_6: str = ""
    threshold_7: str = ""
    due_7: str = ""
    threshold_8: str = ""
    due_8: str = ""
    threshold_9: str = ""
    due_9: str = ""
    threshold_10: str = ""
    due_10: str = ""


TeamFormDep = Annotated[TeamForm, Form()]
OverrideFormDep = Annotated[OverrideForm, Form()]
LabelFormDep = Annotated[LabelForm, Form()]
CurriculumFormDep = Annotated[CurriculumForm, Form()]
