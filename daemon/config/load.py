"""config.toml -> the frozen dataclasses of schema.py, every problem collected.

Every error carries the key path ("queues[1].assign") and a plain sentence.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from pathlib import Path

from daemon.config.schema import TOML_NAMES, Config, ConfigError


def load_config(path: str | os.PathLike, semantics: bool = True) -> Config:
    """Read and validate a config file; raise ConfigError listing every problem. Without
    `semantics`, only the types are checked (the MTA pipe needs no more to spool mail)."""
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None
    return config_from_dict(data, path, semantics)


def config_from_dict(data: dict, path: Path, semantics: bool = True) -> Config:
    """Every problem in one run: a value of the wrong type is reported and replaced by its
    default, so the cross-field checks still run over the rest of the file."""
    problems: list[str] = []
    values = _build(Config, data, "", problems, skip={"path"})
    config = Config(path=path, **values)
    if semantics:
        from daemon.config.checks import check_semantics  # it reads these classes

        typed = [p.partition(": ")[0] for p in problems]
        try:
            found = check_semantics(config)
        except Exception:  # a check tripped over a value reported above already
            found = [] if problems else ["config: the checks failed; please report this"]
        problems.extend(p for p in found if not _under(p.partition(": ")[0], typed))
    if problems:
        raise ConfigError([by_name(p, data) for p in problems])
    return config


def _under(key: str, typed: list[str]) -> bool:
    """A semantic problem at (or inside) a key whose type was wrong already is not news."""
    return any(key == t or key.startswith((t + ".", t + "[")) for t in typed)


NAMED_SECTIONS = ("queues", "rules", "imap", "fields", "sla")
_INDEXED = re.compile(rf"^({'|'.join(NAMED_SECTIONS)})\[(\d+)\]")


def by_name(problem: str, data: dict) -> str:
    """`rules[3].set.priority: ...` -> `rules['Escalate'].set.priority: ...`: an admin
    knows the rule by its name, not by its place in the file."""
    m = _INDEXED.match(problem)
    if not m:
        return problem
    items = data.get(m.group(1))
    i = int(m.group(2))
    item = items[i] if isinstance(items, list) and i < len(items) else None
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str) or not name:
        return problem
    return f"{m.group(1)}[{name!r}]{problem[m.end():]}"


_BAD = object()  # a value of the wrong type: reported, and the default used instead


def _build(cls, data, where: str, problems: list[str], skip=()) -> dict:
    """Type-check a TOML table against a dataclass; collect problems."""
    if not isinstance(data, dict):
        problems.append(f"{where or 'config'}: must be a table, not {data!r}")
        return {}
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    hints = typing.get_type_hints(cls)
    by_toml = {TOML_NAMES.get(n, n): n for n in fields}
    out: dict = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in by_toml:
            known = ", ".join(sorted(by_toml))
            problems.append(f"{path}: unknown key (known keys here: {known})")
            continue
        name = by_toml[key]
        converted = _convert(hints[name], value, path, problems)
        if converted is not _BAD:
            out[name] = converted
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in out and required:
            path = f"{where}.{TOML_NAMES.get(name, name)}" if where else name
            if not any(p.startswith(path + ":") for p in problems):
                problems.append(f"{path}: missing (required)")
            out[name] = hints[name]()  # an empty value, for the other checks to run over
    return out


def _convert(hint, value, path: str, problems: list[str]):
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            problems.append(f"{path}: must be a table, not {value!r}")
            return _BAD
        return hint(**_build(hint, value, path, problems))
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            problems.append(f"{path}: must be a list, not {value!r}")
            return _BAD
        items = [_convert(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
        return [v for v in items if v is not _BAD]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path}: must be a table, not {value!r}")
            return _BAD
        _, vhint = typing.get_args(hint)
        items = {k: _convert(vhint, v, f"{path}.{k}", problems) for k, v in value.items()}
        return {k: v for k, v in items.items() if v is not _BAD}
    if hint is object:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            problems.append(f"{path}: must be true or false, not {value!r}")
            return _BAD
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: must be a whole number, not {value!r}")
            return _BAD
        if value < 0:
            problems.append(f"{path}: must not be negative, not {value!r}")
            return _BAD
        return value
    if hint is str:
        if not isinstance(value, str):
            problems.append(f"{path}: must be a string, not {value!r}")
            return _BAD
        return value
    if isinstance(hint, types.UnionType):  # pragma: no cover - not used by the schema
        return value
    raise TypeError(f"schema type {hint!r} at {path} is not handled")
