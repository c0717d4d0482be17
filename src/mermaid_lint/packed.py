"""Values kept pickled and compressed in memory: a run keeps something of every note (its
text, its result, its findings) to the end, and packed they take a fifth of the room or less.
Read values are copies, except those kept as they are; either way they must not be changed."""

from __future__ import annotations

import heapq
import pickle
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from itertools import accumulate
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
V = TypeVar("V")

# How many first values `check` keeps as they are: a run this small needs no packing, and
# packing (about 0.3 ms a note) would be most of a run answered from the cache. (`fix` takes
# far longer a note, and holds more of each: it packs everything.)
KEEP_AS_IS = 1000
# The first values packed (this much of them) are the dictionary the later ones are compressed
# with: notes of one run share much (Markdown around the diagrams, the model's class names,
# rule names and messages), and a note alone is too short for zlib to find it. Findings take
# half the room this way, texts a little more.
DICTIONARY_SIZE = 16 * 1024
# Values that pickle shorter than this are kept pickled, not compressed: compressing one costs
# some 15 us whatever its size (most of a note's run-level facts are this short) and would
# save a hundred bytes at most.
MIN_COMPRESSED = 256

# packed bytes (the first says how), a PickledValue as it came, or a 1-tuple of a value kept as it is
Stored = Any


