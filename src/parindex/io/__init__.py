"""Reading scoring input from files and writing results and packs.

Inputs: filled Excel templates (one unit per workbook, or many units as rows),
long CSV and JSON documents, each problem located by file, sheet, row and A1
column. Outputs are written atomically (temporary file, then rename).
"""

from parindex.io.csv_long import read_long_csv
from parindex.io.pack_files import export_pack, import_pack, write_pack_toml
from parindex.io.readers import read_input
from parindex.io.results_out import write_results
from parindex.io.template import write_template

__all__ = [
    "export_pack",
    "import_pack",
    "read_input",
    "read_long_csv",
    "write_pack_toml",
    "write_results",
    "write_template",
]
