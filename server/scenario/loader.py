"""Read persona files and the curriculum with line-exact errors.

The YAML is composed into a node tree with the safe loader, so every value keeps the line it was
written on; pydantic's error locations are then walked down that tree to the line of the field
at fault. All problems of a file (and of a directory) are collected before raising, so a trainer
fixes everything in one pass:

    scenarios/x.yaml:14: mood.start: must be between 0 and 10, got 12

Before the tree is built, the text is checked in one fast pass over libyaml's event stream
(`check_yaml_safety`): at most `MAX_YAML_CHARS` characters, no anchors or aliases (`&x`, `*x`:
they can expand a few kilobytes into gigabytes and nothing in a persona needs them), nesting at
most `MAX_YAML_DEPTH` deep and numbers at most `MAX_NUMBER_CHARS` characters long. So a hostile
or mistaken file gets one clear line, never a traceback or a minute of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from server.scenario.messages import describe_error, is_union_tag
from server.scenario.schema import WORD_FIELDS, Curriculum, Scenario

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

CURRICULUM_FILE = "curriculum.yaml"
MAX_YAML_CHARS = 200_000
"""The longest persona or curriculum file read (the shipped ones are under 15,000)."""
MAX_YAML_DEPTH = 32
"""The deepest nesting of mappings and lists (the schema needs about 6)."""
MAX_NUMBER_CHARS = 40
"""The longest number written in a file (a longer one is almost certainly a mistake)."""
_EventLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file; `str()` is the lint line `file:line: field: message`."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ScenarioError(ValueError):
    """Persona or curriculum files that cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class ScenarioLibrary:
    """Everything `load_all` found in a directory."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    curriculum: Curriculum | None = None


# --- locating fields in the YAML node tree ----------------------------------------------------


def field_name(loc: Loc) -> str:
    """`("issues", 0, "resolved_by")` -> `issues[0].resolved_by`."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node | None] | None:
    """The (key node, value node) for `part` under `node`, or None when it is not there."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item = node.value[part]
        return item, item
    return None


def line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest node along `loc`. Parts that are not in the file (pydantic's
    union tags, a missing field) are skipped, so a missing field points at its parent."""
    if root is None:
        return None
    node = root
    line = root.start_mark.line + 1
    for part in loc:
        found = _child(node, part)
        if found is None:
            continue
        key, value = found
        line = key.start_mark.line + 1
        if value is None:
            break
        node = value
    return line


def _duplicate_keys(node: yaml.Node, loc: Loc = ()) -> Iterable[tuple[Loc, int, str]]:
    """YAML lets a later key silently replace an earlier one; report it instead."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                yield (*loc, name), line, f"given twice (first on line {seen[name]}); keep one"
            else:
                seen[name] = line
            yield from _duplicate_keys(value, (*loc, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*loc, i))


# --- words written as numbers -----------------------------------------------------------------

_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool"))


def _words_as_written(node: yaml.Node, data: Any, path: tuple[str, ...]) -> None:
    """Replace a number (or yes/no) that YAML read at a `WORD_FIELDS` path with the text the
    trainer wrote, so `topics: [39, 64.90]` matches "39" and "64.90" in the agent's words."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if isinstance(node, yaml.SequenceNode) and isinstance(data, list) and head == "*":
        for i, (item, value) in enumerate(zip(node.value, data, strict=False)):
            if not rest and isinstance(item, yaml.ScalarNode) and item.tag in _PLAIN_SCALARS:
                if not isinstance(value, str) and item.value.strip():
                    data[i] = item.value
            else:
                _words_as_written(item, value, rest)
    elif isinstance(node, yaml.MappingNode) and isinstance(data, dict) and head in data:
        found = _child(node, head)
        if found is not None and found[1] is not None:
            _words_as_written(found[1], data[head], rest)


# --- parsing ----------------------------------------------------------------------------------


def _unsafe(source: str, mark: Any, message: str) -> ScenarioError:
    line = mark.line + 1 if mark is not None else None
    return ScenarioError([Problem(source, line, "", message)])


def check_yaml_safety(text: str, source: str) -> None:
    """Refuse, before building anything, YAML that could take unbounded time or memory: raises
    `ScenarioError` naming the line. Syntax errors are left to the full parse that follows."""
    if len(text) > MAX_YAML_CHARS:
        raise _unsafe(
            source,
            None,
            f"the text is {len(text):,} characters; keep a file under {MAX_YAML_CHARS:,}",
        )
    try:
        _check_events(yaml.parse(text, Loader=_EventLoader), source)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error):  # libyaml's own limit, far above ours
            raise _unsafe(source, error.problem_mark, _too_deep()) from None
        # a syntax error; the slower pure-Python events still find anything unsafe before it
        with suppress(yaml.YAMLError):
            _check_events(yaml.parse(text, Loader=yaml.SafeLoader), source)
    except yaml.YAMLError:
        return  # reported with its line by the full parse


