"""Which files a run skips: `exclude` / `extend-exclude` patterns and .gitignore files.

All patterns are gitignore-style (pathspec): a pattern with a slash is anchored to the folder
it is relative to, one without matches a name at any depth, a trailing slash matches folders.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathspec is imported on first use: some installs pull in asyncio with it
    from pathspec import GitIgnoreSpec


def relative_to_root(path: str | Path, root: str | Path) -> str:
    """The path relative to `root` in POSIX form, or the path itself when it is outside."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return Path(path).as_posix()


@lru_cache(maxsize=1024)
def _spec(patterns: tuple[str, ...]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(patterns)


def pattern_matches(pattern: str, relative: str) -> bool:
    return _spec((pattern,)).match_file(relative)


def _verdict(spec: GitIgnoreSpec, relative: str) -> bool | None:
    """Git's rule: the last pattern that matches decides (a `!pattern` re-includes)."""
    decision = None
    for pattern in spec.patterns:
        if pattern.include is not None and pattern.match_file(relative):
            decision = pattern.include
    return decision


# The ignore files in force in a folder: (folder they are relative to, patterns), outermost first.
Layers = "tuple[tuple[Path, GitIgnoreSpec], ...] | None"


class PathFilter:
    """Answers "is this path skipped?" for one run's settings."""

    def __init__(self, settings) -> None:
        self.root = Path(os.path.abspath(settings.root))
        self._exclude_patterns = (*settings.exclude, *settings.extend_exclude)
        self.respect_gitignore = settings.respect_gitignore
        self.force_exclude = settings.force_exclude
        self._layers: dict[Path, Layers] = {}

    def skips(self, path: Path, is_dir: bool, explicit: bool = False) -> bool:
        """A path found by searching a folder, or named on the command line (`explicit`):
        those are checked whatever the patterns say, unless `force-exclude` is set."""
        if explicit and not self.force_exclude:
            return False
        absolute = Path(os.path.abspath(path))
        suffix = "/" if is_dir else ""
        if _spec(self._exclude_patterns).match_file(relative_to_root(absolute, self.root) + suffix):
            return True
        return self.respect_gitignore and self._gitignored(absolute, suffix)

    def _gitignored(self, absolute: Path, suffix: str) -> bool:
        decision = None
        for base, spec in self._gitignore_layers(absolute.parent) or ():
            verdict = _verdict(spec, absolute.relative_to(base).as_posix() + suffix)
            if verdict is not None:
                decision = verdict
        return bool(decision)

    def _gitignore_layers(self, folder: Path) -> Layers:
        """The ignore files that apply in `folder`, outermost first: the repository's
        .git/info/exclude, then each .gitignore from the repository root down; None outside a
        git repository, where .gitignore files mean nothing (as for git, ripgrep and ruff)."""
        if folder not in self._layers:
            if (folder / ".git").exists():
                outer: Layers = _read_layer(folder, folder / ".git" / "info" / "exclude")
            else:
                outer = None if folder.parent == folder else self._gitignore_layers(folder.parent)
            self._layers[folder] = None if outer is None else outer + _read_layer(folder, folder / ".gitignore")
        return self._layers[folder]


def _read_layer(base: Path, ignore_file: Path) -> tuple[tuple[Path, GitIgnoreSpec], ...]:
    try:
        lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    return ((base, _spec(tuple(lines))),)
