"""Near-identical texts (possible duplicates, 疑似重复稿件): Chinese character 3-gram shingles, their Jaccard
similarity and containment, and a MinHash signature with locality-sensitive bands so a database finds the
candidates of one article by index instead of reading every text.

Why characters and not words: Chinese has no spaces, and a word segmenter is a large dependency with its own
dictionary; overlapping 3-character shingles after dropping whitespace and punctuation are what copy detectors
for Chinese commonly use, and they survive reflowed lines, changed punctuation and reordered paragraphs.

Why MinHash: the office compares one article against months of others. The signature (`SIGNATURE_SIZE` small
numbers per text) estimates the Jaccard similarity of two shingle sets without the texts; its `band_keys` put
two texts into a common bucket with a probability that rises steeply with their similarity (64 bands of 2 rows:
P(candidate) = 1 − (1 − J²)⁶⁴ — 0.54 at J = 0.11, 0.93 at J = 0.2, 0.998 at J = 0.3), so the database looks up
64 indexed keys instead of reading every text. Candidates are then measured exactly (`compare`) on their texts.

Thresholds, measured in tests/workflow/articles/test_similarity.py (the sample texts in texts.py and random
edits of them): reordered paragraphs keep J ≈ 0.95; another unit's copy with its own name, figures and a few
words changed J ≈ 0.73; a copy with 10 % of its characters replaced at random J ≈ 0.57 (0.46–0.65), with 15 %
J ≈ 0.45; two of four paragraphs taken word for word into a longer article J ≈ 0.35 but containment ≈ 0.55;
unrelated articles on the same subjects (组工信息 share everyday 3-grams such as 组织部、党员干部) J ≤ 0.02 and
containment ≤ 0.03. We flag ``jaccard >= 0.5`` (near-identical: up to about a tenth of the characters changed)
or ``containment >= 0.5`` (half the shorter text appears in the other) — far above what unrelated texts reach.
Texts of fewer than `MIN_SHINGLES` shingles are too short to judge copying; only an identical one is flagged.

Pure: stdlib only (hashlib for stable hashes — Python's ``hash()`` differs between processes).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHINGLE_SIZE = 3
#: Numbers in a MinHash signature; `BANDS` × `ROWS` of them make the lookup keys.
SIGNATURE_SIZE = 128
BANDS, ROWS = 64, 2
#: Flagged as a possible duplicate at or above these (see the module's docstring for how they were measured).
JACCARD_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.5
#: Below this many shingles (about 30 characters) a text is too short to judge; only an identical one counts.
MIN_SHINGLES = 30

_MASK32 = 0xFFFFFFFF
# Fixed masks: the same text has the same signature in every process and after every restart.
_rng = random.Random(20270105)
_MASKS: tuple[int, ...] = tuple(_rng.getrandbits(64) for _ in range(SIGNATURE_SIZE))
del _rng


def normalize(text: str) -> str:
    """Letters and digits only, full-width folded to half-width, lower case: 「甲县， 推行“下沉”」 → 「甲县推行下沉」."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """The set of overlapping ``size``-character pieces of the normalized text (a shorter text is one piece)."""
    clean = normalize(text)
    if len(clean) <= size:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + size] for i in range(len(clean) - size + 1))


@dataclass(frozen=True)
class Similarity:
    #: |A ∩ B| / |A ∪ B|: how much of both texts is shared
    jaccard: float
    #: |A ∩ B| / min(|A|, |B|): how much of the shorter text is in the longer one (a copied paragraph)
    containment: float
    #: the smaller text's number of shingles (how much there was to judge)
    smaller: int
    identical: bool

    @property
    def near_duplicate(self) -> bool:
        if self.identical:
            return True
        if self.smaller < MIN_SHINGLES:
            return False
        return self.jaccard >= JACCARD_THRESHOLD or self.containment >= CONTAINMENT_THRESHOLD

    @property
    def percent(self) -> int:
        """The figure people read: the larger of the two measures, in whole percent."""
        return round(100 * max(self.jaccard, self.containment))


def compare(a: str, b: str) -> Similarity:
    """Exact similarity of two texts."""
    return compare_sets(shingles(a), shingles(b), identical=normalize(a) == normalize(b) != "")


def compare_sets(a: frozenset[str], b: frozenset[str], *, identical: bool = False) -> Similarity:
    if not a or not b:
        return Similarity(0.0, 0.0, min(len(a), len(b)), identical)
    shared = len(a & b)
    return Similarity(
        jaccard=shared / len(a | b),
        containment=shared / min(len(a), len(b)),
        smaller=min(len(a), len(b)),
        identical=identical or a == b,
    )


def _stable_hash(piece: str) -> int:
    return int.from_bytes(hashlib.blake2b(piece.encode("utf-8"), digest_size=8).digest(), "big")


def signature(pieces: Iterable[str]) -> tuple[int, ...]:
    """MinHash signature of a shingle set: each piece is hashed once to 64 random bits; position i keeps the least
    of (hash XOR mask_i) over the set. The hashes are random, so for any fixed mask that order is a random order
    of the set and the least element is equally likely to be any of them — the MinHash property — at one XOR per
    piece and position (a 3,000-character text in about 30 ms). Kept to 32 bits (two different minima agree by
    chance once in four billion). An empty set has all zeros."""
    hashes = [_stable_hash(piece) for piece in pieces]
    if not hashes:
        return (0,) * SIGNATURE_SIZE
    return tuple(min([value ^ mask for value in hashes]) & _MASK32 for mask in _MASKS)


def estimate(sig_a: Sequence[int], sig_b: Sequence[int], size_a: int, size_b: int) -> Similarity:
    """The similarity two signatures suggest (Jaccard: the share of equal positions; containment derived from it
    and the set sizes, |A ∩ B| = J·(|A| + |B|) / (1 + J))."""
    if not size_a or not size_b or len(sig_a) != len(sig_b) or not sig_a:
        return Similarity(0.0, 0.0, min(size_a, size_b), False)
    jaccard = sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return Similarity(jaccard, min(1.0, shared / min(size_a, size_b)), min(size_a, size_b), False)


def band_keys(sig: Sequence[int]) -> list[int]:
    """One lookup key per band of `ROWS` signature numbers (positive, fits a signed 64-bit column). Two texts
    sharing a key agree on a whole band: likely similar."""
    if len(sig) != BANDS * ROWS:
        raise ValueError(f"a signature has {BANDS * ROWS} numbers, not {len(sig)}")
    keys = []
    for band in range(BANDS):
        part = ",".join(str(v) for v in sig[band * ROWS : (band + 1) * ROWS])
        digest = hashlib.blake2b(f"{band}:{part}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def encode(sig: Sequence[int]) -> str:
    """A signature as text for storage (8 hex digits per number)."""
    return "".join(f"{value & _MASK32:08x}" for value in sig)


def decode(text: str) -> tuple[int, ...]:
    """`encode` reversed; a malformed value (never written by `encode`) decodes to no signature."""
    if len(text or "") != 8 * SIGNATURE_SIZE:
        return ()
    try:
        return tuple(int(text[i : i + 8], 16) for i in range(0, len(text), 8))
    except ValueError:
        return ()
