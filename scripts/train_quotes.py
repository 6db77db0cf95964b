"""Train the attribution model of the quotes stage on PolNeAR train, then score PolNeAR dev.

    .venv/bin/python scripts/train_quotes.py [--cache DIR] [--out PATH]

Reads ../shared/eval/polnear (first annotator per document, as the scorer
does), parses the articles with the project's spaCy pipeline, and fits two
logistic regressions (see ``newsprism.quotes.attribution``): cue tokens, and
the content phrase of each gold cue. Thresholds are chosen on a held-out
fifth of train; dev is only scored, never used for fitting or tuning.
Deterministic: same data and library versions give the same file.
--cache keeps the parses (spaCy DocBin) so a rerun skips parsing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = ROOT / ".." / "shared" / "eval" / "polnear"
_HOLDOUT_EVERY = 5  # every fifth train document is held out to pick thresholds
_C = 0.5  # inverse L2 strength; 0.5 beat 0.25, 1.0 and 2.0 on the held-out fifth
_MIN_WEIGHT = 0.02


def read_split(split: str) -> tuple[list[dict], dict[str, dict]]:
    articles = [json.loads(line) for line in (POLNEAR / f"{split}_articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold: dict[str, dict] = {}
    for line in (POLNEAR / f"{split}_gold_attributions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            gold.setdefault(g["id"], g)
    return articles, gold


def parse_key() -> str:
    """What a parse depends on besides its text: spaCy, the model and the code that builds the
    pipeline (its rule components and sentence starts). A change there (e.g. a sentence no longer
    ending after "Brig.") must parse again, not score the cached parses of the old pipeline; and
    whatever is made from the parses (crossval's training examples) is cached under it too."""
    import hashlib

    import spacy
    from spacy.util import get_package_version

    from newsprism.nlp import DEFAULT_MODEL

    src = ROOT / "src" / "newsprism"
    h = hashlib.sha1(f"{spacy.__version__}|{DEFAULT_MODEL}|{get_package_version(DEFAULT_MODEL)}|".encode())
    for name in ("nlp.py", "spacy_rules.py"):
        h.update((src / name).read_bytes())
    return h.hexdigest()[:12]


def parse(split: str, texts: list[str], cache: Path | None) -> list:
    """The parses, with their parser vectors (``doc.tensor``, which DocBin does not keep: saved beside)."""
    import numpy as np
    from spacy.tokens import DocBin

    from newsprism.nlp import NLP

    nlp = NLP()
    key = parse_key()
    path = cache / f"{split}-{key}.spacy" if cache else None
    tensors = cache / f"{split}-{key}.tensors.npz" if cache else None
    if path is not None and tensors is not None and path.exists() and tensors.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.language.vocab))
        if [d.text for d in docs] == texts:
            with np.load(tensors) as arrays:
                for k, d in enumerate(docs):
                    d.tensor = arrays[f"arr_{k}"]
            return docs
    docs = list(nlp.language.pipe(texts, batch_size=32))
    if path is not None and tensors is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(path)
        np.savez(tensors, *[d.tensor.astype("float32") for d in docs])
    return docs


def _gold_cues(doc, gold: dict) -> dict[int, list[set[int]]]:
    """Token index of each gold cue's head -> the gold contents (alphanumeric character sets) it introduces."""
    from newsprism.evaluation.quotes import charset

    out: dict[int, list[set[int]]] = {}
    for a in gold.get("attributions") or []:
        spans = (a.get("content") or {}).get("spans") or []
        cue_spans = (a.get("cue") or {}).get("spans") or []
        if not spans or not cue_spans:
            continue
        toks = [t for s, e in cue_spans for t in (doc.char_span(s, e, alignment_mode="expand") or [])]
        idx = {t.i for t in toks}
        heads = [t for t in toks if t.head.i not in idx or t.head.i == t.i]
        for h in heads[:1]:
            out.setdefault(h.i, []).append(charset(doc.text, spans))
    return out


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _matches(kind: str, chars: set[int], gold: set[int]) -> bool:
    """A right content; a quotation is right when it is a good part of the gold content,
    since extraction joins the rest of a split quote (`"A," he said. "B."`) afterwards."""
    if kind.startswith("q:") and chars:
        inter = len(chars & gold)
        return inter >= 0.9 * len(chars) and inter >= 0.3 * len(gold)
    return _jaccard(chars, gold) >= 0.5


