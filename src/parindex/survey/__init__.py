"""The survey third of the index: from raw questionnaire answers to survey points.

A survey definition (questions, answer scales, respondent groups and weights,
how answers become each survey leaf's points, minimum sample sizes and what
happens below them) is read from TOML; answers are read from the files offices
have (one row per questionnaire, or one row per answer; CSV or xlsx); the
aggregation counts them as whole arrays and gives exact points per unit and
leaf, which :func:`parindex.score` combines with the self-assessment and
appraisal stages::

    from parindex.survey import aggregate, get_survey, read_answers
    definition = get_survey("synthetic-commune-survey")
    answers = read_answers(definition, "tra-loi.csv")
    survey = aggregate(definition, answers)
    results = parindex.score(compiled, data, survey=survey)
"""

from parindex.survey.aggregate import aggregate
from parindex.survey.answers import Answers, answers_from_arrays
from parindex.survey.definition import definition_from_document, read_definition
from parindex.survey.installed import get_survey, survey_ids, surveys_for_pack
from parindex.survey.model import (
    Band,
    BelowMinimum,
    Leaf,
    Measure,
    NotAnswer,
    Option,
    Policy,
    Question,
    RespondentGroup,
    Scale,
    ScaleKind,
    SurveyDefinition,
    SurveyKind,
)
from parindex.survey.points import LeafSurvey, SurveyPoints
from parindex.survey.problems import DefinitionProblem, SurveyDefinitionError
from parindex.survey.readers import read_answers
from parindex.survey.reference import reference_aggregate
from parindex.survey.synthetic import synthetic_answers

__all__ = [
    "Answers",
    "Band",
    "BelowMinimum",
    "DefinitionProblem",
    "Leaf",
    "LeafSurvey",
    "Measure",
    "NotAnswer",
    "Option",
    "Policy",
    "Question",
    "RespondentGroup",
    "Scale",
    "ScaleKind",
    "SurveyDefinition",
    "SurveyDefinitionError",
    "SurveyKind",
    "SurveyPoints",
    "aggregate",
    "answers_from_arrays",
    "definition_from_document",
    "get_survey",
    "read_answers",
    "read_definition",
    "reference_aggregate",
    "survey_ids",
    "surveys_for_pack",
    "synthetic_answers",
]
