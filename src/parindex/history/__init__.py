"""History: a results store across years and pack versions, unit lineage, year over year, targets.

``HistoryStore.open("history.sqlite", create=True)`` (or a ``postgresql://``
URL) keeps the results of many years, one import per transaction;
:mod:`.lineage` records which units succeeded which; :mod:`.mapping` declares
how criteria codes of two pack versions correspond;
:mod:`.yoy` and :mod:`.targets` compare years only along those explicit links.
"""

from parindex.history.documents import DocumentError
from parindex.history.importing import PreparedSets, prepare_records
from parindex.history.lineage import Ancestry, EventKind, Lineage, LineageEvent, read_lineage
from parindex.history.mapping import (
    CodeLink,
    LinkKind,
    PackRef,
    VersionMapping,
    identity_mapping,
    mapping_from_document,
    mapping_to_document,
    read_mapping,
)
from parindex.history.problems import HistoryImportError, SetProblem
from parindex.history.records import (
    FigureRecord,
    Origin,
    ResultsDocument,
    ResultSetRecord,
    UnitRecord,
    document_from_json,
    document_to_json,
    read_document,
)
from parindex.history.store import HistoryStore, ResultSetInfo, StoredSet, records_from_results
from parindex.history.targets import (
    EveryUnitImproves,
    RankImprovement,
    Status,
    TargetCheck,
    TargetPlan,
    TopN,
    UnitsAverageAboveProvince,
    check_targets,
    read_plan,
)
from parindex.history.yoy import (
    Aggregate,
    Predecessor,
    YearComparer,
    YoyReport,
    YoyRow,
    year_over_year,
)

__all__ = [
    "Aggregate",
    "Ancestry",
    "CodeLink",
    "DocumentError",
    "EventKind",
    "EveryUnitImproves",
    "FigureRecord",
    "HistoryImportError",
    "HistoryStore",
    "Lineage",
    "LineageEvent",
    "LinkKind",
    "Origin",
    "PackRef",
    "Predecessor",
    "PreparedSets",
    "RankImprovement",
    "ResultSetInfo",
    "ResultSetRecord",
    "ResultsDocument",
    "SetProblem",
    "Status",
    "StoredSet",
    "TargetCheck",
    "TargetPlan",
    "TopN",
    "UnitRecord",
    "UnitsAverageAboveProvince",
    "VersionMapping",
    "YearComparer",
    "YoyReport",
    "YoyRow",
    "check_targets",
    "document_from_json",
    "document_to_json",
    "identity_mapping",
    "mapping_from_document",
    "mapping_to_document",
    "prepare_records",
    "read_document",
    "read_lineage",
    "read_mapping",
    "read_plan",
    "records_from_results",
    "year_over_year",
]
