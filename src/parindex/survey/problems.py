"""Problems of a survey definition, each naming the question, leaf, group or scale."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from parindex.errors import MESSAGE_LIMIT, ParIndexError
from parindex.messages import Found, Message, msg, render, text
from parindex.survey.model import SurveyDefinition

#: The line above the problems of answer files (an InputError's heading).
ANSWER_PROBLEMS = "survey.answer_problems"


@attrs.frozen
class DefinitionProblem:
    """One problem of a definition: what it concerns (``subject``) and what is wrong."""

    subject: Message
    message: Message
    #: The definition's file, when it came from one.
    location: str = ""

    def render(self, lang: str | None = None) -> str:
        body = f"{render(self.subject, lang)}: {render(self.message, lang)}"
        return f"{self.location}: {body}" if self.location else body

    def __str__(self) -> str:
        return self.render()


class SurveyDefinitionError(ParIndexError):
    """A survey definition failed its checks; ``problems`` lists every problem found."""

    def __init__(self, definition: str, problems: Sequence[DefinitionProblem]) -> None:
        self.definition = definition
        self.problems = tuple(problems)
        super().__init__(
            "survey.definition_invalid", definition=Found(definition), count=len(problems)
        )

    def render(self, lang: str | None = None) -> str:
        lines = [p.render(lang) for p in self.problems]
        shown = "\n".join(f"  - {line}" for line in lines[:MESSAGE_LIMIT])
        more = len(lines) - MESSAGE_LIMIT
        tail = "\n  " + text("core.and_more", lang, count=more) if more > 0 else ""
        return f"{super().render(lang)}\n{shown}{tail}"


def located(problem: DefinitionProblem, definition: SurveyDefinition) -> DefinitionProblem:
    """``problem`` headed by the definition's file, where it came from one."""
    if problem.location or not definition.file:
        return problem
    return attrs.evolve(problem, location=definition.file)


def about_definition() -> Message:
    return msg("survey.subject_definition")


def about_question(code: object) -> Message:
    return msg("survey.subject_question", code=Found(code))


def about_leaf(code: object) -> Message:
    return msg("survey.subject_leaf", code=Found(code))


def about_group(group: object) -> Message:
    return msg("survey.subject_group", group=Found(group))


def about_scale(scale: object) -> Message:
    return msg("survey.subject_scale", scale=Found(scale))


def about_not_answer(label: object) -> Message:
    return msg("survey.subject_not_answer", label=Found(label))
