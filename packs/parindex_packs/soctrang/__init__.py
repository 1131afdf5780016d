"""Sóc Trăng province's PAR Index packs, one per unit group (valid for the years before the 2025 merger into Cần Thơ)."""

from pathlib import Path

import parindex
from parindex.plugins import PackRegistry

HERE = Path(__file__).parent


@parindex.hookimpl
def parindex_register_packs(registry: PackRegistry) -> None:
    for path in sorted(HERE.glob("*.toml")):
        registry.add_file(path)
