"""Examples for the ``--help`` of commands whose modules do not declare their own.

Commands built with :func:`parindex.cli.args.add_command` carry their examples
beside their arguments; :func:`parindex.cli.build_parser` adds these to the
others, so that every ``--help`` ends with commands a user can copy. A test
parses every example with the real parser.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "pack export": (
        "parindex pack export bnv-province-1150-2019 -o bnv-1150.toml",
        "parindex pack export synthetic-commune -o goi-tieu-chi.xlsx",
    ),
    "pack import": ("parindex pack import goi-tieu-chi.xlsx -o goi-tieu-chi.toml",),
    "pack-lint": (
        "parindex pack-lint goi-tieu-chi.toml",
        "parindex pack-lint tieu-chi.csv --id haugiang-department-2024 "
        "--basis 892/QĐ-BNV:2024-12-05",
    ),
    "new-pack": (
        "parindex new-pack parindex-pack-hau-giang --from tieu-chi.csv "
        "--id haugiang-department-2024",
    ),
}
