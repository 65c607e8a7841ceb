"""The nouns ⇄ plain JSON data, by one recursive pair of functions read from the
dataclasses' own type hints: :func:`to_data` writes, :func:`from_data` reads back and
checks every field (type, allowed values, presence), naming the first bad one.

A noun is written as its fields in order, unless ``layout`` declares otherwise: the report
keeps a few shapes that are not its nouns' (an evidence item's locator is flat, a claim's
entry is the verdict with the claim's fields first, scores are rounded). A layout is a
list of :class:`Key`: the JSON key, the attribute path it comes from, and how it is
written; reading follows the same list backwards.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, is_dataclass
from pathlib import PurePath
from typing import Any, Literal

SCORE_DIGITS = 4
_ABSENT: Any = object()


class BadField(Exception):
    """A field of the data is missing or has the wrong type or value."""


@dataclass(frozen=True)
class Key:
    """One key of a noun's JSON object. ``path``: the attribute it holds (``"label"``,
    ``"claim.id"``, ``"locator.page"``; default: the key itself). ``score``: rounded to
    :data:`SCORE_DIGITS` (each value of a mapping). ``omit_none``: left out when None.
    ``group``: a nested object made of these keys. ``free``: free-form data (options, model
    descriptions), written by :func:`jsonable`. ``write``: computed from the whole noun
    (written only, never read). ``missing``: what an absent key reads as."""

    name: str
    path: str = ""
    score: bool = False
    omit_none: bool = False
    group: tuple[Key, ...] = ()
    free: bool = False
    write: Callable[[Any], Any] | None = None
    missing: Any = _ABSENT

    @property
    def attr(self) -> str:
        return self.path or self.name


def keys(*items: str | Key) -> tuple[Key, ...]:
    """A layout: plain names for keys written as they are, :class:`Key` for the others."""
    return tuple(Key(k) if isinstance(k, str) else k for k in items)


#: noun type → its JSON layout, for the nouns whose JSON is not their fields in order.
Layouts = Mapping[type, tuple[Key, ...]]


def round_score(value: float | None) -> float | None:
    return None if value is None else round(float(value), SCORE_DIGITS)


def jsonable(value: object) -> Any:
    """``value`` as plain JSON data, for free-form mappings (options, model descriptions):
    dataclasses and mappings to objects, tuples and sets to lists, paths to strings,
    non-finite floats to None, anything else unknown to ``str``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


# -- writing -------------------------------------------------------------------------------


def to_data(value: object, layouts: Layouts) -> Any:
    """A noun (or a tuple of them, or a mapping) as plain JSON data."""
    if is_dataclass(value) and not isinstance(value, type):
        layout = layouts.get(type(value))
        if layout is None:
            layout = keys(*(f.name for f in dataclasses.fields(value)))
        return _write_keys(value, layout, layouts)
    if isinstance(value, list | tuple):
        return [to_data(v, layouts) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_data(v, layouts) for k, v in value.items()}
    return value


