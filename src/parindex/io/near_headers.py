"""Headers that are nearly right: "ma_don_vi" for "mã đơn vị".

Readers accept a header only as written (after NFC, case folding and single spaces;
the criteria table also without diacritics). A header that matches an accepted name
once diacritics, case, spaces, underscores and punctuation are all set aside is
still refused, never silently taken, but the problem asks whether that name was
meant, so the fix is one edit away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parindex.io.vocabulary import plain_key
from parindex.messages import Found, Message, msg

_NOT_LETTERS = re.compile(r"[\W_]+")


def loose_key(text: str) -> str:
    """``text`` without diacritics, case, spaces, underscores or punctuation."""
    return _NOT_LETTERS.sub("", plain_key(text))


def near_header(found: str, names: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The (accepted name, column key) ``found`` loosely matches, when it matches names
    of exactly one column (the first such name is given)."""
    wanted = loose_key(found)
    if not wanted:
        return None
    hits = [(name, key) for name, key in names if loose_key(name) == wanted]
    return hits[0] if hits and len({key for _, key in hits}) == 1 else None


def with_hint(problem: Message, found: str, names: Iterable[tuple[str, str]]) -> Message:
    """``problem`` about header ``found``, asking whether the nearly matching name was
    meant (unchanged when none, or names of two columns, match)."""
    hit = near_header(found, names)
    if hit is None:
        return problem
    return msg("header.did_you_mean", problem=problem, name=Found(hit[0]), key=hit[1])
