"""parindex: exact, explainable, vectorised scoring of Vietnam's PAR Index.

Typical use::

    import parindex
    pack = parindex.get_pack("bnv-province-1150-2019")
    compiled = parindex.compile_pack(pack)
    data = parindex.from_records(compiled, records)
    results = parindex.score(compiled, data)
    results.ranking()
"""

from parindex.compiled import CompiledPack, compile_pack
from parindex.errors import (
    InputError,
    InputProblem,
    Location,
    PackError,
    ParIndexError,
    Severity,
    Violation,
)
from parindex.inputs import (
    NOT_APPLICABLE,
    Override,
    Record,
    ScoringInput,
    Unit,
    from_array,
    from_mappings,
    from_records,
)
from parindex.model import (
    ClassCondition,
    Classification,
    DeclaredStructure,
    Grade,
    LegalBasis,
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    Provenance,
    ProvenanceStatus,
    RoundingRule,
    UnitGroup,
    YearRange,
)
from parindex.plugins import default_plugins, get_pack, hookimpl
from parindex.results import NodeResult, Results, StageScores
from parindex.scoring import score
from parindex.validation import validate

__version__ = "0.1.0"

__all__ = [
    "NOT_APPLICABLE",
    "ClassCondition",
    "Classification",
    "CompiledPack",
    "DeclaredStructure",
    "Grade",
    "InputError",
    "InputProblem",
    "LegalBasis",
    "Location",
    "Node",
    "NodeResult",
    "NotApplicable",
    "Override",
    "Pack",
    "PackError",
    "ParIndexError",
    "PointsSource",
    "Provenance",
    "ProvenanceStatus",
    "Record",
    "Results",
    "RoundingRule",
    "ScoringInput",
    "Severity",
    "StageScores",
    "Unit",
    "UnitGroup",
    "Violation",
    "YearRange",
    "compile_pack",
    "default_plugins",
    "from_array",
    "from_mappings",
    "from_records",
    "get_pack",
    "hookimpl",
    "score",
    "validate",
]
