"""Why a CSV file is not UTF-8: the encoding it is in, named only where the bytes show it.

Every CSV reader (long input, survey answers, criteria tables) reads UTF-8 and
refuses anything else. This module says what the file is instead, so that the
message can say how to save it properly:

- UTF-16 and UTF-32, by their byte-order mark, or UTF-16/32 without one by the
  NUL bytes every ASCII character then carries (a UTF-8 CSV has no NUL): what
  Excel writes as "Unicode Text";
- the old Vietnamese encodings Windows-1258 (what Excel's plain "CSV" writes on
  Vietnamese Windows) and TCVN3 (ABC, the .VnTime fonts), only when every
  non-ASCII character of a sample, read that way, is part of a Vietnamese
  syllable (at most one tone mark, a known onset, vowel group and ending) and
  the other encoding does not read it so too. The text is decoded here only to
  judge; it is never handed on: the file is still refused.

Nothing is guessed silently: without such evidence the caller keeps its plain
"not UTF-8 (byte N)" message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from parindex.messages import Message, msg

#: Byte-order marks, longest first (UTF-32 LE begins with UTF-16 LE's).
BOMS: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "UTF-32 BE"),
    (b"\xff\xfe", "UTF-16 LE"),
    (b"\xfe\xff", "UTF-16 BE"),
)
#: Bytes looked at to recognise an encoding (a header and some rows).
SAMPLE_BYTES: Final = 1 << 16
#: Non-ASCII words that must read as Vietnamese before an old encoding is named.
MIN_WORDS: Final = 3

WINDOWS_1258: Final = "Windows-1258"
TCVN3: Final = "TCVN3"
#: TCVN3 (TCVN 5712:1993, VN3): the characters of bytes 0xA1-0xFE, in order (as glibc's
#: TCVN5712-1 decodes them); 0x80-0x9F and 0xFF hold no VN3 character.
_TCVN3_HIGH: Final = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịò"
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵ"
)
_TONES: Final = "\u0300\u0301\u0303\u0309\u0323"
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_SYLLABLE: Final = re.compile(_ONSET + "[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?")
#: Punctuation and signs a Vietnamese file may hold beside its words.
_SIGNS: Final = frozenset("\u00a0–—‘’“”…°₫€×·")
_WORD: Final = re.compile(r"[^\W\d_]+")


def wide_encoding(head: bytes) -> str | None:
    """``UTF-16 LE``, ``UTF-16 BE``, ``UTF-32 LE`` or ``UTF-32 BE`` when the file's first
    bytes are in one of them (its BOM, or the NUL pattern of its ASCII characters)."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    sample = head[: 4096 - 4096 % 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    quads = len(sample) // 4
    nul = [sample[offset::4][:quads].count(0) for offset in range(4)]
    if nul[2] == nul[3] == quads and nul[0] < quads:
        return "UTF-32 LE"
    if nul[0] == nul[1] == quads and nul[3] < quads:
        return "UTF-32 BE"
    pairs = quads * 2
    even, odd = nul[0] + nul[2], nul[1] + nul[3]
    if odd >= pairs * 3 // 10 and even == 0:
        return "UTF-16 LE"
    if even >= pairs * 3 // 10 and odd == 0:
        return "UTF-16 BE"
    return None


def _decode_tcvn3(sample: bytes) -> str | None:
    chars = []
    for byte in sample:
        if byte < 0x80:
            chars.append(chr(byte))
        elif 0xA1 <= byte <= 0xFE:
            chars.append(_TCVN3_HIGH[byte - 0xA1])
        elif byte == 0xA0:
            chars.append("\u00a0")
        else:
            return None
    return "".join(chars)


def _decode_1258(sample: bytes) -> str | None:
    try:
        return sample.decode("cp1258")
    except UnicodeDecodeError:
        return None


def _syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.casefold())
    if sum(decomposed.count(tone) for tone in _TONES) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


def _reads_as_vietnamese(decoded: str | None) -> bool:
    """Every non-ASCII character is a sign or a letter of a Vietnamese syllable, and
    there are at least :data:`MIN_WORDS` such syllables."""
    if decoded is None:
        return False
    text = unicodedata.normalize("NFC", decoded)
    words = [word for word in _WORD.findall(text) if not word.isascii()]
    if len(words) < MIN_WORDS or not all(_syllable(word) for word in words):
        return False
    # Every non-ASCII character that is not a sign is a letter of those words.
    in_words = sum(not c.isascii() for word in words for c in word)
    return in_words == sum(not c.isascii() and c not in _SIGNS for c in text)


def legacy_encoding(sample: bytes) -> str | None:
    """:data:`WINDOWS_1258` or :data:`TCVN3` when ``sample`` (bytes that are not UTF-8)
    reads as Vietnamese in exactly one of them; ``None`` when the evidence is weak."""
    found = [
        name
        for name, decode in ((WINDOWS_1258, _decode_1258), (TCVN3, _decode_tcvn3))
        if _reads_as_vietnamese(decode(sample))
    ]
    return found[0] if len(found) == 1 else None


def around(data: bytes, start: int) -> bytes:
    """Up to :data:`SAMPLE_BYTES` of whole lines from the line holding byte ``start``."""
    begin = data.rfind(b"\n", 0, start) + 1
    sample = data[begin : begin + SAMPLE_BYTES]
    cut = sample.rfind(b"\n")
    return sample if cut < 0 or len(sample) < SAMPLE_BYTES else sample[: cut + 1]


def wide_problem(encoding: str) -> tuple[Message, Message]:
    """What was found and what is expected, for a UTF-16 or UTF-32 file."""
    if encoding == "UTF-16 LE":
        return msg("encoding.unicode_text"), msg("encoding.save_utf8")
    return msg("encoding.wide", encoding=encoding), msg("encoding.save_utf8")


def legacy_problem(encoding: str, byte: int) -> tuple[Message, Message]:
    """What was found and what is expected, for a file in an old Vietnamese encoding
    (``byte``: the first that is not UTF-8, counted from 1)."""
    expected = "encoding.convert_tcvn3" if encoding == TCVN3 else "encoding.convert_1258"
    return msg("encoding.legacy", encoding=encoding, byte=byte), msg(expected)


def diagnose(data: bytes, bad: int | None) -> tuple[Message, Message] | None:
    """The encoding problem of a CSV file's ``data``, named where the evidence is strong
    (``bad``: where its first byte that is not UTF-8 is, ``None`` if there is none)."""
    wide = wide_encoding(data[:SAMPLE_BYTES])
    if wide is not None:
        return wide_problem(wide)
    if bad is None:
        return None
    legacy = legacy_encoding(around(data, bad))
    return legacy_problem(legacy, bad + 1) if legacy is not None else None
