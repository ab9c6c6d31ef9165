"""Parsed specs per version, built once per process: parsing is the expensive part of a load.

A version that calls deployed models by key (workflows/call_specs.py) also gets, per called
version, specs of that version's own, compiled once and cached by version id (`callee`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from . import call_specs, rows
from .call_specs import DEPLOYMENT, CallSpecs
from .models import ProcessModelVersion
from .parsing import build_parser, load_specs, read_files


class Forms(dict[str, Any]):
    """A version's forms by file name; a name qualified with a called version
    (call_specs.qualified_form, the form of a human task inside a call by key) is that version's."""

    def get(self, key: str, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return self[key]
        parts = call_specs.split_qualified_form(key)
        if parts is None:
            return default
        model_key, number, form = parts
        version = rows.find_version(model_key, number)
        return default if version is None else callee(version.pk).forms.get(form, default)


@dataclass(frozen=True)
class CompiledVersion:
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, Any]
    # calledElement → binding, for the calls by key (callees outside the file set).
    calls: dict[str, str] = field(default_factory=dict)


_cache: dict[str, CompiledVersion] = {}
_callees: dict[int, CompiledVersion] = {}
_lock = threading.Lock()


def connect_loops(spec: Any) -> None:
    """Tell each loop's (multi-instance, standard loop) inner task spec to report its completions
    to the loop, as Spiff's serializer does when it reads a spec back. Spiff's parser leaves it to
    the first child the loop creates, in that process: a loop whose children were created in
    another process (a signature in one gunicorn worker, the countersign opened in another, or a
    restart, or a migration to a new version in between) would never learn that they finished."""
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = spec.task_specs.get(task_spec.task_spec)
            if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def compile_files(
    files: dict[str, str], main_process_id: str, bound: dict[str, int] | None = None
) -> CompiledVersion:
    """`bound`: the versions recorded for the `deployment` bindings (ProcessModelVersion.callees)."""
    parsed = read_files(files)
    parser = build_parser(parsed)
    spec, found = load_specs(parser, main_process_id)
    # The parser leaves None for a callee outside the file set: a model called by key.
    own = {name: sub for name, sub in found.items() if sub is not None}
    for loaded in (spec, *own.values()):
        connect_loops(loaded)
    calls = call_specs.calls_by_key(spec, own)
    if not calls:
        return CompiledVersion(spec=spec, subprocess_specs=own, forms=Forms(parsed.forms))
    for task_spec in call_specs.task_specs(spec, own):
        if call_specs.is_call(task_spec) and task_spec.spec in calls:
            call_specs.map_data_strictly(task_spec)
    specs = CallSpecs(own, calls, dict(bound or {}), _resolve)
    return CompiledVersion(spec=spec, subprocess_specs=specs, forms=Forms(parsed.forms), calls=calls)


def _cached(
    cache: dict[Any, CompiledVersion], key: Any, build: Callable[[], CompiledVersion]
) -> CompiledVersion:
    found = cache.get(key)
    if found is not None:
        return found
    with _lock:
        found = cache.get(key)
        if found is None:
            found = build()
            cache[key] = found
    return found


def compiled(version: ProcessModelVersion) -> CompiledVersion:
    # Keyed by content hash, never by id: a version's files cannot change, and equal content
    # deployed under two models can share the parse; unless the version records the callee
    # versions of its `deployment` bindings, which are its own.
    key = f"{version.content_hash}:{version.main_process_id}"
    if version.callees:
        key = f"{key}:{version.pk}"
    return _cached(
        _cache, key, lambda: compile_files(version.files, version.main_process_id, version.callees)
    )


def callee(version_id: int) -> CompiledVersion:
    """The specs of a version as a call runs it: compiled apart from compiled(), whose objects
    the version's own instances use, and scoped to the version (call_specs.scope_to_version)."""

    def build() -> CompiledVersion:
        version = rows.cached_version(version_id)
        found = compile_files(version.files, version.main_process_id, version.callees)
        call_specs.scope_to_version(
            found.spec, found.subprocess_specs, version.pk, version.process_model.key, version.number
        )
        return found

    return _cached(_callees, version_id, build)


def pinned_spec(pin: call_specs.Pin) -> Any:
    """The spec a pin names: a called version's main process, or a subprocess inside it."""
    version_id, name = pin
    found = callee(version_id)
    return found.spec if name is None else dict.__getitem__(found.subprocess_specs, name)


def callee_version(called: str, binding: str, bound: dict[str, int]) -> ProcessModelVersion:
    """The version of model `called` that a call with this binding runs if it starts now."""
    if binding == DEPLOYMENT:
        if called not in bound:
            raise KeyError(f"no version of the process model {called!r} was recorded for this call")
        return rows.cached_version(bound[called])
    version = rows.find_version(called)
    if version is None:
        raise KeyError(f"the called process model {called!r} has no deployed version")
    return version


def _resolve(specs: CallSpecs, key: str) -> Any:
    scoped = call_specs.split_scoped_key(key)
    if scoped is None:
        if key not in specs.calls:
            raise KeyError(key)
        return callee(callee_version(key, specs.calls[key], specs.bound).pk).spec
    version_id, name = scoped
    inside = callee(version_id)
    if dict.__contains__(inside.subprocess_specs, name):
        return dict.__getitem__(inside.subprocess_specs, name)
    if name in inside.calls:
        bound = getattr(inside.subprocess_specs, "bound", {})
        return callee(callee_version(name, inside.calls[name], bound).pk).spec
    raise KeyError(key)