def _write_keys(noun: object, layout: Sequence[Key], layouts: Layouts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in layout:
        if key.group:
            out[key.name] = _write_keys(noun, key.group, layouts)
            continue
        value = key.write(noun) if key.write else _get(noun, key.attr)
        if value is None and key.omit_none:
            continue
        if key.score:
            value = (
                {str(k): round_score(v) for k, v in value.items()}
                if isinstance(value, Mapping)
                else round_score(value)
            )
        if key.write:
            out[key.name] = value
        else:
            out[key.name] = jsonable(value) if key.free else to_data(value, layouts)
    return out


def _get(noun: object, path: str) -> Any:
    for name in path.split("."):
        noun = getattr(noun, name)
    return noun


# -- reading -------------------------------------------------------------------------------


def from_data(cls: type[Any], data: object, layouts: Layouts, where: str) -> Any:
    """Read a ``cls`` back from what :func:`to_data` wrote; :class:`BadField` names the
    first field that is missing or wrong (``report.claims[2].verdict is missing``)."""
    if not isinstance(data, Mapping):
        raise BadField(f"{where} should be an object")
    layout = layouts.get(cls) or keys(*(f.name for f in dataclasses.fields(cls)))
    found: dict[str, Any] = {}
    _read_keys(data, layout, found, where)
    return _build(cls, found, layouts, where)


def _read_keys(
    data: Mapping[str, Any], layout: Sequence[Key], found: dict[str, Any], where: str
) -> None:
    for key in layout:
        if key.write is not None:
            continue
        if key.group:
            nested = data.get(key.name)
            if nested is None:
                nested = {}
            if not isinstance(nested, Mapping):
                raise BadField(f"{where}.{key.name} should be an object")
            _read_keys(nested, key.group, found, f"{where}.{key.name}")
            continue
        if key.name in data:
            value = data[key.name]
        elif key.missing is not _ABSENT:
            value = key.missing
        else:
            continue  # absent: the field's default, or "missing" when it has none
        # Nested paths gather the sub-noun's fields: "locator.page" -> found["locator"]["page"]
        head, *rest = key.attr.split(".")
        target = found
        for name in [head, *rest][:-1]:
            target = target.setdefault(name, {})
        target[([head, *rest])[-1]] = (f"{where}.{key.name}", value)


def _build(cls: type[Any], found: Mapping[str, Any], layouts: Layouts, where: str) -> Any:
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in found:
            if _flattened(cls, f.name, layouts):  # none of its keys given: its defaults
                kwargs[f.name] = _build(_strip_optional(hints[f.name]), {}, layouts, where)
                continue
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                if _optional(hints[f.name]):
                    kwargs[f.name] = None
                    continue
                raise BadField(f"{where}.{_json_name(cls, f.name, layouts)} is missing")
            continue
        got = found[f.name]
        if isinstance(got, dict):  # a flattened sub-noun (its keys sit in this object)
            kwargs[f.name] = _build(_strip_optional(hints[f.name]), got, layouts, where)
        else:
            at, value = got
            kwargs[f.name] = _convert(hints[f.name], value, layouts, at)
    return cls(**kwargs)


def _flat(layout: Sequence[Key]) -> list[Key]:
    return [k for key in layout for k in ([key] if not key.group else _flat(key.group))]


def _flattened(cls: type[Any], attr: str, layouts: Layouts) -> bool:
    """Whether ``attr`` is a sub-noun whose fields sit flat in ``cls``'s object."""
    return any(k.attr.startswith(attr + ".") for k in _flat(layouts.get(cls, ())))


def _json_name(cls: type[Any], attr: str, layouts: Layouts) -> str:
    """The JSON key (``tool.version`` inside a group) that holds attribute ``attr``."""
    return _find(layouts.get(cls, ()), attr) or attr


def _find(layout: Sequence[Key], attr: str) -> str | None:
    for key in layout:
        if key.group:
            inner = _find(key.group, attr)
            if inner is not None:
                return f"{key.name}.{inner}"
        elif key.write is None and (key.attr == attr or key.attr.startswith(attr + ".")):
            return key.name
    return None


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _optional(hint: Any) -> bool:
    return _is_union(hint) and type(None) in typing.get_args(hint)


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _strip_optional(hint: Any) -> Any:
    if _is_union(hint):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return hint


_NAMES = {str: "str", int: "int", float: "float", bool: "bool"}


def _convert(hint: Any, value: Any, layouts: Layouts, where: str) -> Any:
    """``value`` read as ``hint`` says, or :class:`BadField`."""
    if hint is Any or hint is object:
        return value
    if _is_union(hint):
        if value is None and type(None) in typing.get_args(hint):
            return None
        return _convert(_strip_optional(hint), value, layouts, where)
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise BadField(f"{where} is {value!r}; expected one of {', '.join(map(str, allowed))}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise BadField(f"{where} should be a list")
        item = typing.get_args(hint)[0]
        return tuple(_convert(item, v, layouts, f"{where}[{i}]") for i, v in enumerate(value))
    if origin in (dict, Mapping) or hint in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise BadField(f"{where} should be an object")
        args = typing.get_args(hint)
        of = args[1] if len(args) == 2 else Any
        return {str(k): _convert(of, v, layouts, f"{where}.{k}") for k, v in value.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        return from_data(hint, value, layouts, where)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in _NAMES:
        if not isinstance(value, hint) or (hint is not bool and isinstance(value, bool)):
            raise BadField(f"{where} should be {_NAMES[hint]}, not {type(value).__name__}")
        return value
    raise TypeError(f"{where}: no rule to read {hint!r}")  # a noun this module cannot read


__all__ = [
    "SCORE_DIGITS",
    "BadField",
    "Key",
    "from_data",
    "jsonable",
    "keys",
    "round_score",
    "to_data",
]