def _too_deep() -> str:
    return f"nested more than {MAX_YAML_DEPTH} levels deep; a persona needs far fewer"


def _check_events(events: Iterable[yaml.Event], source: str) -> None:
    resolver = yaml.resolver.Resolver()
    depth = 0
    for event in events:
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise _unsafe(
                source,
                event.start_mark,
                f"YAML alias *{anchor} is not allowed; write the value out in full",
            )
        if anchor:
            raise _unsafe(
                source,
                event.start_mark,
                f"YAML anchor &{anchor} is not allowed; write each value out in full",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise _unsafe(source, event.start_mark, _too_deep())
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif (
            isinstance(event, yaml.ScalarEvent)
            and event.implicit[0]
            and len(event.value) > MAX_NUMBER_CHARS
            and _resolve(resolver, event.value) in _NUMBER_TAGS
        ):
            raise _unsafe(
                source,
                event.start_mark,
                f"a number {len(event.value):,} characters long; numbers here have at most "
                f"{MAX_NUMBER_CHARS} (quote it if it is text)",
            )


_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


def _resolve(resolver: yaml.resolver.Resolver, value: str) -> str:
    """The tag YAML gives a plain (unquoted) scalar."""
    tag: str = resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _read_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    check_yaml_safety(text, source)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or "not valid YAML"
        context = f" ({error.context})" if error.context else ""
        raise ScenarioError(
            [
                Problem(
                    source,
                    line,
                    "",
                    f"YAML syntax: {problem}{context}; fix the indentation or quoting on this line",
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(source, None, "", f"YAML syntax: {error}")]) from None
    except (RecursionError, ValueError, OverflowError) as error:  # a last line of defence
        raise ScenarioError(
            [Problem(source, None, "", f"cannot read this YAML ({type(error).__name__})")]
        ) from None
    finally:
        loader.dispose()
    return root, data


def _validate(model: type[M], text: str, source: str) -> tuple[M, yaml.Node]:
    root, data = _read_yaml(text, source)
    if root is None or not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    source,
                    line_of(root, ()),
                    "",
                    "the file must be a mapping of fields "
                    "(`id: …`, `title: …`, …); see scenarios/hostile_telecom_outage.yaml",
                )
            ]
        )
    if model is Scenario:
        for path in WORD_FIELDS:
            _words_as_written(root, data, path)
    problems = [
        Problem(source, line, field_name(loc), message)
        for loc, line, message in _duplicate_keys(root)
    ]
    try:
        result = model.model_validate(data)
    except ValidationError as error:
        for detail in _best_union_branch(error.errors(include_url=False)):
            loc = tuple(detail["loc"])
            problems.append(
                Problem(
                    source,
                    line_of(root, loc),
                    field_name(_clean(loc)),
                    describe_error(model, detail),
                )
            )
        raise ScenarioError(problems) from None
    if problems:
        raise ScenarioError(problems)
    return result, root


def _best_union_branch(details: list[ErrorDetails]) -> list[ErrorDetails]:
    """A value that fits no member of a union gets one error per member; keep the member that
    got furthest into the value (a mapping given for `{after_turns: N}` is judged as that
    mapping, not as the word `resolved`)."""
    depth: dict[Loc, tuple[int, str | int]] = {}
    for detail in details:
        loc = tuple(detail["loc"])
        for i, part in enumerate(loc):
            if is_union_tag(part):
                best = depth.get(loc[:i])
                if best is None or len(loc) - i > best[0]:
                    depth[loc[:i]] = (len(loc) - i, part)
                break
    kept = []
    for detail in details:
        loc = tuple(detail["loc"])
        tag = next(((i, p) for i, p in enumerate(loc) if is_union_tag(p)), None)
        if tag is None or depth[loc[: tag[0]]][1] == tag[1]:
            kept.append(detail)
    return kept


def _clean(loc: Loc) -> Loc:
    """Drop pydantic's union tags (`literal['resolved']`, `AfterTurns`) from a location."""
    return tuple(p for p in loc if not is_union_tag(p))


def _known_markers() -> frozenset[str]:
    from scorer.markers import MARKERS

    return frozenset(MARKERS)


def _check_markers(scenario: Scenario, root: yaml.Node, source: str) -> list[Problem]:
    known = _known_markers()
    problems = []
    for loc, marker in scenario.markers_used():
        if marker not in known:
            problems.append(
                Problem(
                    source,
                    line_of(root, loc),
                    field_name(loc),
                    f"unknown marker {marker!r}; use one of: {', '.join(sorted(known))}",
                )
            )
    return problems


