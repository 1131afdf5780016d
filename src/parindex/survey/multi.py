"""Multi-select answers ("có thể chọn nhiều"): a respondent's ticks as one uint64 bit mask.

Bit ``j`` of a mask is the scale's ``j``-th option. A cell is read in one of three
shapes, all to the same mask: a joined cell (the options' labels or aliases
separated by the scale's declared separators, as Google Forms ", " or Microsoft
Forms ";" export them), one tick column per option (``x``/``1`` ticked, ``0`` or
empty not), or several long-form rows. A cell without any tick is blank; a "not
an answer" stands alone (never beside ticks); an option ticked twice, an unknown
option or an unreadable tick is refused and located by the reader.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from parindex.grammar import (
    FLAG_FALSE,
    FLAG_TRUE,
    NOT_APPLICABLE_LABELS,
    EntryError,
    clean_text,
    flag_from_value,
    label_key,
)
from parindex.messages import Found, Message, msg
from parindex.survey.model import Scale

MaskArray = npt.NDArray[np.uint64]

#: Marks read as a tick / no tick in a column per option (the flag words, without the
#: "không phát sinh" ones, which mean something else).
TICK_TRUE = FLAG_TRUE - NOT_APPLICABLE_LABELS
TICK_FALSE = FLAG_FALSE

_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def popcount(masks: MaskArray) -> npt.NDArray[np.int64]:
    """Ticks per mask: numpy's bitwise_count where it exists (numpy 2), else a byte table."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(masks).astype(np.int64)
    as_bytes = np.ascontiguousarray(masks, dtype=np.uint64).view(np.uint8).reshape(-1, 8)
    counted: npt.NDArray[np.int64] = (
        _BYTE_BITS[as_bytes].sum(axis=1, dtype=np.int64).reshape(np.shape(masks))
    )
    return counted


def read_tick(raw: object) -> bool | Message:
    """A cell of a tick column: True for x/1/có, False for 0/không or empty, else why not."""
    try:
        return flag_from_value(raw, yes=TICK_TRUE, no=TICK_FALSE)
    except EntryError:
        return msg("survey.multi_bad_tick", found=Found(raw))


class MultiCells:
    """Joined cells of one multi scale read to (mask, code); each distinct cell read once.

    ``code`` is 0 for ticks, ``blank`` for none, or a "not an answer" code.
    """

    def __init__(self, scale: Scale, not_answers: dict[str, int], blank: int) -> None:
        self.options = {
            label_key(spelling): position
            for position, option in enumerate(scale.resolved_options)
            for spelling in (option.label, *option.aliases)
        }
        self.not_answers = not_answers
        self.blank = blank
        self.split = (
            re.compile("|".join(re.escape(s) for s in scale.separators)).split
            if scale.separators
            else None
        )
        self._seen: dict[object, tuple[int, int] | Message] = {}

    def read(self, raw: object) -> tuple[int, int] | Message:
        """The ticks of one joined cell, or the message saying what is wrong with it."""
        key = raw if isinstance(raw, str) else None
        if key is not None and key in self._seen:
            return self._seen[key]
        found = self._read(raw)
        if key is not None:
            self._seen[key] = found
        return found

    def _read(self, raw: object) -> tuple[int, int] | Message:
        if isinstance(raw, bool):
            return msg("survey.answer_not_in_scale", found=Found(raw))
        text = clean_text(raw)
        if not text:
            return 0, self.blank
        whole = label_key(text)
        if whole in self.not_answers:
            return 0, self.not_answers[whole]
        if whole in self.options:
            return 1 << self.options[whole], 0
        pieces = self.split(text) if self.split is not None else [text]
        mask, not_answer = 0, 0
        for piece in pieces:
            key = label_key(piece)
            if not key:
                continue  # an empty piece (a trailing separator, as Microsoft Forms writes)
            if key in self.not_answers:
                if mask or not_answer:
                    return msg("survey.multi_not_answer_with_ticks", found=Found(piece.strip()))
                not_answer = self.not_answers[key]
                not_answer_text = piece.strip()
                continue
            position = self.options.get(key)
            if position is None:
                return msg("survey.answer_not_in_scale", found=Found(piece.strip()))
            if not_answer:
                return msg("survey.multi_not_answer_with_ticks", found=Found(not_answer_text))
            if mask >> position & 1:
                return msg("survey.multi_option_twice", found=Found(piece.strip()))
            mask |= 1 << position
        if not_answer:
            return 0, not_answer
        return (mask, 0) if mask else (0, self.blank)
