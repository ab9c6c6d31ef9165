"""Parsed specs per version, built once per process: parsing is the expensive part of a load."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .models import ProcessModelVersion
from .parsing import build_parser, load_specs, read_files


@dataclass(frozen=True)
class CompiledVersion:
    spec: Any
    subprocess_specs: dict[str, Any]
    forms: dict[str, Any]


_cache: dict[str, CompiledVersion] = {}
_lock = threading.Lock()


def compile_files(files: dict[str, str], main_process_id: str) -> CompiledVersion:
    parsed = read_files(files)
    parser = build_parser(parsed)
    spec, subprocess_specs = load_specs(parser, main_process_id)
    return CompiledVersion(spec=spec, subprocess_specs=subprocess_specs, forms=parsed.forms)


def compiled(version: ProcessModelVersion) -> CompiledVersion:
    # Keyed by content hash, never by id: a version's files cannot change, and equal content
    # deployed under two models can share the parse.
    key = f"{version.content_hash}:{version.main_process_id}"
    found = _cache.get(key)
    if found is not None:
        return found
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = compile_files(version.files, version.main_process_id)
            _cache[key] = found
    return found
