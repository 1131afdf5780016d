"""The Ministry of Home Affairs' ministry-level PAR Index packs (Bộ Nội vụ, cấp bộ)."""

from pathlib import Path

import parindex
from parindex.plugins import PackRegistry

HERE = Path(__file__).parent


@parindex.hookimpl
def parindex_register_packs(registry: PackRegistry) -> None:
    for path in sorted(HERE.glob("*.toml")):
        registry.add_file(path)
