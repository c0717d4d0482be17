"""BLAKE2b, the one hash mermaid-lint uses (cache keys, digests of notes, sections, diagrams)."""

try:  # hashlib.blake2b itself: importing hashlib also loads OpenSSL, 2-3 ms of every run
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the built-in module
    from hashlib import blake2b

__all__ = ["blake2b"]
