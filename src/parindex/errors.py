"""Error types that report every problem at once, each located precisely.

Every problem carries a :class:`~parindex.messages.Message` (a stable code and
its facts), rendered in the reader's language when shown. Applications match on
``problem.message.code``; people read ``str(problem)``.
"""

from __future__ import annotations

import enum
import errno
from collections.abc import Sequence

import attrs

from parindex.messages import Found, Message, current_lang, msg, render, text

#: Refusals of the operating system said in the reader's words (catalogue ``system.*``).
_OS_REASONS = {
    errno.EACCES: "eacces",
    errno.EPERM: "eacces",
    errno.ENOENT: "enoent",
    errno.EISDIR: "eisdir",
    errno.ENOTDIR: "enotdir",
    errno.ENOSPC: "enospc",
    errno.EDQUOT: "edquot",
    errno.EROFS: "erofs",
    errno.EEXIST: "eexist",
    errno.EBUSY: "ebusy",
    errno.EMFILE: "emfile",
    errno.ENAMETOOLONG: "enametoolong",
    errno.ELOOP: "eloop",
    errno.EIO: "eio",
}


def os_reason(error: OSError) -> Text:
    """Why the system refused a file operation, in the reader's language where known
    (the C library's English ``strerror`` otherwise)."""
    key = _OS_REASONS.get(error.errno) if error.errno is not None else None
    if key is not None:
        return msg(f"system.{key}")
    return error.strerror or type(error).__name__


#: How many problems an exception message lists before summarising the rest.
MESSAGE_LIMIT = 25

Text = Message | str


def as_message(value: Text, params: dict[str, object] | None = None) -> Text:
    """A catalogue code (with ``params``) as a :class:`Message`; other text as it is."""
    if isinstance(value, Message):
        return value
    from parindex.messages import catalogue

    if value in catalogue():
        return Message(value, params or {})
    return value


class ParIndexError(Exception):
    """Base of every error parindex raises on purpose: a user error, never a bug.

    ``ParIndexError("output.is_folder", path=...)`` names a catalogue message;
    ``exc.message`` holds it and ``exc.code`` its code.
    """

    #: What a driver or library said, in its own words (often English): shown
    #: only with ``--verbose`` or ``--debug``, after the message.
    technical: str = ""

    def __init__(self, message: Text = "", /, **params: object) -> None:
        self.message: Text = as_message(message, params)
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.message.code if isinstance(self.message, Message) else ""

    def render(self, lang: str | None = None) -> str:
        return render(self.message, lang)

    def __str__(self) -> str:
        return self.render()


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Violation:
    """One problem found in a pack, naming the node code it concerns ("" for the pack)."""

    code: str
    severity: Severity
    #: A stable name for the check (e.g. ``maxima-do-not-add-up``).
    check: str
    message: Text
    #: Where the node was defined (a file and row), when known.
    location: str | Location = ""

    def render(self, lang: str | None = None) -> str:
        node = self.code or text("core.the_pack", lang)
        place = self.location.render(lang) if isinstance(self.location, Location) else self.location
        return text(
            "core.violation",
            lang,
            severity=text(f"core.severity_{self.severity.value}", lang),
            node=node,
            check=self.check,
            message=render(self.message, lang),
            where=text("core.at", lang, where=place) if place else "",
        )

    def __str__(self) -> str:
        return self.render()


def _summarise(header: str, lines: Sequence[str], lang: str | None = None) -> str:
    shown = "\n".join(f"  - {line}" for line in lines[:MESSAGE_LIMIT])
    more = len(lines) - MESSAGE_LIMIT
    tail = "\n  " + text("core.and_more", lang, count=more) if more > 0 else ""
    return f"{header}\n{shown}{tail}"


class PackError(ParIndexError):
    """A pack failed validation; ``violations`` holds every problem found."""

    def __init__(self, pack_id: str, violations: Sequence[Violation]) -> None:
        self.pack_id = pack_id
        self.violations = tuple(violations)
        errors = [v for v in self.violations if v.severity is Severity.ERROR]
        super().__init__("core.pack_invalid", pack=pack_id, errors=len(errors))

    def render(self, lang: str | None = None) -> str:
        return _summarise(super().render(lang), [v.render(lang) for v in self.violations], lang)


@attrs.frozen
class Location:
    """A place in an input file; every field is optional."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    #: A path inside a structured document, e.g. ``units[2].values["1.2"]`` in JSON.
    path: str = ""

    def render(self, lang: str | None = None) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(text("core.loc_sheet", lang, sheet=self.sheet))
        if self.path:
            parts.append(self.path)
        if self.column and self.row is not None:
            parts.append(text("core.loc_cell", lang, cell=f"{self.column}{self.row}"))
        elif self.row is not None:
            parts.append(text("core.loc_row", lang, row=self.row))
        elif self.column:
            parts.append(text("core.loc_column", lang, column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.render()


@attrs.frozen
class InputProblem:
    """One problem in scoring input: which unit, which criterion, where, and what was expected.

    ``message`` says what was found, ``expected`` what was expected; both are
    catalogue messages (plain text only from plugins that build their own).
    """

    message: Text
    unit: str = ""
    code: str = ""
    location: Location | None = None
    expected: Text = ""

    def render(self, lang: str | None = None) -> str:
        bits = []
        if self.location is not None:
            where = self.location.render(lang)
            if where:
                bits.append(where)
        if self.unit:
            bits.append(text("core.loc_unit", lang, unit=Found(self.unit)))
        if self.code:
            bits.append(text("core.loc_criterion", lang, code=self.code))
        body = render(self.message, lang)
        expected = render(self.expected, lang)
        if expected:
            body = text("core.found_expected", lang, found=body, expected=expected)
        return f"{'; '.join(bits)}: {body}" if bits else body

    def __str__(self) -> str:
        return self.render()


class InputError(ParIndexError):
    """Scoring input was rejected; ``problems`` lists every problem, each located.

    ``heading``: the catalogue code of the line above the list, with ``{count}``
    (the scoring input's by default; survey answers name theirs)."""

    def __init__(
        self, problems: Sequence[InputProblem], heading: str = "core.input_problems"
    ) -> None:
        self.problems = tuple(problems)
        super().__init__(heading, count=len(self.problems))

    def render(self, lang: str | None = None) -> str:
        return _summarise(super().render(lang), [p.render(lang) for p in self.problems], lang)


__all__ = [
    "MESSAGE_LIMIT",
    "InputError",
    "InputProblem",
    "Location",
    "PackError",
    "ParIndexError",
    "Severity",
    "Text",
    "Violation",
    "as_message",
    "current_lang",
    "msg",
    "os_reason",
]
