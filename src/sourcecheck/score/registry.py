"""Scorer backends by name, found through the ``sourcecheck.scorers`` entry-point group.

The built-in backends (``verifier``, ``baseline``, ``hf:MODEL``, ``llm:MODEL``, ...) are
declared in sourcecheck's own ``pyproject.toml`` under that group, exactly as another
package declares its own::

    [project.entry-points."sourcecheck.scorers"]
    my-nli = "my_package.sourcecheck_plugin:PLUGIN"

An entry point names a :class:`ScorerPlugin` (or a bare factory ``(argument) -> Scorer``,
which is read as a plugin taking an optional argument). ``--model NAME`` and
``--model NAME:ARGUMENT`` pick it; the scorer it builds reports its versioned name
(``sourcecheck.verifier.v1``) and model id in every report. Nothing is imported until a
backend is asked for, so listing the names never loads torch. :func:`register` adds a
backend from code (a notebook, a test) without a package.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from sourcecheck.errors import ConfigError, one_line
from sourcecheck.score.base import Scorer

GROUP = "sourcecheck.scorers"
#: The distribution whose entry points are the built-in backends: they win a name clash.
OWN_DISTRIBUTION = "sourcecheck"

ScorerFactory = Callable[[str], Scorer]


@dataclass(frozen=True)
class ScorerPlugin:
    """One backend: ``build(argument)`` makes the scorer (``argument`` is what follows
    ``NAME:``, "" when nothing does). ``argument`` says what that is ("MODEL"; None = the
    backend takes none) and ``argument_required`` whether it must be given; the registry
    checks both before ``build`` runs. ``summary``: one line for listings."""

    build: ScorerFactory
    argument: str | None = None
    argument_required: bool = False
    summary: str = ""
    #: What a missing required argument should be, for the error ("a model id or local
    #: path, e.g. hf:./my-nli-model").
    argument_help: str = ""


@dataclass(frozen=True)
class _Entry:
    name: str
    origin: str  # "sourcecheck", another distribution's name, or "register()"
    load: Callable[[], object]


_lock = threading.Lock()
_registered: dict[str, _Entry] = {}
_loaded: dict[str, ScorerPlugin] = {}


def register(
    name: str, plugin: ScorerPlugin | ScorerFactory | None = None
) -> Callable[[ScorerFactory], ScorerFactory]:
    """Add a backend from code: ``register("mine", ScorerPlugin(...))``, or as a decorator
    of a factory (``@register("mine")``), which then takes an optional argument. A name
    registered this way replaces an entry point's."""

    def add(item: ScorerPlugin | ScorerFactory) -> None:
        with _lock:
            _registered[name] = _Entry(name, "register()", lambda: item)
            _loaded.pop(name, None)

    if plugin is not None:
        add(plugin)

    def wrap(factory: ScorerFactory) -> ScorerFactory:
        add(factory)
        return factory

    return wrap


def _entry_points() -> dict[str, _Entry]:
    """Every backend name: entry points of the group (sourcecheck's own first, so that
    another package cannot take a built-in's name), then :func:`register`'s."""
    found: dict[str, _Entry] = {}
    clashes: dict[str, list[str]] = {}
    points = sorted(
        metadata.entry_points(group=GROUP),
        key=lambda ep: (_distribution(ep) != OWN_DISTRIBUTION, _distribution(ep), ep.name),
    )
    for ep in points:
        origin = _distribution(ep)
        if ep.name in found:
            if found[ep.name].origin != origin:
                clashes.setdefault(ep.name, [found[ep.name].origin]).append(origin)
            continue
        found[ep.name] = _Entry(ep.name, origin, ep.load)
    for name, origins in clashes.items():
        # Kept: the first (sourcecheck's own, else the first by distribution name).
        also = f" (also offered by {', '.join(origins[1:])})"
        found[name] = _Entry(name, found[name].origin + also, found[name].load)
    with _lock:
        found.update(_registered)
    return found


