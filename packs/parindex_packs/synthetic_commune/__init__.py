"""A SYNTHETIC commune-level pack (bộ chỉ số mô phỏng cấp xã) for demos and benchmarks.

Not an official criteria set: its titles say so and the pack is flagged
``synthetic``. It mirrors the size and mix of rule kinds of a real commune index
(8 fields, about 30 criteria, about 60 sub-criteria, 100 points, a third from a
survey), so demos and benchmarks exercise every rule kind at realistic scale.

Beside it, two SYNTHETIC survey definitions: the questionnaire whose answers give
the pack's survey leaves (field 8), and a citizen-satisfaction index in the same
format. Neither is an official question list.
"""

from pathlib import Path

from parindex import hookimpl
from parindex.plugins import PackRegistry, SurveyRegistry
from parindex.synthetic import synthetic_commune_pack

HERE = Path(__file__).parent


@hookimpl
def parindex_register_packs(registry: PackRegistry) -> None:
    registry.add(synthetic_commune_pack())


@hookimpl
def parindex_register_surveys(registry: SurveyRegistry) -> None:
    registry.add_file(HERE / "synthetic-commune-survey.toml")
    registry.add_file(HERE / "synthetic-commune-satisfaction.toml")
