"""Reading scoring input from files and writing results."""

from parindex.io.csv_long import read_long_csv

__all__ = ["read_long_csv"]
