"""The compact article ids of the neighbour index and the copy index (``newsprism.ids``)."""

from __future__ import annotations

import pickle
import sys

import pytest

from newsprism.ids import ArticleIds


def test_ids_keep_their_order_and_places_across_growth() -> None:
    made = [f"id-{k}" for k in range(5000)] + ["Zürich/1", "\u65b0\u95fb", "bad\udcffbyte", ""]
    ids = ArticleIds(made[:3])
    ids.extend(made[3:])
    assert len(ids) == len(made) and list(ids) == made and ids[-1] == "" and ids[4999] == "id-4999"
    assert ids[10:13] == made[10:13] and ids[::1000] == made[::1000]
    assert all(ids.place(aid) == k for k, aid in enumerate(made))
    assert ids.place("id-5000") is None and ids.place("id-") is None
    with pytest.raises(IndexError):
        ids[len(made)]


def test_places_read_like_the_dict_they_replace() -> None:
    ids = ArticleIds(["a", "b"])
    places = ids.places()
    ids.append("c")  # a view: sees what came later
    assert places["c"] == 2 and places.get("b") == 1 and places.get("z") is None
    assert "a" in places and "z" not in places and 3 not in places and len(places) == 3
    assert dict(places) == {"a": 0, "b": 1, "c": 2}
    with pytest.raises(KeyError):
        places["z"]


def test_a_copy_in_another_process_finds_the_same_places() -> None:
    ids = ArticleIds(f"b{k}" for k in range(1000))
    copy = pickle.loads(pickle.dumps(ids))
    assert copy == ids and copy.place("b999") == 999
    copy.append("new")
    assert copy != ids and copy.place("new") == 1000


def test_an_id_takes_a_few_dozen_bytes_not_a_list_and_dict_entry() -> None:
    n = 100_000
    ids = ArticleIds(f"b{k}" for k in range(n))
    held = sum(sys.getsizeof(getattr(ids, f)) for f in ArticleIds.__slots__)
    assert held / n < 40  # a list of str and a dict back to places took about 130


def test_an_id_taken_in_again_is_found_at_its_latest_place_across_growth() -> None:
    ids = ArticleIds(["a", "b"])
    ids.append("a")
    assert ids.place("a") == 2 and ids[0] == ids[2] == "a" and ids.place("b") == 1
    ids.extend(f"x{k}" for k in range(3000))  # the table grows: every slot is made again
    ids.append("b")
    assert ids.place("a") == 2 and ids.place("b") == 3003 and ids.place("x2999") == 3002 and len(ids) == 3004


def test_places_hold_each_id_once_when_taken_in_again() -> None:
    """A mapping lists a key once: an id taken in again is one entry, at its latest place."""
    ids = ArticleIds(["a", "b"])
    ids.append("a")
    places = ids.places()
    assert len(places) == 2 and dict(places) == {"b": 1, "a": 2} and list(places) == ["b", "a"]
    ids.extend(f"x{k}" for k in range(3000))  # counted again as the table grows
    ids.append("b")
    assert len(places) == ids.distinct == 3002 and len(ids) == 3004
    assert dict(places)["b"] == 3003 and pickle.loads(pickle.dumps(ids)).distinct == 3002
