"""The JSON report's writer: the text ``json.dumps(indent=2)`` writes, byte for byte, faster.

Its own indenting (``escape._indented``) must never differ from the standard
library's; a value it does not write plainly goes to json.dumps whole.
"""

from __future__ import annotations

import json
import math

import pytest

from newsprism.report.escape import _indented, _Unusual, dumps

PLAIN = {
    "version": 1,
    "text": 'She said "no" \\ then left.\n\tTab, \x00 NUL, \x1b ESC, é, 漢字, 🦊, \u2028, \ud800',
    "empty": {"list": [], "dict": {}, "string": ""},
    "numbers": [0, -7, 2**70, 0.1, -2.5, 1e-07, 1e16, 123456789.125, 5e-324, True, False, None],
    "nested": [[[]], [{}], [{"a": [1, [2, {"b": None}]]}]],
    "tuple": (1, "two"),
    "": "an empty key",
}


@pytest.mark.parametrize("indent", [0, 1, 2, 4])
def test_the_writer_writes_what_json_dumps_writes(indent: int) -> None:
    assert _indented(PLAIN, indent) == json.dumps(PLAIN, ensure_ascii=False, indent=indent)
    for v in ([], {}, "", 3, 2.0, None, [1], {"k": "v"}):
        assert _indented(v, indent) == json.dumps(v, ensure_ascii=False, indent=indent)


class Label(str):
    pass


@pytest.mark.parametrize("unusual", [
    {1: "int key"}, {None: "null key"}, {"nan": math.nan}, [math.inf], [Label("a str subclass")], {"s": {1, 2}},
])
def test_what_it_does_not_write_plainly_goes_to_json_dumps(unusual: object) -> None:
    with pytest.raises(_Unusual):
        _indented(unusual, 2)
    try:
        expected = json.dumps(unusual, ensure_ascii=False, indent=2)
    except TypeError:
        with pytest.raises(TypeError):
            dumps(unusual, indent=2)
    else:
        assert dumps(unusual, indent=2) == expected


def test_controls_json_leaves_raw_are_escaped_after_either_writer() -> None:
    doc = {"t": "a\x85b\u202ec", 1: "x"}  # the int key sends it to json.dumps
    assert dumps(doc, indent=2) == '{\n  "t": "a\\u0085b\\u202ec",\n  "1": "x"\n}'
    assert dumps({"t": "a\x85b\u202ec"}, indent=2) == '{\n  "t": "a\\u0085b\\u202ec"\n}'
