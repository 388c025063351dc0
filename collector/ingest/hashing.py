"""The wire contract's section hash (:func:`schemas.hashing.section_hash`), computed with orjson.

The contract hashes ``json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)``; the agent keeps that (it has only the standard library). orjson with
sorted keys writes the same bytes ten times faster for what a decoded document holds (str keys,
strings, 64-bit integers, finite floats, booleans, null), with one exception: a float below 1e-4
in magnitude (orjson ``0.00001`` and ``1e-7``, json ``1e-05`` and ``1e-07``). Output that may hold
such a number, and any value orjson will not write as json does, is hashed the contract's way.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import orjson

from schemas.hashing import section_hash

# Where orjson and json write a float differently: a one-digit negative exponent (orjson
# 1e-7, json 1e-07) or four zeros after the point (orjson 0.00001, json 1e-05). Both searches
# start from a literal (fast); a string that merely looks like this only costs the slow path.
_ONE_DIGIT_EXPONENT = re.compile(rb"e-\d(?:[,\]}]|\Z)")
_FOUR_ZEROS = b"0.0000"
# Types orjson writes natively but json.dumps refuses or writes differently (datetime,
# dataclass, str/int/dict subclasses such as enums) fail here and take the contract's path.
_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def hash_section(value: Any) -> str:
    """The section's contract hash (32 hex digits), equal to ``section_hash(value)``."""
    try:
        canonical = orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return section_hash(value)
    if _FOUR_ZEROS in canonical or _ONE_DIGIT_EXPONENT.search(canonical):
        return section_hash(value)
    return hashlib.sha256(canonical).hexdigest()[:32]
