"""Persona files and the curriculum: typed models (`schema`) and the line-exact loader."""

from server.scenario.schema import (
    BEHAVIOR_IDS,
    MOOD_BANDS,
    Curriculum,
    Issue,
    Scenario,
    Week,
)

__all__ = ["BEHAVIOR_IDS", "MOOD_BANDS", "Curriculum", "Issue", "Scenario", "Week"]
