"""Which files a run skips: `exclude` / `extend-exclude` patterns and .gitignore files.

All patterns are gitignore-style (pathspec): a pattern with a slash is anchored to the folder
it is relative to, one without matches a name at any depth, a trailing slash matches folders.
Patterns that are only names (the default excludes, most .gitignore lines) are matched
without pathspec, whose import alone would be a tenth of a run answered from the cache.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pathspec is imported on first use: some installs pull in asyncio with it
    from pathspec import GitIgnoreSpec

# A name (of a file or folder, anywhere) or, with a trailing slash, of a folder: no wildcard,
# escape, negation or anchoring, and not only dots.
PLAIN_NAME = re.compile(r"(?=[\w.-]*[\w-])[\w.-]+/?", re.ASCII)

# Whether a pattern list ignores a path relative to its folder (a folder's ends with "/"):
# True, False for a `!pattern` that re-includes it, None when no pattern matches.
Verdict = Callable[[str], "bool | None"]


def _below(absolute: str, folder: str) -> str:
    """The POSIX path of `absolute` relative to `folder`, which holds it."""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return absolute[len(prefix):].replace(os.sep, "/")


def relative_to_root(path: str | Path, root: str | Path) -> str:
    """The path relative to `root` in POSIX form, or the path itself when it is outside."""
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if os.path.normcase(absolute) == os.path.normcase(base):
        return "."
    if os.path.normcase(absolute).startswith(os.path.normcase(base if base.endswith(os.sep) else base + os.sep)):
        return _below(absolute, base)
    if os.fspath(path) == absolute:  # what Path would make of it, without building one
        return absolute.replace(os.sep, "/")
    return Path(path).as_posix()


@lru_cache(maxsize=1024)
def _spec(patterns: tuple[str, ...]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(patterns)


def _names_regex(patterns: tuple[str, ...]) -> re.Pattern | None:
    """For patterns that are all plain names (comments and blank lines match nothing), one
    regular expression of the same form as pathspec's for each; None for other patterns."""
    names = [p for p in patterns if p and not p.startswith("#")]
    if not all(PLAIN_NAME.fullmatch(name) for name in names):
        return None
    folders = "|".join(re.escape(name[:-1]) for name in names if name.endswith("/"))
    anything = "|".join(re.escape(name) for name in names if not name.endswith("/"))
    alternatives = [f"(?:{folders})/"] * bool(folders) + [f"(?:{anything})(?:/|$)"] * bool(anything)
    return re.compile(f"(?:.+/)?(?:{'|'.join(alternatives)})" if alternatives else "(?!)")


def _match_start(relative: str) -> int:
    """A GitIgnoreSpec drops a leading "/" or "./" before matching."""
    return 1 if relative.startswith("/") else 2 if relative.startswith("./") else 0


@lru_cache(maxsize=1024)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether the patterns exclude a path, as pathspec's GitIgnoreSpec decides."""
    names = _names_regex(patterns)
    if names is None:
        return _spec(patterns).match_file
    return lambda relative: names.match(relative, _match_start(relative)) is not None


@lru_cache(maxsize=1024)
def _verdict(patterns: tuple[str, ...]) -> Verdict:
    """Git's rule: the last pattern that matches decides (a `!pattern` re-includes)."""
    names = _names_regex(patterns)
    if names is not None:
        return lambda relative: True if names.match(relative) else None  # each pattern alone: no normalising
    spec = _spec(patterns)

    def verdict(relative: str) -> bool | None:
        decision = None
        for pattern in spec.patterns:
            if pattern.include is not None and pattern.match_file(relative):
                decision = pattern.include
        return decision

    return verdict


def pattern_matches(pattern: str, relative: str) -> bool:
    return _matcher((pattern,))(relative)


# The ignore files in force in a folder: (folder they are relative to, their verdict), outermost first.
Layers = "tuple[tuple[str, Verdict], ...] | None"


class PathFilter:
    """Answers "is this path skipped?" for one run's settings."""

    def __init__(self, settings) -> None:
        self.root = os.path.abspath(settings.root)
        self._excluded = _matcher((*settings.exclude, *settings.extend_exclude))
        self.respect_gitignore = settings.respect_gitignore
        self.force_exclude = settings.force_exclude
        self._layers: dict[str, Layers] = {}

    def skips(self, path: str | Path, is_dir: bool, explicit: bool = False) -> bool:
        """A path found by searching a folder, or named on the command line (`explicit`):
        those are checked whatever the patterns say, unless `force-exclude` is set."""
        if explicit and not self.force_exclude:
            return False
        absolute = os.path.abspath(path)
        suffix = "/" if is_dir else ""
        if self._excluded(relative_to_root(absolute, self.root) + suffix):
            return True
        return self.respect_gitignore and self._gitignored(absolute, suffix)

    def _gitignored(self, absolute: str, suffix: str) -> bool:
        decision = None
        for base, verdict in self._gitignore_layers(os.path.dirname(absolute)) or ():
            found = verdict(_below(absolute, base) + suffix)
            if found is not None:
                decision = found
        return bool(decision)

    def _gitignore_layers(self, folder: str) -> Layers:
        """The ignore files that apply in `folder`, outermost first: the repository's
        .git/info/exclude, then each .gitignore from the repository root down; None outside a
        git repository, where .gitignore files mean nothing (as for git, ripgrep and ruff)."""
        if folder not in self._layers:
            if os.path.exists(os.path.join(folder, ".git")):
                outer: Layers = _read_layer(folder, os.path.join(folder, ".git", "info", "exclude"))
            else:
                parent = os.path.dirname(folder)
                outer = None if parent == folder else self._gitignore_layers(parent)
            self._layers[folder] = None if outer is None else outer + _read_layer(folder, os.path.join(folder, ".gitignore"))
        return self._layers[folder]


def _read_layer(base: str, ignore_file: str) -> tuple[tuple[str, Verdict], ...]:
    try:
        with open(ignore_file, encoding="utf-8", errors="replace") as lines:
            patterns = lines.read().splitlines()
    except OSError:
        return ()
    return ((base, _verdict(tuple(patterns))),)
