"""Copy detection: exact, syndicated and trimmed copies; incremental index state."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest

from newsprism.dedup import CopyIndex, find_copies
from newsprism.extract import prepare_articles
from newsprism.model import Article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cluster"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def fixture_articles() -> list[Article]:
    rows = [json.loads(line) for line in (FIXTURES / "articles.jsonl").read_text().splitlines()]
    return prepare_articles([Article(**r) for r in rows])


def by_id(articles: list[Article]) -> dict[str, Article]:
    return {a.id: a for a in articles}


def test_syndicated_copy_points_at_its_original():
    arts = by_id(find_copies(fixture_articles()))
    assert arts["b1-copy"].duplicate_of == "b1"
    assert arts["b1-copy"].syndicated_from == "b1"  # the original is in the corpus: its id
    assert arts["b1"].duplicate_of is None


def test_same_topic_reports_are_not_copies():
    arts = find_copies(fixture_articles())
    assert {a.id for a in arts if a.duplicate_of} == {"b1-copy"}


def test_copy_arriving_first_is_still_the_copy():
    arts = fixture_articles()
    copy = next(a for a in arts if a.id == "b1-copy")
    original = next(a for a in arts if a.id == "b1")
    index = CopyIndex()
    index.add([copy])
    assert index.original_of("b1-copy") is None
    index.add([original])
    assert index.original_of("b1-copy") == "b1"  # trimmed and credited: b1 is the original


def test_exact_duplicate_from_the_same_outlet_is_no_syndication():
    a = fixture_articles()[0]
    twin = Article(id="a1-again", text=a.text, title=a.title, outlet=a.outlet, outlet_id=a.outlet_id, published=a.published)
    arts = by_id(find_copies([a, twin]))
    assert arts["a1-again"].duplicate_of == "a1"
    assert arts["a1-again"].syndicated_from is None


def test_wire_name_kept_when_original_is_absent():
    a = fixture_articles()[3]
    a.syndicated_from = "Associated Press"  # what the extract stage would set from the text
    assert find_copies([a])[0].syndicated_from == "Associated Press"


def test_empty_and_tiny_texts_do_not_break_a_batch():
    arts = [Article(id="e", text=""), Article(id="t", text="Hi."), Article(id="t2", text="Hi.")]
    out = by_id(find_copies(arts))
    assert out["e"].duplicate_of is None
    assert out["t2"].duplicate_of == "t"


def test_state_saves_and_loads():
    arts = fixture_articles()
    first, second = arts[:5], arts[5:]
    index = CopyIndex()
    index.add(first)
    loaded = CopyIndex.from_dict(json.loads(json.dumps(index.to_dict())))
    loaded.add(second)
    assert loaded.original_of("b1-copy") == "b1"
    assert len(loaded) == len(arts)
    assert loaded.groups() == [["b1", "b1-copy"]]


def test_band_index_answers_alike_from_its_runs_and_its_recent_keys_however_they_came():
    import numpy as np

    from newsprism.dedup.minhash import BandIndex

    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 3, size=(300, 8), dtype=np.uint32)  # few values: buckets of one and of many
    one_by_one, at_once, flushed = BandIndex(4, flush_at=10**9), BandIndex(4), BandIndex(4, flush_at=7)
    for key, sig in enumerate(sigs):
        one_by_one.insert(key, sig)
        flushed.insert(key, sig)
        flushed.flush()  # a run every 7 keys, merged as they grow
    at_once.insert(0, sigs[0])  # into an index that already holds a key
    at_once.insert_many(list(range(1, 300)), sigs[1:])
    assert len(flushed._runs) > 1 and not one_by_one._runs
    queries = rng.integers(0, 3, size=(50, 8), dtype=np.uint32)
    expected = [{k for k in range(300) if any((sigs[k, 2 * b : 2 * b + 2] == q[2 * b : 2 * b + 2]).all() for b in range(4))} for q in queries]
    for index in (one_by_one, at_once, flushed):
        assert [index.query(q) for q in queries] == expected
        assert [m | index.query_recent(q) for m, q in zip(index.query_many(queries), queries)] == expected


def test_a_state_saved_with_plain_lists_still_loads():
    from newsprism.arrays import decode

    index = CopyIndex()
    index.add(fixture_articles())
    saved = json.loads(json.dumps(index.to_dict()))
    for entry in saved["articles"].values():
        entry["shingles"], entry["minhash"] = (decode(entry[k], "uint32").tolist() for k in ("shingles", "minhash"))
    assert CopyIndex.from_dict(saved).to_dict() == index.to_dict()


# ---------------------------------------------------------------- labelled set from real articles


def _shared() -> Path:
    if not SHARED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing")
        pytest.skip(f"{SHARED} is missing")
    return SHARED


def _read(path: Path) -> list[Article]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Article(id=r["id"], text=r["text"], title=r.get("title"), outlet=r.get("outlet"), published=r.get("published"))
        for r in rows
        if len(r.get("text") or "") > 200  # a copy of a one-liner is a quote, not syndication
    ]


_SENT = re.compile(r"(?<=[.!?])\s+")


def syndicate(a: Article, rng: random.Random, n: int) -> Article:
    """A copy made the way syndication makes them: 2-4 of these edits."""
    paras = [p for p in a.text.split("\n") if p.strip()]
    edits = rng.sample(["header", "footer", "trim", "headline", "wire", "copyedit"], rng.randint(2, 4))
    if "trim" in edits:
        units = paras if len(paras) >= 4 else _SENT.split(" ".join(paras))
        keep = max(1, round(len(units) * rng.uniform(0.65, 0.85)))
        paras = units[:keep] if len(paras) >= 4 else [" ".join(units[:keep])]
    if "copyedit" in edits:
        words = " ".join(paras).split(" ")
        for k in rng.sample(range(len(words)), max(1, len(words) // 60)):
            words[k] = rng.choice(["the", "a", "reportedly", "on", "also"])
        paras = [" ".join(words)]
    if "wire" in edits:
        paras[0] = "LONDON (Reuters) - " + paras[0]
    if "header" in edits:
        paras.insert(0, "By Staff Writer")
    if "footer" in edits:
        paras.append("This article was republished with permission from the Jewish News Syndicate.")
    title = f"Copy {n}: {a.title}" if "headline" in edits or not a.title else a.title
    return Article(
        id=f"{a.id}#copy{n}", text="\n\n".join(paras), title=title, outlet=f"Reprinter {n}", published=a.published
    )


@pytest.fixture(scope="module")
def labelled():
    root = _shared() / "eval"
    # Outlets writing their own reports on one event: same topic, not copies.
    originals = _read(root / "basil" / "articles.jsonl") + _read(root / "newswcl50" / "articles.jsonl")
    originals += _read(root / "neus" / "val_articles.jsonl")[:300]
    rng = random.Random(7)
    copies = [syndicate(a, rng, n) for n, a in enumerate(rng.sample(originals, 250))]
    rng.shuffle(originals)
    rng.shuffle(copies)
    # Copies come after the originals: a copy that only swaps the headline and
    # byline is told from its original by nothing but arrival order.
    return prepare_articles(originals + copies)


def test_copy_precision_and_recall_on_real_articles(labelled):
    arts = find_copies(labelled)
    truth = {a.id: a.id.split("#copy")[0] for a in arts if "#copy" in a.id}
    found = {a.id: a.duplicate_of for a in arts if a.duplicate_of}
    true_pos = sum(1 for aid, orig in found.items() if truth.get(aid) == orig)
    precision = true_pos / len(found)
    recall = true_pos / len(truth)
    assert precision >= 0.98, (precision, sorted(set(found.items()) - set(truth.items()))[:10])
    assert recall >= 0.98, (recall, sorted(set(truth.items()) - set(found.items()))[:10])


# Fingerprints are saved in state files: any change in how they are computed
# would silently stop new articles matching the ones already indexed.
PINNED_TEXT = (
    "The harbour board of Lakemont voted on Tuesday to close the old ferry pier, "
    "citing cracked pilings and a repair bill of 4.2 million crowns; ferries will dock at the north quay from May."
)


def test_fingerprints_are_those_earlier_versions_saved():
    import hashlib

    from newsprism.dedup.index import fingerprints
    from newsprism.dedup.shingles import shingle_hashes

    sh = shingle_hashes(PINNED_TEXT)
    assert len(sh) == 31 and sh[:4].tolist() == [371651409, 522367476, 525177712, 585530671]
    assert hashlib.sha1(sh.tobytes()).hexdigest()[:16] == "7af97cbc26d5fff5"
    sig = fingerprints([PINNED_TEXT]).minhash[0]
    assert sig.dtype.name == "uint32" and sig[:4].tolist() == [145030060, 168356317, 78442196, 99657275]
    assert hashlib.sha1(sig.tobytes()).hexdigest()[:16] == "009f07f60cfcf7ac"


def test_a_batch_fingerprints_each_text_as_alone():
    """Batches are hashed in one pass; no text's shingles may leak into its neighbour's."""
    from newsprism.dedup.index import fingerprints
    from newsprism.dedup.shingles import FULL_BELOW, shingle_hashes

    long_text = " ".join(f"w{i} pier" for i in range(3 * FULL_BELOW))  # sampled
    texts = ["", PINNED_TEXT, "Two words", "a b c d", "a b c d e", long_text, "", "One"]
    batch = fingerprints(texts)
    for k, text in enumerate(texts):
        alone = fingerprints([text])
        assert (batch.of(k).tolist(), batch.sampled[k], batch.minhash[k].tolist()) == (
            alone.of(0).tolist(), alone.sampled[0], alone.minhash[0].tolist()
        )
    assert batch.sampled.tolist() == [False] * 5 + [True, False, False]
    assert len(batch.of(0)) == 0 and len(batch.of(7)) == 1  # a short text is one shingle
    assert len(shingle_hashes("a b c d e")) == 1 and len(shingle_hashes("a b c d e f")) == 2
    assert len(batch.of(5)) < len(shingle_hashes(long_text)) / 2


def test_signatures_are_datasketch_affine32_minhash():
    """Indexes saved when datasketch computed the signatures keep matching."""
    np = pytest.importorskip("numpy")
    datasketch = pytest.importorskip("datasketch")
    from newsprism.dedup.minhash import permutations, signatures

    perms = datasketch.MinHash(num_perm=32, seed=1, scheme="affine32").permutations
    assert (permutations(32, 1) == perms).all()
    rng = np.random.default_rng(0)
    sets, expected = [], []
    for n in (0, 1, 7, 500, 0, 3):  # sets hashed together, empty ones between
        values = np.unique(rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32))
        m = datasketch.MinHash(num_perm=32, seed=1, hashfunc=int, permutations=perms, scheme="affine32")
        if n:
            m.update_batch(values.tolist())
        sets.append(values)
        expected.append(np.asarray(m.hashvalues).tolist())
        assert signatures(values, [0, len(values)], permutations(32, 1))[0].tolist() == expected[-1]
    bounds = np.cumsum([0] + [len(v) for v in sets])
    assert signatures(np.concatenate(sets), bounds, permutations(32, 1)).tolist() == expected


def test_band_index_proposes_keys_sharing_any_band():
    import numpy as np

    from newsprism.dedup.minhash import BandIndex

    index = BandIndex(4)
    base = np.arange(8, dtype=np.uint32)
    one_band = base.copy()
    one_band[2:] += 100  # only the first band (values 0 and 1) is equal
    index.insert(0, base)
    index.insert(1, base + 1000)
    assert index.query(one_band) == {0}
    assert index.query(base + 5000) == set()


def test_overlap_counts_shared_shingles_on_the_sampled_scale():
    import numpy as np

    from newsprism.dedup.shingles import SAMPLE_MOD, overlaps

    rng = np.random.default_rng(1)

    def some_set():
        values = np.unique(rng.integers(0, 400, rng.integers(0, 80)).astype(np.uint32))
        sampled = bool(rng.integers(2))
        return (values[values % SAMPLE_MOD == 0] if sampled else values), sampled  # a sample holds sampled hashes only

    for _ in range(300):
        a, a_sampled = some_set()
        others = [some_set() for _ in range(rng.integers(0, 6))]
        shared, share = overlaps(a, a_sampled, others)
        for (b, b_sampled), got_shared, got_share in zip(others, shared, share):
            sa = a if a_sampled or not b_sampled else a[a % SAMPLE_MOD == 0]
            sb = b if b_sampled or not a_sampled else b[b % SAMPLE_MOD == 0]
            n = len(set(sa.tolist()) & set(sb.tolist()))
            small = min(len(sa), len(sb))
            scale = 1 / SAMPLE_MOD if not a_sampled and not b_sampled else 1.0
            assert (got_shared, got_share) == ((0.0, 0.0) if small == 0 else (n * scale, n / small))


def test_band_index_answers_the_latest_keys_of_each_band_value_when_capped():
    import numpy as np

    from newsprism.dedup.minhash import BandIndex

    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 3, size=(300, 8), dtype=np.uint32)  # buckets of many keys
    capped = {"recent": BandIndex(4, flush_at=10**9, most_recent=5), "runs": BandIndex(4, flush_at=7, most_recent=5)}
    full = BandIndex(4)
    for key, sig in enumerate(sigs):
        full.insert(key, sig)
        for index in capped.values():
            index.insert(key, sig)
            index.flush()
    queries = rng.integers(0, 3, size=(50, 8), dtype=np.uint32)

    def latest(q, b: int) -> set[int]:
        same = [k for k in range(300) if (sigs[k, 2 * b : 2 * b + 2] == q[2 * b : 2 * b + 2]).all()]
        return set(same[-5:])

    for q in queries:
        expected = set().union(*(latest(q, b) for b in range(4)))
        assert capped["recent"].query(q) == expected  # the five latest of each band value
        answer = capped["runs"].query(q)  # the five latest of each run: those, and a few more
        assert expected <= answer <= full.query(q)
        assert len(answer) <= 4 * 5 * (len(capped["runs"]._runs) + 1)


def test_near_identical_articles_each_check_a_bounded_number_of_candidates(monkeypatch):
    """A template printed thousands of times (a bulletin, a share-price note) made every
    article check every earlier one: copy detection grew with the square of the corpus."""
    import numpy as np

    from newsprism.dedup import index as copy_index

    rng = random.Random(2)
    template = ("Shares of {p} Holdings moved {x} percent on {d} after the company reported quarterly revenue of {y} "
                "million. Analysts said the results were in line with expectations, and the company kept its forecast "
                "for the year, a spokesman for {p} said in a statement.")
    articles = prepare_articles([
        Article(id=f"t{i}", text=template.format(p=rng.choice(["Ashby", "Brill", "Corfe"]), x=rng.randint(1, 99),
                                                 d=rng.choice(["Monday", "Friday"]), y=rng.randint(1, 999)))
        for i in range(600)
    ])
    checked: list[int] = []
    overlaps = copy_index.overlaps
    monkeypatch.setattr(copy_index, "overlaps", lambda a, s, others: (checked.append(len(others)), overlaps(a, s, others))[1])
    capped = CopyIndex()
    for start in range(0, len(articles), 50):  # batches, as newsprism cluster adds them
        capped.add(articles[start : start + 50])
    assert float(np.mean(checked[-100:])) < 1.3 * float(np.mean(checked[150:250]))  # flat, where it grew 2.5x
    assert max(checked) <= copy_index.LSH_BANDS * copy_index.LATEST_PER_BAND
    monkeypatch.setattr(copy_index, "LATEST_PER_BAND", None)  # every candidate: the same copies found
    full = CopyIndex()
    for start in range(0, len(articles), 50):
        full.add(articles[start : start + 50])
    assert capped.groups() == full.groups()
    assert [capped.original_of(a.id) for a in articles] == [full.original_of(a.id) for a in articles]


def test_dropped_lsh_keys_are_never_answered_from_runs_or_recent_keys():
    import numpy as np

    from newsprism.dedup.minhash import BandIndex

    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 4, size=(44, 8), dtype=np.uint32)  # few values: most pairs share a band
    lsh = BandIndex(4, flush_at=8)
    for k in range(44):
        lsh.insert(k, sigs[k])
        lsh.flush()  # runs of the first 40, the last 4 recent
    gone = list(range(0, 44, 3))  # 42 among the recent
    lsh.drop(gone, sigs[gone])
    assert lsh.n_keys == 44 - len(gone) and lsh._n_recent == 4
    kept = set(range(44)) - set(gone)
    for k in range(44):
        answer = lsh.query(sigs[k])
        assert not answer & set(gone)
        assert answer == {j for j in kept if (sigs[j].reshape(4, 2) == sigs[k].reshape(4, 2)).all(axis=1).any()}