class Pickled(Sequence[T]):
    """A list that came pickled and compressed (a note's findings read from the results cache)
    and is kept so: each read unpickles it with `loads`, and merges in the few items added
    since (merge_sorted). Packing keeps it as it is (it is packed already), but among the
    values kept as they are it is unpickled once, when first read (a report replayed from
    the cache never reads it); pickling it pickles the list."""

    __slots__ = ("_data", "_length", "_loads", "_added", "_key", "_holds", "_items")

    def __init__(self, data: bytes, length: int, loads: Callable[[bytes], list[T]],
                 added: list[T] | None = None, key: Callable[[T], Any] | None = None, holds: bool = False) -> None:
        self._data = data  # zlib-compressed pickle
        self._length = length
        self._loads = loads
        self._added = added or []  # in `key` order, as the pickled items are
        self._key = key
        self._holds = holds  # keeps its items once read
        self._items: list[T] | None = None

    def items(self) -> list[T]:
        if self._items is not None:
            return self._items
        items = self._loads(zlib.decompress(self._data))
        if self._added:
            items = list(heapq.merge(items, self._added, key=self._key))
        if self._holds:
            self._items = items
        return items

    def holding_items(self) -> Pickled[T]:
        """This list, unpickled only once: when it is first read."""
        return Pickled(self._data, self._length, self._loads, self._added, self._key, holds=True)

    def __len__(self) -> int:
        return self._length + len(self._added)

    def merged(self, added: list[T], key: Callable[[T], Any]) -> Pickled[T]:
        """This list with `added` merged in (both in `key` order), unpickled only when read."""
        return Pickled(self._data, self._length, self._loads, list(heapq.merge(self._added, added, key=key)), key)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items()[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return self.items() == list(other)

    __hash__ = None  # type: ignore[assignment]  # compares like a list

    def __reduce__(self) -> tuple:
        return list, (self.items(),)

    def __repr__(self) -> str:
        return f"Pickled({self.items()!r})"


class PickledValue(Generic[V]):
    """A value that came pickled (a note's run-level facts read from the results cache): packing
    keeps it as it came, and reading unpickles it with `loads` (a run that takes its run-level
    findings from the cache never reads it)."""

    __slots__ = ("data", "loads")

    def __init__(self, data: bytes, loads: Callable[[bytes], V]) -> None:
        self.data = data
        self.loads = loads

    def load(self) -> V:
        return self.loads(self.data)


def merge_sorted(items: Sequence[T], added: list[T], key: Callable[[T], Any]) -> Sequence[T]:
    """sorted([*items, *added], key=key) for items and added already in that order; Pickled
    items stay pickled, with the added ones merged in when they are read."""
    if not added:
        return items
    if isinstance(items, Pickled):
        return items.merged(added, key)
    return list(heapq.merge(items, added, key=key))


class _Packer:
    """Pickles and compresses values, with a dictionary learned from the first ones."""

    def __init__(self, keep_as_is: int) -> None:
        self._keep_as_is = keep_as_is
        self._kept = 0  # values kept as they are
        self._learned = b""
        self._dictionary: bytes | None = None  # once learned, never changes
        self._primed: Any = None  # a compressor that has read the dictionary: copied for each value

    def pack(self, value: object) -> Stored:
        if isinstance(value, PickledValue):  # pickled already: unpack unpickles it (if it is read)
            return value
        if self._kept < self._keep_as_is:
            self._kept += 1
            return (value.holding_items() if isinstance(value, Pickled) else value,)
        if isinstance(value, Pickled):  # packed already, and read as the list it stands for
            return (value,)
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(data) < MIN_COMPRESSED:
            return b"\2" + data
        if self._dictionary is None:
            self._learned += data
            if len(self._learned) >= DICTIONARY_SIZE:
                self._dictionary, self._learned = self._learned[-DICTIONARY_SIZE:], b""
                self._primed = zlib.compressobj(1, zdict=self._dictionary)
            return b"\0" + zlib.compress(data, 1)
        compressor = self._primed.copy()
        return b"\1" + compressor.compress(data) + compressor.flush()

    def unpack(self, stored: Stored) -> Any:
        if isinstance(stored, tuple):
            return stored[0]
        if isinstance(stored, PickledValue):
            return stored.load()
        if stored[0] == 2:
            return pickle.loads(memoryview(stored)[1:])
        if stored[0] == 0:
            return pickle.loads(zlib.decompress(stored[1:]))
        assert self._dictionary is not None
        return pickle.loads(zlib.decompressobj(zdict=self._dictionary).decompress(stored[1:]))


class Packed(MutableMapping[str, V]):
    """A mapping by path whose values are kept packed (but the first `keep_as_is`)."""

    def __init__(self, items: Iterable[tuple[str, V]] = (), keep_as_is: int = 0) -> None:
        self._packed: dict[str, Stored] = {}
        self._packer = _Packer(keep_as_is)
        for key, value in items:
            self[key] = value

    def __getitem__(self, key: str) -> V:
        return self._packer.unpack(self._packed[key])

    def __setitem__(self, key: str, value: V) -> None:
        self._packed[key] = self._packer.pack(value)

    def __delitem__(self, key: str) -> None:
        del self._packed[key]

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def discard(self, key: str) -> None:
        """Forget the key's value, if any (pop would unpack it first)."""
        self._packed.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __repr__(self) -> str:
        return f"Packed({len(self)} values)"


class PackedChunks(Sequence[T]):
    """A long list kept as packed chunks (a note's findings, say), each unpacked as it is read.
    It reads like a list: iteration, len, indexing and == with any sequence."""

    def __init__(self, keep_as_is: int = 0) -> None:
        self._chunks: list[tuple[str, Stored]] = []  # (label, packed items), in order
        self._ends: list[int] = []  # the number of items up to the end of each chunk
        self._packer = _Packer(keep_as_is)

    def add(self, label: str, items: Sequence[T]) -> None:
        if items:
            self._chunks.append((label, self._packer.pack(items)))
            self._ends.append(len(self) + len(items))

    def sort_chunks(self) -> None:
        """Put the chunks in the order of their labels (a stable sort)."""
        counts = [end - start for start, end in zip([0, *self._ends], self._ends)]
        order = sorted(range(len(self._chunks)), key=lambda i: self._chunks[i][0])
        self._chunks = [self._chunks[i] for i in order]
        self._ends = list(accumulate(counts[i] for i in order))

    def __iter__(self) -> Iterator[T]:
        for _, packed in self._chunks:
            yield from self._packer.unpack(packed)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("index out of range")
        chunk = bisect_right(self._ends, index)
        return self._packer.unpack(self._chunks[chunk][1])[index - (self._ends[chunk - 1] if chunk else 0)]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"PackedChunks({list(self)!r})"
