"""Finding a survey definition by id or file, and survey points for a scoring input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from parindex.compiled import CompiledPack
from parindex.errors import ParIndexError
from parindex.inputs import ScoringInput
from parindex.messages import Found, msg
from parindex.survey.aggregate import aggregate
from parindex.survey.definition import read_definition
from parindex.survey.installed import get_survey, surveys_for_pack
from parindex.survey.model import SurveyDefinition, SurveyKind
from parindex.survey.points import SurveyPoints
from parindex.survey.problems import DefinitionProblem, SurveyDefinitionError, about_definition
from parindex.survey.readers import read_answers

if TYPE_CHECKING:
    from parindex.results import Results
    from parindex.survey.report import SurveyReport


def load_survey(name: str) -> SurveyDefinition:
    """An installed survey definition by id, or a definition file (.toml) by path."""
    path = Path(name)
    if path.suffix.lower() == ".toml":
        return read_definition(path)
    return get_survey(name)


def survey_of_pack(pack_id: str, kind: SurveyKind = SurveyKind.PAR_INDEX) -> SurveyDefinition:
    """The one installed definition of ``kind`` written for a pack (else a clear error)."""
    found = surveys_for_pack(pack_id, kind)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ParIndexError("survey.pack_has_no_survey", pack=Found(pack_id))
    raise ParIndexError(
        "survey.pack_has_several_surveys", pack=Found(pack_id), surveys=[Found(d.id) for d in found]
    )


def survey_definition_for(
    compiled: CompiledPack, definition: SurveyDefinition | str | None = None
) -> SurveyDefinition:
    """The definition whose answers score ``compiled``'s survey leaves (checked for the pack).

    ``definition``: a definition, an installed id or a file; by default the one
    registered for the pack.
    """
    if definition is None:
        chosen = survey_of_pack(compiled.pack.id)
    elif isinstance(definition, str):
        chosen = load_survey(definition)
    else:
        chosen = definition
    if chosen.pack != compiled.pack.id:
        found = msg("survey.pack_mismatch", pack=Found(chosen.pack), given=Found(compiled.pack.id))
        problem = DefinitionProblem(about_definition(), found, chosen.file)
        raise SurveyDefinitionError(chosen.id, [problem])
    return chosen


def survey_points_for(
    compiled: CompiledPack,
    data: ScoringInput,
    answers: Sequence[str | Path],
    definition: SurveyDefinition | str | None = None,
) -> SurveyPoints:
    """Survey points of ``data``'s units from answer files (CSV, xlsx, folders).

    ``definition``: a definition, an installed id or a file; by default the one
    registered for the pack. Answers for a unit that is not scored are an error;
    a scored unit without questionnaires follows the policy below the minimum.
    """
    chosen = survey_definition_for(compiled, definition)
    read = read_answers(chosen, *answers, units=data.unit_ids)
    return aggregate(chosen, read, pack=compiled.pack, units=data.unit_ids)


def report_for(
    results: Results,
    answers: Sequence[str | Path],
    *,
    satisfaction: Sequence[str | Path] = (),
    satisfaction_definition: str | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> SurveyReport | None:
    """The report's survey section for results scored with survey ``answers`` (None without).

    ``satisfaction``: answer files of a satisfaction index shown beside it (the
    definition installed for the pack, or ``satisfaction_definition``).
    """
    from parindex.survey.report import survey_report

    if results.survey is None:
        return None
    read = read_answers(results.survey.definition, *answers, units=results.unit_ids)
    index = None
    if satisfaction:
        chosen = (
            load_survey(satisfaction_definition)
            if satisfaction_definition
            else survey_of_pack(results.pack.id, SurveyKind.SATISFACTION)
        )
        sat_answers = read_answers(chosen, *satisfaction, units=results.unit_ids)
        index = aggregate(chosen, sat_answers, units=results.unit_ids)
    return survey_report(results, read, resamples=resamples, seed=seed, satisfaction=index)