def _scenario_with_root(text: str, source: str, stem: str | None) -> tuple[Scenario, yaml.Node]:
    scenario, root = _validate(Scenario, text, source)
    problems = _check_markers(scenario, root, source)
    if stem is not None and scenario.id != stem:
        problems.append(
            Problem(
                source,
                line_of(root, ("id",)),
                "id",
                f"must equal the file name {stem!r}, got {scenario.id!r}; rename one of them",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return scenario, root


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """A scenario from YAML text; `source` names it in error messages."""
    return _scenario_with_root(text, source, None)[0]


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_CHARS * 4:  # more bytes than the longest text could take in UTF-8
            raise ScenarioError(
                [
                    Problem(
                        str(path),
                        None,
                        "",
                        f"the file is {size:,} bytes; keep a persona under "
                        f"{MAX_YAML_CHARS:,} characters",
                    )
                ]
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(
            [Problem(str(path), None, "", f"cannot read the file: {error}")]
        ) from None


def load_scenario(path: str | Path) -> Scenario:
    """A scenario from `scenarios/<id>.yaml`; its `id` must equal the file name."""
    path = Path(path)
    return _scenario_with_root(_read(path), str(path), path.stem)[0]


def parse_curriculum(text: str, source: str = "<curriculum>") -> Curriculum:
    return _validate(Curriculum, text, source)[0]


def load_curriculum(path: str | Path) -> Curriculum:
    path = Path(path)
    return parse_curriculum(_read(path), str(path))


def load_all(directory: str | Path) -> ScenarioLibrary:
    """Every `*.yaml` in `directory`: personas plus `curriculum.yaml` when present. Checks that
    ids are unique and that the curriculum recommends only scenarios that exist; raises one
    `ScenarioError` listing the problems of all files."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ScenarioError(
            [Problem(str(directory), None, "", "not a directory; pass the scenarios/ folder")]
        )
    library = ScenarioLibrary()
    problems: list[Problem] = []
    curriculum_root: yaml.Node | None = None
    curriculum_path = directory / CURRICULUM_FILE
    for path in sorted(directory.glob("*.yaml")):
        try:
            if path.name == CURRICULUM_FILE:
                library.curriculum, curriculum_root = _validate(Curriculum, _read(path), str(path))
                continue
            scenario, root = _scenario_with_root(_read(path), str(path), path.stem)
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        if scenario.id in library.scenarios:
            problems.append(
                Problem(
                    str(path),
                    line_of(root, ("id",)),
                    "id",
                    f"{scenario.id!r} is already used by {library.paths[scenario.id]}; "
                    "pick another id",
                )
            )
            continue
        library.scenarios[scenario.id] = scenario
        library.paths[scenario.id] = path
    if library.curriculum is not None and curriculum_root is not None:
        for i, week in enumerate(library.curriculum.weeks):
            for j, scenario_id in enumerate(week.scenarios):
                if scenario_id not in library.scenarios:
                    loc: Loc = ("weeks", i, "scenarios", j)
                    problems.append(
                        Problem(
                            str(curriculum_path),
                            line_of(curriculum_root, loc),
                            field_name(loc),
                            f"no scenario {scenario_id!r} in {directory}; add "
                            f"{scenario_id}.yaml or remove it from the list",
                        )
                    )
    if problems:
        raise ScenarioError(problems)
    return library


def lint(paths: Iterable[str | Path]) -> tuple[int, list[Problem]]:
    """Check files and directories; returns (number of scenarios that loaded, problems)."""
    count = 0
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                count += len(load_all(path).scenarios)
            elif path.name == CURRICULUM_FILE:
                load_curriculum(path)
            else:
                load_scenario(path)
                count += 1
        except ScenarioError as error:
            problems.extend(error.problems)
            if path.is_dir():
                count += _count_valid(path)
    return count, problems


def _count_valid(directory: Path) -> int:
    count = 0
    for path in directory.glob("*.yaml"):
        if path.name == CURRICULUM_FILE:
            continue
        try:
            load_scenario(path)
        except ScenarioError:
            continue
        count += 1
    return count


def find_scenario(name: str | Path, directory: str | Path | None = None) -> Scenario:
    """A scenario by id (looked up in `scenarios/`) or by path to a YAML file."""
    from server.paths import SCENARIOS_DIR

    path = Path(name)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise ScenarioError([Problem(str(path), None, "", "no such file")])
        return load_scenario(path)
    base = Path(directory) if directory is not None else SCENARIOS_DIR
    candidate = base / f"{name}.yaml"
    if not candidate.is_file():
        known = sorted(p.stem for p in base.glob("*.yaml") if p.name != CURRICULUM_FILE)
        raise ScenarioError(
            [
                Problem(
                    str(candidate),
                    None,
                    "",
                    f"no scenario {str(name)!r}; known: {', '.join(known) or 'none'}",
                )
            ]
        )
    return load_scenario(candidate)


def jsonschema() -> dict[str, Any]:
    """JSON Schema of a persona file, with the curriculum's schema under `$defs`."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    curriculum = Curriculum.model_json_schema()
    defs = schema.setdefault("$defs", {})
    defs.update(curriculum.pop("$defs", {}))
    defs["Curriculum"] = curriculum
    return schema
