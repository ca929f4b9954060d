"""Check the seed files against their schema (flows/seed_schema.py) and say what is wrong, one line a problem:
`FILE:LINE: KEY: message`, with a "did you mean" for a key the schema does not know."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from flows.seed_schema import SCHEMAS

Path_ = tuple[str | int, ...]
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True, kw_only=True)
class ConfigProblem:
    file: Path
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ConfigError(ValueError):
    """One or more seed files do not match their schema; str() gives one line per problem."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _unquote(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


def line_index(text: str) -> dict[Path_, int]:
    """Where each table header and key stands: (table path..., key) -> line number, arrays of tables by index."""
    lines: dict[Path_, int] = {}
    counts: dict[Path_, int] = {}
    table: Path_ = ()
    depth = 0  # inside a multi-line array, lines are values, not keys
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw) if depth == 0 else None
        if header:
            names: Path_ = tuple(_unquote(part.strip()) for part in header.group(2).split("."))
            if header.group(1) == "[[":
                index = counts.get(names, 0)
                counts[names] = index + 1
                names = (*names, index)
            table = names
            lines.setdefault(table, number)
            continue
        key = _KEY.match(raw) if depth == 0 else None
        if key:
            lines.setdefault((*table, _unquote(key.group(1))), number)
        code = raw.split("#", 1)[0]
        depth = max(0, depth + code.count("[") - code.count("]"))
    return lines


def _locate(lines: dict[Path_, int], loc: Path_) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _unwrap(annotation: Any) -> Any:
    """`X | None` -> X."""
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    """The keys the schema allows at `loc` (a table path), for suggestions."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict and isinstance(part, str):
            current = get_args(current)[1]
        else:
            return []
    current = _unwrap(current)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _key_name(loc: Path_) -> str:
    """`source[4].enabeld`: arrays of tables counted from 1, as a reader counts them in the file."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _duplicate_names(file: Path, data: dict[str, Any], lines: dict[Path_, int]) -> list[ConfigProblem]:
    problems, seen = [], set()
    for i, entry in enumerate(data.get("source", [])):
        name = entry.get("name") if isinstance(entry, dict) else None
        if name in seen:
            loc: Path_ = ("source", i, "name")
            problems.append(
                ConfigProblem(
                    file=file, line=_locate(lines, loc), key=_key_name(loc), message=f"{name!r} appears twice"
                )
            )
        seen.add(name)
    return problems


def _problem(file: Path, model: type[BaseModel], lines: dict[Path_, int], error: Any) -> ConfigProblem:
    loc: Path_ = tuple(error["loc"])
    key = _key_name(loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        message = "unknown key" + (f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(allowed)})")
    elif error["type"] == "missing":
        message = "missing"
    elif error["type"] == "literal_error":
        message = f"{error['input']!r} is not one of {error['ctx']['expected']}"
    return ConfigProblem(file=file, line=_locate(lines, loc), key=key, message=message)


def check_file(path: Path, kind: str) -> list[ConfigProblem]:
    """Problems in one seed file of `kind` (feeds, topics, entities, relevance); [] when it is fine."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [ConfigProblem(file=path, line=None, key="", message=f"cannot read: {exc}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        message = _TOML_AT.sub("", str(exc)).strip()
        return [ConfigProblem(file=path, line=int(at.group(1)) if at else None, key="", message=f"not TOML: {message}")]
    model = SCHEMAS[kind]
    lines = line_index(text)
    problems = _duplicate_names(path, data, lines) if kind == "feeds" else []
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(path, model, lines, error) for error in exc.errors()] + problems
    return problems


def check_files(files: dict[str, Path]) -> list[ConfigProblem]:
    """Every file by its kind; all problems, so one run of `check-config` lists them all."""
    return [problem for kind, path in files.items() for problem in check_file(path, kind)]


def require_valid(files: dict[str, Path]) -> None:
    problems = check_files(files)
    if problems:
        raise ConfigError(problems)