def _distribution(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return str(dist.metadata["Name"]) if dist is not None else "?"


def _plugin(entry: _Entry) -> ScorerPlugin:
    with _lock:
        if entry.name in _loaded:
            return _loaded[entry.name]
    try:
        obj = entry.load()
    except Exception as exc:  # an uninstalled dependency, a typo in the entry point
        raise ConfigError(
            f"model backend {entry.name!r} (from {entry.origin}) cannot be loaded: {one_line(exc)}"
        ) from exc
    if isinstance(obj, ScorerPlugin):
        plugin = obj
    elif callable(obj):
        plugin = ScorerPlugin(build=obj, argument="ARG")
    else:
        raise ConfigError(
            f"model backend {entry.name!r} (from {entry.origin}) is a {type(obj).__name__}, "
            "not a ScorerPlugin or a factory"
        )
    with _lock:
        _loaded[entry.name] = plugin
    return plugin


def _no_backends() -> ConfigError:
    return ConfigError(
        f"no model backends are registered (entry-point group {GROUP!r} is empty): "
        "sourcecheck is not installed in this environment; pip install -e . (or pip install "
        "sourcecheck)"
    )


@dataclass(frozen=True)
class Backend:
    """A backend as ``sourcecheck models`` lists it."""

    name: str
    usage: str  # as a user writes it: "baseline", "hf:MODEL", "verifier[:PATH]"
    origin: str  # the distribution that offers it, or "register()"
    summary: str
    problem: str | None = None  # why it cannot be loaded, where it cannot


def backends() -> list[Backend]:
    """Every backend found, by name; one that cannot be loaded says why."""
    out = []
    for name, entry in sorted(_entry_points().items()):
        try:
            plugin = _plugin(entry)
        except ConfigError as exc:
            out.append(Backend(name, name, entry.origin, "", str(exc)))
            continue
        if plugin.argument is None:
            usage = name
        elif plugin.argument_required:
            usage = f"{name}:{plugin.argument}"
        else:
            usage = f"{name}[:{plugin.argument}]"
        out.append(Backend(name, usage, entry.origin, plugin.summary))
    return out


def known_scorers() -> list[str]:
    """The backend names ``--model`` accepts, as a user writes them: ``baseline``,
    ``hf:MODEL``, ``verifier[:PATH]``; one that cannot be loaded is marked "(broken)"."""
    return [b.usage + (" (broken)" if b.problem else "") for b in backends()]


def get_scorer(name: str) -> Scorer:
    """Build the scorer ``name`` names (``verifier``, ``baseline``, ``hf:MODEL``, ...)."""
    entries = _entry_points()
    if not entries:
        raise _no_backends()
    prefix, colon, argument = name.partition(":")
    entry = entries.get(prefix)
    if entry is None:
        raise ConfigError(f"unknown model {name!r}; known: {', '.join(known_scorers())}")
    plugin = _plugin(entry)
    if plugin.argument is None and colon:
        raise ConfigError(f"model {prefix!r} takes no argument (got {name})")
    if plugin.argument_required and not argument:
        wanted = plugin.argument_help or f"its {plugin.argument}"
        raise ConfigError(f"model {prefix}:{plugin.argument} needs {wanted}")
    scorer = plugin.build(argument)
    if not isinstance(scorer, Scorer):
        raise ConfigError(
            f"model backend {prefix!r} (from {entry.origin}) built a {type(scorer).__name__}, "
            "not a sourcecheck.score.Scorer"
        )
    return scorer


_shared: dict[str, Scorer] = {}
_shared_lock = threading.Lock()


def shared_scorer(name: str) -> Scorer:
    """The scorer ``name`` names, built once per process and shared (a model loads once
    however many checks run)."""
    with _shared_lock:
        if name not in _shared:
            _shared[name] = get_scorer(name)
        return _shared[name]
