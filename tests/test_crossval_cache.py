"""scripts/crossval.py caches each fold's cue and content models under a hash of their own examples."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from newsprism.quotes.attribution import LinearModel

from conftest import ROOT


@pytest.fixture()
def crossval(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("crossval_under_test", ROOT / "scripts" / "crossval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fits: list[int] = []

    def fake_fit(xs, ys):
        fits.append(len(xs))
        return LinearModel({f"n={len(xs)}": 1.0}, float(sum(ys)), ())

    monkeypatch.setattr(module.T, "fit", fake_fit)
    yield module, fits
    sys.modules.pop("crossval_under_test", None)


def _examples(cue_label: bool):
    cue = ([(["l=say"], np.ones(2, dtype="float32")), (["l=eat"], np.zeros(2, dtype="float32"))], [cue_label, False], [0, 1])
    content = ([["k=rest"], ["k=c:ccomp"]], [False, True], [0, 1])
    return cue, content


def test_a_fold_model_is_refitted_only_in_the_part_whose_examples_changed(crossval, tmp_path) -> None:
    module, fits = crossval

    def model(examples):
        digests = (module._digest(*examples[0]), module._digest(*examples[1]))
        return module._model(examples, digests, lambda d: d == 0, (0.5, 0.4), tmp_path, "5-0")

    first = model(_examples(True))
    assert len(fits) == 2 and (first.cue_threshold, first.content_threshold) == (0.5, 0.4)
    assert model(_examples(True)) == first and len(fits) == 2  # both parts read back from the cache
    changed = model(_examples(False))  # other cue labels: the cue part is fitted again, the content part is not
    assert len(fits) == 3 and changed.content == first.content and changed.cue.bias == 0.0 != first.cue.bias
    other_fold = module._model(_examples(True), (module._digest(*_examples(True)[0]), module._digest(*_examples(True)[1])),
                               lambda d: d == 1, (0.5, 0.4), tmp_path, "5-1")
    assert len(fits) == 5 and other_fold.cue.bias == 0.0


def test_parses_are_cached_for_one_pipeline_and_parsed_again_for_another(crossval, tmp_path, monkeypatch) -> None:
    """A change to the code that builds the pipeline (nlp.py, spacy_rules.py) parses again: a cache
    keyed on the texts alone scored the old pipeline's parses under the new code."""
    from spacy.language import Language

    module, _ = crossval
    pipes: list[int] = []
    real_pipe = Language.pipe

    def counting_pipe(self, texts, **kw):
        pipes.append(1)
        return real_pipe(self, texts, **kw)

    monkeypatch.setattr(Language, "pipe", counting_pipe)
    texts = ["Two engineers said the spillway had cracked.", "The dam held, officials said on Monday."]
    cache = tmp_path / "cache"
    first = module.T.parse("dev", texts, cache)
    assert len(pipes) == 1 and module.T.parse("dev", texts, cache)[1].text == texts[1] and len(pipes) == 1
    other = tmp_path / "other" / "src" / "newsprism"
    other.mkdir(parents=True)
    for name in ("nlp.py", "spacy_rules.py"):
        (other / name).write_bytes((ROOT / "src" / "newsprism" / name).read_bytes() + b"\n# another pipeline\n")
    monkeypatch.setattr(module.T, "ROOT", tmp_path / "other")
    again = module.T.parse("dev", texts, cache)
    assert len(pipes) == 2 and [d.text for d in again] == [d.text for d in first]


def test_training_examples_are_made_again_from_another_pipelines_parses(crossval, tmp_path, monkeypatch) -> None:
    """The examples are made from the parses: a pipeline change that parses again makes them again,
    not the old parses' examples read from the cache (and the fold models fitted on those)."""
    module, _ = crossval
    made: list[int] = []

    def fake_examples(docs, articles, gold):
        made.append(1)
        return _examples(True)

    monkeypatch.setattr(module.T, "examples", fake_examples)
    articles = [{"id": "a1"}, {"id": "a2"}]
    module._examples([], articles, {}, tmp_path)
    assert module._examples([], articles, {}, tmp_path) is not None and len(made) == 1  # read back
    other = tmp_path / "other" / "src" / "newsprism"
    other.mkdir(parents=True)
    for name in ("nlp.py", "spacy_rules.py"):
        (other / name).write_bytes((ROOT / "src" / "newsprism" / name).read_bytes() + b"\n# another pipeline\n")
    monkeypatch.setattr(module.T, "ROOT", tmp_path / "other")
    module._examples([], articles, {}, tmp_path)
    assert len(made) == 2
