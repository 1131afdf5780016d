"""What the pack list, ``show`` and the authoring commands say about a pack's state.

Its own module so that the core commands and the authoring commands both use it
without importing each other.
"""

from __future__ import annotations

from parindex.messages import text
from parindex.model import Pack


def pack_line(pack: Pack, lang: str | None = None) -> str:
    """The line under a pack's title: id · version · unit group (in ``lang``) · years."""
    return f"{pack.id} · {pack.version} · {unit_group_name(pack, lang)} · {pack.years}"


def unit_group_name(pack: Pack, lang: str | None = None) -> str:
    """The pack's unit group as the user's language names it ("sở, ban, ngành")."""
    from parindex.io.vocabulary import unit_group_name as group_name
    from parindex.messages import current_lang

    return group_name(pack.unit_group, lang or current_lang())


def completeness(pack: Pack, lang: str | None = None) -> str:
    """How deep a pack can be scored, in words for the pack list."""
    if pack.synthetic:
        return text("cli.completeness_synthetic", lang)
    level = pack.scorable_level
    if level is None:
        return text("cli.completeness_complete", lang)
    if level == 0:
        key = "structure_only" if pack.tree else "counts_only"
        return text(f"cli.completeness_{key}", lang)
    if level in (1, 2):
        return text(f"cli.completeness_level_{level}", lang)
    return text("cli.completeness_level", lang, level=level)


def version_report() -> str:
    """``parindex --version``: parindex, Python, numpy, the engines and the installed packs."""
    import importlib.metadata
    import importlib.util
    import platform

    import numpy

    from parindex.plugins import default_plugins

    def version(distribution: str) -> str:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    if importlib.util.find_spec("numba") is not None:
        engines = text("cli.engines_kernel", numba=version("numba"))
    else:
        engines = text("cli.engines_numpy")
    lines = [
        f"parindex {version('parindex')}",
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"numpy {numpy.__version__}",
        text("cli.engines", engines=engines),
        text("cli.installed_packs"),
    ]
    plugins = default_plugins()
    for pack_id in plugins.pack_ids():
        source = plugins.distribution(pack_id) or plugins.origin(pack_id)
        lines.append(f"  {pack_id} ({source})")
    return "\n".join(lines)
