"""Reading scoring input from files and writing results and packs.

Inputs: filled Excel templates (one unit per workbook, or many units as rows),
long CSV and JSON documents, each problem located by file, sheet, row and A1
column. Outputs are written atomically (temporary file, then rename).

The names below are imported on first use (:mod:`parindex.lazy`): importing one
module of the package (``parindex.io.paths``, the CSV reader) does not load
openpyxl, the workbook writers and the history store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parindex.lazy import exports

if TYPE_CHECKING:
    from parindex.io.csv_long import read_long_csv
    from parindex.io.pack_files import export_pack, import_pack, write_pack_toml
    from parindex.io.readers import read_input
    from parindex.io.results_out import write_results
    from parindex.io.template import write_template

__getattr__, __dir__ = exports(
    __name__,
    {
        "export_pack": "parindex.io.pack_files",
        "import_pack": "parindex.io.pack_files",
        "read_input": "parindex.io.readers",
        "read_long_csv": "parindex.io.csv_long",
        "write_pack_toml": "parindex.io.pack_files",
        "write_results": "parindex.io.results_out",
        "write_template": "parindex.io.template",
    },
)

__all__ = [
    "export_pack",
    "import_pack",
    "read_input",
    "read_long_csv",
    "write_pack_toml",
    "write_results",
    "write_template",
]
