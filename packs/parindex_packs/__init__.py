"""Criteria packs shipped with parindex.

Each sub-package is a plugin registered through the ``parindex.packs`` entry-point
group, exactly as a third-party province pack would be.
"""
