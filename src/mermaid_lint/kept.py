"""Data worked out once per machine and kept in the temp folder, like Lark's grammar cache:
building it at every start (Mermaid's config schema from YAML, the flowchart parse table
from Lark's, compiled regular expressions) costs a pre-commit run tens of milliseconds."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .hashing import blake2b


def _kept_file(key: str) -> Path:
    # Named per user too: in a shared temp folder, another user's file could not be replaced.
    user = os.getuid() if hasattr(os, "getuid") else ""
    digest = blake2b(f"{user}\0{key}".encode(), digest_size=16).hexdigest()
    return Path(tempfile.gettempdir()) / f".mermaid-lint-data-{digest}.json"


def read_kept(key: str) -> Any:
    """The data `write_kept` kept for `key`, or None (never kept, damaged, or another user's)."""
    kept = _kept_file(key)
    try:
        if not hasattr(os, "getuid") or kept.stat().st_uid == os.getuid():
            return json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    return None


def write_kept(key: str, data: Any) -> None:
    """Keep `data` for `key`: JSON (never code), written only when it reads back equal, so it
    must be JSON's own types (lists, string keys); nothing is kept without a writable temp folder."""
    kept = _kept_file(key)
    try:
        encoded = json.dumps(data)
        if json.loads(encoded) == data:
            handle, temporary = tempfile.mkstemp(prefix=kept.name, dir=kept.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(encoded)
            os.replace(temporary, kept)
    except (TypeError, ValueError, OSError):
        pass


def kept_as_json(key: str, build: Callable[[], Any]) -> Any:
    """What `build` returns for `key`, read back when a process of this user built it before."""
    data = read_kept(key)
    if data is None:
        data = build()
        write_kept(key, data)
    return data
