"""K-fold cross-validation of quotes and provenance over PolNeAR train + dev.

    .venv/bin/python scripts/crossval.py [--folds 5] [--cache DIR] [--grid] [--json OUT]

Judges a rule or model change on text it was not written from: pools PolNeAR
train and dev (first annotator per document, as the scorers do), splits the
documents into K folds by a fixed shuffle, and for each fold trains the
attribution model on the other folds as ``scripts/train_quotes.py`` trains the
shipped one, then extracts quotes and per-stretch provenance from the held-out
fold and scores them with the project's scorers (the reference scorers'
figures). With ``--grid`` each fold also picks its thresholds on a held-out
fifth of its training part, as train_quotes does; without it the folds use the
shipped model's thresholds (chosen on train, so they have seen part of each
fold: a small leak, much faster). Dev is scored with the shipped model, for the
figures beside the folds.

Prints every measure: dev, dev's documents as the folds predict them ("dev/f":
by models that never saw them, so a gap between dev and the fold mean that
dev/f shares comes from dev being another sample, not from the shipped model),
the fold mean, the spread (standard deviation and range) and each fold. The parses and the training examples are cached in
``--cache`` (the examples depend only on the features, so a rule change re-runs
extraction alone), so are each fold's cue and content models (each under a hash of
its own examples: a change to the cue features refits the cue model alone), and so
is each fold's extraction, under a hash of every source
file but the provenance stage's and of the model that extracted it: a change to
the provenance stage alone re-scores every fold in seconds. ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

import train_quotes as T  # noqa: E402

QUOTE_KEYS = ("direct_f1", "indirect_f1", "speaker_acc", "e2e_f1", "content_f1")
PROV_KEYS = ("attributed_p", "attributed_r", "attributed_f1", "source_acc")


def _examples(docs: list, articles: list[dict], gold: dict[str, dict], cache: Path) -> tuple:
    """Training examples of every document, cached under a hash of the feature code and of what the
    parses were made with (``T.parse_key``): examples made from another pipeline's parses are not
    these parses' examples."""
    code = (ROOT / "src" / "newsprism" / "quotes" / "attribution.py").read_bytes() + (ROOT / "scripts" / "train_quotes.py").read_bytes()
    key = hashlib.sha1(code + T.parse_key().encode() + "|".join(a["id"] for a in articles).encode()).hexdigest()[:12]
    path = cache / f"examples-{key}.pickle"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    out = T.examples(docs, articles, gold)
    with path.open("wb") as f:
        pickle.dump(out, f)
    return out


def _digest(xs: list, ys: list[bool], docs_of: list[int]) -> bytes:
    """What a fitted model depends on: its examples (features, dense vector, label, document) and the
    fitting code."""
    h = hashlib.sha1((ROOT / "scripts" / "train_quotes.py").read_bytes())
    for x, y, d in zip(xs, ys, docs_of):
        feats, dense = x if isinstance(x, tuple) else (x, None)
        h.update("\x1f".join(feats).encode() + (b"\x1e1:" if y else b"\x1e0:") + str(d).encode())
        if dense is not None:
            h.update(dense.tobytes())
    return h.digest()


