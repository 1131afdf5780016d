"""History: a results store across years and pack versions, unit lineage, year over year, targets.

``HistoryStore.open("history.sqlite", create=True)`` (or a ``postgresql://``
URL) keeps the results of many years, one import per transaction;
:mod:`.lineage` records which units succeeded which; :mod:`.mapping` declares
how criteria codes of two pack versions correspond;
:mod:`.yoy` and :mod:`.targets` compare years only along those explicit links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parindex.lazy import exports

if TYPE_CHECKING:
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

# Imported on first use (:mod:`parindex.lazy`): a command that only lists packs or scores
# a CSV does not load the store, the drivers and the targets.
__getattr__, __dir__ = exports(
    __name__,
    {
        "Aggregate": "parindex.history.yoy",
        "Ancestry": "parindex.history.lineage",
        "CodeLink": "parindex.history.mapping",
        "DocumentError": "parindex.history.documents",
        "EventKind": "parindex.history.lineage",
        "EveryUnitImproves": "parindex.history.targets",
        "FigureRecord": "parindex.history.records",
        "HistoryImportError": "parindex.history.problems",
        "HistoryStore": "parindex.history.store",
        "Lineage": "parindex.history.lineage",
        "LineageEvent": "parindex.history.lineage",
        "LinkKind": "parindex.history.mapping",
        "Origin": "parindex.history.records",
        "PackRef": "parindex.history.mapping",
        "Predecessor": "parindex.history.yoy",
        "PreparedSets": "parindex.history.importing",
        "RankImprovement": "parindex.history.targets",
        "ResultSetInfo": "parindex.history.store",
        "ResultSetRecord": "parindex.history.records",
        "ResultsDocument": "parindex.history.records",
        "SetProblem": "parindex.history.problems",
        "Status": "parindex.history.targets",
        "StoredSet": "parindex.history.store",
        "TargetCheck": "parindex.history.targets",
        "TargetPlan": "parindex.history.targets",
        "TopN": "parindex.history.targets",
        "UnitRecord": "parindex.history.records",
        "UnitsAverageAboveProvince": "parindex.history.targets",
        "VersionMapping": "parindex.history.mapping",
        "YearComparer": "parindex.history.yoy",
        "YoyReport": "parindex.history.yoy",
        "YoyRow": "parindex.history.yoy",
        "check_targets": "parindex.history.targets",
        "document_from_json": "parindex.history.records",
        "document_to_json": "parindex.history.records",
        "identity_mapping": "parindex.history.mapping",
        "mapping_from_document": "parindex.history.mapping",
        "mapping_to_document": "parindex.history.mapping",
        "prepare_records": "parindex.history.importing",
        "read_document": "parindex.history.records",
        "read_lineage": "parindex.history.lineage",
        "read_mapping": "parindex.history.mapping",
        "read_plan": "parindex.history.targets",
        "records_from_results": "parindex.history.store",
        "year_over_year": "parindex.history.yoy",
    },
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