def examples(docs: list, articles: list[dict], gold: dict[str, dict]):
    """Cue examples (features, label) and content examples (features, label, group) per document."""
    from newsprism.evaluation.quotes import charset
    from newsprism.quotes import attribution as A
    from newsprism.quotes.attribution import trim
    from newsprism.quotes.marks import find_quoted

    cue_x, cue_y, cue_doc, con_x, con_y, con_doc = [], [], [], [], [], []
    for k, (doc, art) in enumerate(zip(docs, articles)):
        g = gold.get(art["id"])
        if g is None:
            continue
        cues = _gold_cues(doc, g)
        quoted = find_quoted(doc.text)
        ctx = A.DocContext.build(doc, quoted)
        for tok in doc:
            if not A.is_cue_candidate(tok) or ctx.inside[tok.idx]:
                continue
            cue_x.append((A.cue_features(tok, ctx), doc.tensor[tok.i]))
            cue_y.append(tok.i in cues)
            cue_doc.append(k)
            if tok.i not in cues:
                continue
            cands = A.content_candidates(tok, ctx)
            for cand in cands:
                # Labelled as extraction will print it: grown over the quotations it touches.
                span = trim(doc.text, A.widen_to_quotations(cand.span, quoted))
                chars = charset(doc.text, [(span.start, span.end)]) if span else set()
                con_x.append(A.content_features(tok, cand, cands, ctx))
                con_y.append(any(_matches(cand.kind, chars, gc) for gc in cues[tok.i]))
                con_doc.append(k)
    return (cue_x, cue_y, cue_doc), (con_x, con_y, con_doc)


def fit(xs: list, ys: list[bool]):
    """Logistic regression over sparse features, or (features, dense vector) pairs."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from newsprism.quotes.attribution import LinearModel

    with_dense = bool(xs) and isinstance(xs[0], tuple)
    vec = DictVectorizer()
    X = vec.fit_transform([dict.fromkeys(x[0] if with_dense else x, 1) for x in xs]).tocsr()
    n_sparse = X.shape[1]
    if with_dense:
        X = hstack([X, csr_matrix(np.vstack([x[1] for x in xs]))]).tocsr()
    # liblinear takes 32-bit sparse indices only.
    X.indices = X.indices.astype("int32")
    X.indptr = X.indptr.astype("int32")
    clf = LogisticRegression(C=_C, solver="liblinear", max_iter=1000, random_state=0)
    clf.fit(X, ys)
    coef = clf.coef_[0]
    names = vec.get_feature_names_out()
    # Tiny weights (features seen once or twice) change no decision and would triple the file.
    weights = {str(n): round(float(w), 3) for n, w in zip(names, coef[:n_sparse]) if abs(w) >= _MIN_WEIGHT}
    dense = tuple(round(float(w), 4) for w in coef[n_sparse:])
    return LinearModel(weights, round(float(clf.intercept_[0]), 3), dense)


def score_split(model, articles: list[dict], docs: list, gold: dict[str, dict]) -> dict:
    from newsprism.evaluation.quotes import score_quotes
    from newsprism.model import Article
    from newsprism.quotes import QuoteExtractor, article_row

    extractor = QuoteExtractor(model)
    preds = [article_row(a["id"], extractor.from_doc(Article(id=a["id"], text=a["text"]), d)) for a, d in zip(articles, docs)]
    return score_quotes(articles, list(gold.values()), preds)


def _subset(items, docs_of, keep):
    return [x for x, d in zip(items, docs_of) if keep(d)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=None, help="keep spaCy parses here between runs")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "newsprism" / "quotes" / "attribution_model.json")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from newsprism.quotes.attribution import AttributionModel

    train, train_gold = read_split("train")
    train_docs = parse("train", [a["text"] for a in train], args.cache)
    (cx, cy, cd), (nx, ny, nd) = examples(train_docs, train, train_gold)
    print(f"cue examples {len(cy)} ({sum(cy)} positive), content examples {len(ny)} ({sum(ny)} positive)", flush=True)

    def fitted(keep) -> tuple:
        return fit(_subset(cx, cd, keep), _subset(cy, cd, keep)), fit(_subset(nx, nd, keep), _subset(ny, nd, keep))

    # Thresholds: fit on four fifths of train, pick the best end-to-end F1 on the rest.
    cue_m, con_m = fitted(lambda d: d % _HOLDOUT_EVERY)
    held = [k for k in range(len(train)) if k % _HOLDOUT_EVERY == 0]
    held_arts = [train[k] for k in held]
    held_docs = [train_docs[k] for k in held]
    held_gold = {a["id"]: train_gold[a["id"]] for a in held_arts if a["id"] in train_gold}
    best = None
    for ct in (0.4, 0.5, 0.6):
        for kt in (0.3, 0.4, 0.5):
            s = score_split(AttributionModel(cue_m, con_m, ct, kt), held_arts, held_docs, held_gold)
            print(f"  held-out cue>={ct} content>={kt}: e2e_f1 {s['e2e_f1']} direct_f1 {s['direct_f1']} indirect_f1 {s['indirect_f1']}", flush=True)
            if best is None or s["e2e_f1"] > best[0]:
                best = (s["e2e_f1"], ct, kt)
    assert best is not None
    cue_m, con_m = fitted(lambda d: True)
    model = AttributionModel(cue_m, con_m, best[1], best[2])
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB; cue>={best[1]} content>={best[2]})", flush=True)

    dev, dev_gold = read_split("dev")
    s = score_split(model, dev, parse("dev", [a["text"] for a in dev], args.cache), dev_gold)
    keys = ("direct_f1", "indirect_f1", "speaker_acc", "e2e_f1", "direct_p", "direct_r", "indirect_p", "indirect_r",
            "speech_cue_content_r", "other_cue_content_r")
    print("dev: " + json.dumps({k: s[k] for k in keys}))


if __name__ == "__main__":
    main()