def _model(examples: tuple, digests: tuple[bytes, bytes], keep, thresholds: tuple[float, float], cache: Path, fold: str):
    """The fold's model: its cue and content parts fitted on the documents ``keep`` admits, each
    cached under a hash of its own examples, so that a change to the cue features alone refits the
    cue part only, and a model is never taken from a cache filled with other features."""
    from newsprism.quotes.attribution import AttributionModel, LinearModel

    parts = []
    for (xs, ys, docs_of), digest in zip(examples, digests):
        path = cache / f"part-{hashlib.sha1(digest + fold.encode()).hexdigest()[:12]}.json"
        if path.exists():
            parts.append(LinearModel.from_dict(json.loads(path.read_text(encoding="utf-8"))))
            continue
        part = T.fit(T._subset(xs, docs_of, keep), T._subset(ys, docs_of, keep))
        path.write_text(json.dumps(part.to_dict(), sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        parts.append(part)
    return AttributionModel(parts[0], parts[1], *thresholds)


def _grid_thresholds(examples: tuple, train_idx: list[int], docs: list, articles: list[dict], gold: dict) -> tuple[float, float]:
    """train_quotes' choice: fit on four fifths of the training part, best end-to-end F1 on the rest."""
    from newsprism.quotes.attribution import AttributionModel

    held = set(train_idx[:: T._HOLDOUT_EVERY])
    fit_on = set(train_idx) - held
    (cx, cy, cd), (nx, ny, nd) = examples
    cue_m = T.fit(T._subset(cx, cd, fit_on.__contains__), T._subset(cy, cd, fit_on.__contains__))
    con_m = T.fit(T._subset(nx, nd, fit_on.__contains__), T._subset(ny, nd, fit_on.__contains__))
    ids = sorted(held)
    best = None
    for ct in (0.4, 0.5, 0.6):
        for kt in (0.3, 0.4, 0.5):
            s = T.score_split(AttributionModel(cue_m, con_m, ct, kt), [articles[k] for k in ids], [docs[k] for k in ids],
                              {articles[k]["id"]: gold[articles[k]["id"]] for k in ids if articles[k]["id"] in gold})
            if best is None or s["e2e_f1"] > best[0]:
                best = (s["e2e_f1"], ct, kt)
    assert best is not None
    return best[1], best[2]


def _code_hash() -> bytes:
    """Every source file outside the provenance stage (which reads the extraction and is re-run every
    time), read as the run starts: an edit made while it runs does not relabel what it extracts."""
    h = hashlib.sha1()
    src = ROOT / "src" / "newsprism"
    for path in sorted(src.rglob("*.py")):
        if "provenance" not in path.relative_to(src).parts:
            h.update(str(path.relative_to(src)).encode() + path.read_bytes())
    return h.digest()


_CODE = _code_hash()


def _extraction_key(model, articles: list[dict]) -> str:
    """What an extraction depends on: the code, the model and the documents."""
    return hashlib.sha1(_CODE + model.to_json().encode() + "|".join(a["id"] for a in articles).encode()).hexdigest()[:12]


def extract(model, articles: list[dict], docs: list, cache: Path | None = None) -> list[tuple]:
    """Each document's quotes as `eval quotes` reads them (the raw text), and its prepared article
    with its quotes as `eval provenance` reads them; cached in ``cache`` when given."""
    from newsprism.extract.prepare import prepare_article
    from newsprism.model import Article
    from newsprism.quotes import QuoteExtractor

    path = cache / f"extraction-{_extraction_key(model, articles)}.pickle" if cache is not None else None
    if path is not None and path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    extractor = QuoteExtractor(model)
    out = []
    for a, d in zip(articles, docs):
        prepared = prepare_article(Article(id=a["id"], text=a["text"], title=a.get("title"), outlet=a.get("outlet")))
        out.append((extractor.from_doc(Article(id=a["id"], text=a["text"]), d), prepared, extractor.from_doc(prepared, d)))
    if path is not None:
        with path.open("wb") as f:
            pickle.dump(out, f)
    return out


def evaluate(model, articles: list[dict], docs: list, gold: dict[str, dict], dump: Path | None = None,
             keep: dict[str, tuple[dict, dict]] | None = None, cache: Path | None = None) -> dict:
    """Quote and provenance figures of ``model`` (with today's rules) on these documents; with ``dump``,
    the predictions are written to ``dump``.quotes.jsonl and ``dump``.provenance.jsonl for error analysis;
    ``keep`` collects each document's (quotes row, provenance row); ``cache`` keeps the extraction."""
    from newsprism.provenance.stretches import article_stretches, stretch_row
    from newsprism.quotes import article_row

    quote_rows, prov_rows = [], []
    for a, (quotes, prepared, prepared_quotes) in zip(articles, extract(model, articles, docs, cache)):
        quote_rows.append(article_row(a["id"], quotes))
        prov_rows.append(stretch_row(a["id"], article_stretches(prepared, prepared_quotes)))
    if keep is not None:
        keep.update((q["id"], (q, p)) for q, p in zip(quote_rows, prov_rows))
    if dump is not None:
        for suffix, rows in (("quotes", quote_rows), ("provenance", prov_rows)):
            Path(f"{dump}.{suffix}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return figures_of(articles, gold, quote_rows, prov_rows)


def figures_of(articles: list[dict], gold: dict[str, dict], quote_rows: list[dict], prov_rows: list[dict]) -> dict:
    from newsprism.evaluation.provenance import score_provenance
    from newsprism.evaluation.quotes import score_quotes

    g = [gold[a["id"]] for a in articles if a["id"] in gold]
    q = score_quotes(articles, g, quote_rows)
    p = score_provenance(articles, g, prov_rows)
    out = {k: q[k] for k in QUOTE_KEYS} | {k: p[k] for k in PROV_KEYS}
    out["pronoun_speaker_acc"] = round(q["spk_ok_pron"] / q["matched_gold_pron"], 4) if q["matched_gold_pron"] else 0.0
    out["pronoun_matched"] = q["matched_gold_pron"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsprism-crossval"))
    ap.add_argument("--grid", action="store_true", help="pick each fold's thresholds on its own training part")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--dump", type=Path, default=None, help="write each fold's predictions to this folder (fold0.quotes.jsonl, ...)")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    from newsprism.quotes.attribution import AttributionModel

    train, train_gold = T.read_split("train")
    dev, dev_gold = T.read_split("dev")
    train_docs = T.parse("train", [a["text"] for a in train], args.cache)
    dev_docs = T.parse("dev", [a["text"] for a in dev], args.cache)
    shipped = AttributionModel.load()
    if args.dump is not None:
        args.dump.mkdir(parents=True, exist_ok=True)
    figures: dict[str, dict] = {"dev": evaluate(shipped, dev, dev_docs, dev_gold, args.dump and args.dump / "dev", cache=args.cache)}
    print("dev (shipped model): " + json.dumps(figures["dev"]), flush=True)

    articles, docs = train + dev, train_docs + dev_docs
    gold = {**train_gold, **dev_gold}
    order = list(range(len(articles)))
    random.Random(0).shuffle(order)
    fold_of = {k: n % args.folds for n, k in enumerate(order)}
    examples = _examples(docs, articles, gold, args.cache)
    digests = (_digest(*examples[0]), _digest(*examples[1]))
    held_out: dict[str, tuple[dict, dict]] = {}
    for fold in range(args.folds):
        train_idx = [k for k in range(len(articles)) if fold_of[k] != fold]
        test_idx = [k for k in range(len(articles)) if fold_of[k] == fold]
        thresholds = (_grid_thresholds(examples, train_idx, docs, articles, gold) if args.grid
                      else (shipped.cue_threshold, shipped.content_threshold))
        model = _model(examples, digests, lambda d, f=fold: fold_of[d] != f, thresholds, args.cache, f"{args.folds}-{fold}")
        test_gold = {articles[k]["id"]: gold[articles[k]["id"]] for k in test_idx if articles[k]["id"] in gold}
        figures[f"fold{fold}"] = evaluate(model, [articles[k] for k in test_idx], [docs[k] for k in test_idx], test_gold,
                                          args.dump and args.dump / f"fold{fold}", held_out, args.cache)
        print(f"fold {fold} ({len(test_idx)} docs, thresholds {thresholds}): " + json.dumps(figures[f"fold{fold}"]), flush=True)

    # Dev's documents as the folds predict them (models that never saw them): how far dev's figures
    # stand from the folds' because dev is another sample, not because the shipped model fits it.
    figures["dev_in_folds"] = figures_of(dev, dev_gold, [held_out[a["id"]][0] for a in dev], [held_out[a["id"]][1] for a in dev])
    print("dev documents held out in the folds: " + json.dumps(figures["dev_in_folds"]), flush=True)
    print(f"\n{'measure':22s} {'dev':>7s} {'dev/f':>7s} {'mean':>7s} {'sd':>6s} {'min':>7s} {'max':>7s}  folds")
    summary = {}
    for key in (*QUOTE_KEYS, "pronoun_speaker_acc", *PROV_KEYS):
        vals = [figures[f"fold{f}"][key] for f in range(args.folds)]
        mean, sd = statistics.mean(vals), statistics.pstdev(vals)
        summary[key] = {"dev": figures["dev"][key], "dev_in_folds": figures["dev_in_folds"][key], "mean": round(mean, 4), "sd": round(sd, 4), "min": min(vals), "max": max(vals)}
        print(f"{key:22s} {figures['dev'][key]:7.4f} {figures['dev_in_folds'][key]:7.4f} {mean:7.4f} {sd:6.4f} {min(vals):7.4f} {max(vals):7.4f}  "
              + " ".join(f"{v:.4f}" for v in vals))
    if args.json is not None:
        args.json.write_text(json.dumps({"figures": figures, "summary": summary}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
