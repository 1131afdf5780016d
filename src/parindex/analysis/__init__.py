"""Analyses of scored results: explain, lost points, what-if, discrepancy, sensitivity.

Each analysis returns frozen attrs results (unstructure them with
``parindex.plugins.converter()``) and has a separate ``render_*`` function for
plain text; computation never prints.
"""
