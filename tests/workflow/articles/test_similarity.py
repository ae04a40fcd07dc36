"""The duplicate detector (疑似重复稿件): 3-gram shingles, Jaccard and containment, MinHash and its lookup keys.

The issue asks that copied "experiences" be caught before adoption; these tests fix what counts as a copy and
measure the thresholds stated in workflow/articles/similarity.py.
"""

from __future__ import annotations

import random

import pytest

from tests.workflow.articles.texts import EDITED_COPY, ORIGINAL, PARAGRAPHS_INSIDE, REORDERED, UNRELATED
from workflow.articles import similarity as sim


def _edited(text: str, rate: float, seed: int) -> str:
    """``text`` with about ``rate`` of its characters replaced by characters of other articles."""
    rng = random.Random(seed)
    clean = list(sim.normalize(text))
    alphabet = sim.normalize("".join(UNRELATED))
    return "".join(rng.choice(alphabet) if rng.random() < rate else ch for ch in clean)


def test_normalizing_drops_spacing_and_punctuation_and_folds_width():
    assert sim.normalize("甲县， 推行“下沉”\n一线！ＡＢ１２") == "甲县推行下沉一线ab12"
    assert sim.shingles("甲县推行") == frozenset({"甲县推", "县推行"})
    assert sim.shingles("  ，。") == frozenset()


def test_an_identical_text_is_a_duplicate_whatever_its_layout():
    relaid = ORIGINAL.replace("\n\n", "\n").replace("，", ", ")
    result = sim.compare(ORIGINAL, relaid)
    assert result.identical and result.near_duplicate and result.percent == 100


def test_reordered_paragraphs_are_a_duplicate():
    result = sim.compare(ORIGINAL, REORDERED)
    assert result.jaccard > 0.9 and result.near_duplicate


def test_another_units_copy_with_its_own_names_and_figures_is_a_duplicate():
    result = sim.compare(ORIGINAL, EDITED_COPY)
    assert 0.6 < result.jaccard < 0.9 and result.near_duplicate


def test_paragraphs_copied_into_a_longer_article_are_caught_by_containment():
    result = sim.compare(ORIGINAL, PARAGRAPHS_INSIDE)
    assert result.jaccard < sim.JACCARD_THRESHOLD  # not near-identical as a whole …
    assert (
        result.containment >= sim.CONTAINMENT_THRESHOLD and result.near_duplicate
    )  # … but half of it copied


@pytest.mark.parametrize("other", UNRELATED)
def test_unrelated_articles_on_the_same_subjects_are_far_below_the_thresholds(other):
    result = sim.compare(ORIGINAL, other)
    assert result.jaccard < 0.05 and result.containment < 0.05 and not result.near_duplicate


def test_very_short_texts_are_not_judged_unless_identical():
    """「组织部」 is in every article: a few characters contained in another text say nothing about copying."""
    short = "甲县委组织部坚持把干部下沉一线"
    contained = sim.compare(short, ORIGINAL)
    assert contained.containment == 1.0 and contained.smaller < sim.MIN_SHINGLES
    assert not contained.near_duplicate
    assert sim.compare(short, "甲县委组织部，坚持把干部下沉一线。").near_duplicate
    assert not sim.compare("", "").near_duplicate


def test_the_threshold_sits_between_ten_and_twenty_percent_of_characters_changed():
    """Measured: 10 % replaced keeps J near 0.57, 20 % drops it near 0.36 (20 random edits each)."""
    ten = [sim.compare(ORIGINAL, _edited(ORIGINAL, 0.10, seed)).jaccard for seed in range(20)]
    twenty = [sim.compare(ORIGINAL, _edited(ORIGINAL, 0.20, seed)).jaccard for seed in range(20)]
    assert 0.5 <= sum(ten) / len(ten) < 0.65
    assert sum(twenty) / len(twenty) < sim.JACCARD_THRESHOLD
    five = [sim.compare(ORIGINAL, _edited(ORIGINAL, 0.05, seed)) for seed in range(20)]
    assert all(result.near_duplicate for result in five)


def test_a_signature_is_stable_and_estimates_the_similarity():
    a, b = sim.shingles(ORIGINAL), sim.shingles(EDITED_COPY)
    sig_a, sig_b = sim.signature(a), sim.signature(b)
    assert sig_a == sim.signature(sim.shingles(ORIGINAL))  # no per-process randomness
    assert len(sig_a) == sim.SIGNATURE_SIZE and all(0 <= v < 2**32 for v in sig_a)
    exact = sim.compare_sets(a, b)
    estimate = sim.estimate(sig_a, sig_b, len(a), len(b))
    assert abs(estimate.jaccard - exact.jaccard) < 0.12
    assert abs(estimate.containment - exact.containment) < 0.12
    assert sim.decode(sim.encode(sig_a)) == sig_a
    assert sim.decode("zz") == () and sim.decode("g" * 8 * sim.SIGNATURE_SIZE) == ()


def test_copies_share_a_lookup_key_and_unrelated_texts_do_not():
    """LSH recall: every 10 %-edited copy of 20 shares a key with the original; no unrelated article does."""
    keys = set(sim.band_keys(sim.signature(sim.shingles(ORIGINAL))))
    assert len(keys) == sim.BANDS and all(0 < k < 2**63 for k in keys)
    for seed in range(20):
        copy = set(sim.band_keys(sim.signature(sim.shingles(_edited(ORIGINAL, 0.10, seed)))))
        assert keys & copy
    for text in (PARAGRAPHS_INSIDE, EDITED_COPY, REORDERED):
        assert keys & set(sim.band_keys(sim.signature(sim.shingles(text))))
    for text in UNRELATED:
        assert not keys & set(sim.band_keys(sim.signature(sim.shingles(text))))
    with pytest.raises(ValueError):
        sim.band_keys((1, 2, 3))


def test_an_empty_text_has_a_neutral_signature():
    assert sim.signature([]) == (0,) * sim.SIGNATURE_SIZE
    assert sim.estimate((), (), 0, 0).jaccard == 0.0
