"""Survey definitions installed through the ``parindex_register_surveys`` plugin hook."""

from __future__ import annotations

import weakref

from parindex.errors import ParIndexError
from parindex.messages import Found, msg
from parindex.plugins import Plugins, default_plugins
from parindex.survey.definition import read_definition
from parindex.survey.model import SurveyDefinition, SurveyKind

_LOADED: weakref.WeakKeyDictionary[Plugins, dict[str, SurveyDefinition]] = (
    weakref.WeakKeyDictionary()
)


def survey_ids(plugins: Plugins | None = None) -> list[str]:
    """Ids of the installed survey definitions."""
    return [entry.survey_id for entry in (plugins or default_plugins()).survey_entries()]


def get_survey(survey_id: str, plugins: Plugins | None = None) -> SurveyDefinition:
    """An installed survey definition by id, read and checked once."""
    plugins = plugins or default_plugins()
    loaded = _LOADED.setdefault(plugins, {})
    if survey_id in loaded:
        return loaded[survey_id]
    entries = {entry.survey_id: entry for entry in plugins.survey_entries()}
    entry = entries.get(survey_id)
    if entry is None:
        raise ParIndexError(
            "survey.not_installed",
            survey=Found(survey_id),
            installed=sorted(entries) or msg("survey.none_installed"),
        )
    definition = entry.definition if entry.definition is not None else None
    if definition is None:
        assert entry.path is not None
        definition = read_definition(entry.path)
    if definition.id != survey_id:
        raise ParIndexError(
            "survey.registered_as_other",
            survey=Found(survey_id),
            found=Found(definition.id),
            origin=entry.origin,
        )
    loaded[survey_id] = definition
    return definition


def surveys_for_pack(
    pack_id: str, kind: SurveyKind | None = None, plugins: Plugins | None = None
) -> list[SurveyDefinition]:
    """The installed definitions written for a pack (of one kind, when given)."""
    found = [get_survey(survey_id, plugins) for survey_id in survey_ids(plugins)]
    return [d for d in found if d.pack == pack_id and (kind is None or d.kind is kind)]
