"""Finding a survey definition by id or file, and survey points for a scoring input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from parindex.compiled import CompiledPack
from parindex.errors import ParIndexError
from parindex.inputs import ScoringInput
from parindex.messages import Found, msg
from parindex.survey.aggregate import aggregate
from parindex.survey.definition import read_definition
from parindex.survey.installed import get_survey, surveys_for_pack
from parindex.survey.model import SurveyDefinition, SurveyKind
from parindex.survey.points import SurveyPoints
from parindex.survey.readers import read_answers


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
    if definition is None:
        chosen = survey_of_pack(compiled.pack.id)
    elif isinstance(definition, str):
        chosen = load_survey(definition)
    else:
        chosen = definition
    if chosen.pack != compiled.pack.id:
        raise ParIndexError(
            msg("survey.pack_mismatch", pack=Found(chosen.pack), given=Found(compiled.pack.id))
        )
    read = read_answers(chosen, *answers, units=data.unit_ids)
    return aggregate(chosen, read, pack=compiled.pack, units=data.unit_ids)
