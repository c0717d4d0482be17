"""Data worked out once per machine and kept in the temp folder, like Lark's grammar cache:
building it at every start (Mermaid's config schema from YAML, the flowchart parse table
from Lark's) costs a pre-commit run tens of milliseconds."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .hashing import blake2b


def kept_as_json(key: str, build: Callable[[], Any]) -> Any:
    """What `build` returns for `key`, read back when a process of this user built it before.

    The file is named by the key's hash and holds JSON (never code); it is written only when
    the data reads back equal, so `build` must return JSON's own types (lists, string keys).
    """
    digest = blake2b(key.encode(), digest_size=16).hexdigest()
    kept = Path(tempfile.gettempdir()) / f".mermaid-lint-data-{digest}.json"
    try:
        if not hasattr(os, "getuid") or kept.stat().st_uid == os.getuid():  # not one another user left
            return json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = build()
    try:
        encoded = json.dumps(data)
        if json.loads(encoded) == data:
            handle, temporary = tempfile.mkstemp(prefix=kept.name, dir=kept.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(encoded)
            os.replace(temporary, kept)
    except (TypeError, ValueError, OSError):
        pass  # not JSON data, or no writable temp folder: it is built each time
    return data
