"""config.toml -> the frozen dataclasses of schema.py, every problem collected.

Every error carries the key path ("queues[1].assign") and a plain sentence.
"""

from __future__ import annotations

import dataclasses
import os
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
    problems: list[str] = []
    values = _build(Config, data, "", problems, skip={"path"})
    if problems:
        raise ConfigError(problems)
    config = Config(path=path, **values)
    if not semantics:
        return config
    from daemon.config.checks import check_semantics  # it reads these classes

    problems.extend(check_semantics(config))
    if problems:
        raise ConfigError(problems)
    return config


def _build(cls, data, where: str, problems: list[str], skip=()) -> dict:
    """Type-check a TOML table against a dataclass; collect problems."""
    if not isinstance(data, dict):
        problems.append(f"{where or 'config'}: must be a table")
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
        out[name] = _convert(hints[name], value, path, problems)
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in out and required:
            path = f"{where}.{TOML_NAMES.get(name, name)}" if where else name
            problems.append(f"{path}: missing (required)")
            out[name] = None
    return out


def _convert(hint, value, path: str, problems: list[str]):
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return hint(**_build(hint, value, path, problems))
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            problems.append(f"{path}: must be a list")
            return []
        return [_convert(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path}: must be a table")
            return {}
        _, vhint = typing.get_args(hint)
        return {k: _convert(vhint, v, f"{path}.{k}", problems) for k, v in value.items()}
    if hint is object:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            problems.append(f"{path}: must be true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: must be a whole number, not {value!r}")
        elif value < 0:
            problems.append(f"{path}: must not be negative")
        return value
    if hint is str:
        if not isinstance(value, str):
            problems.append(f"{path}: must be a string, not {value!r}")
        return value
    if isinstance(hint, types.UnionType):  # pragma: no cover - not used by the schema
        return value
    raise TypeError(f"schema type {hint!r} at {path} is not handled")
