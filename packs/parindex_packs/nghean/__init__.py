"""Nghệ An province's PAR Index packs for its departments, districts and communes."""

from pathlib import Path

import parindex
from parindex.plugins import PackRegistry

HERE = Path(__file__).parent


@parindex.hookimpl
def parindex_register_packs(registry: PackRegistry) -> None:
    for path in sorted(HERE.glob("*.toml")):
        registry.add_file(path)
