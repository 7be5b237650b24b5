"""Persona files and the curriculum: typed models (`schema`) and the line-exact loader."""

from server.scenario.loader import (
    Problem,
    ScenarioError,
    ScenarioLibrary,
    find_scenario,
    jsonschema,
    lint,
    load_all,
    load_curriculum,
    load_scenario,
    parse_curriculum,
    parse_scenario,
)
from server.scenario.schema import (
    BEHAVIOR_IDS,
    MOOD_BANDS,
    Curriculum,
    DontSay,
    Issue,
    Scenario,
    Week,
)

__all__ = [
    "BEHAVIOR_IDS",
    "MOOD_BANDS",
    "Curriculum",
    "DontSay",
    "Issue",
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioLibrary",
    "Week",
    "find_scenario",
    "jsonschema",
    "lint",
    "load_all",
    "load_curriculum",
    "load_scenario",
    "parse_curriculum",
    "parse_scenario",
]
