"""Plugin system: packs and rule kinds arrive through pluggy hooks.

Built-in packs register through the entry-point group ``parindex.packs``,
exactly like a third-party province pack, so an external pack is a
first-class citizen. Set ``PARINDEX_BLOCK_PLUGINS`` to a comma-separated
list of entry-point names to keep them from loading (``*`` blocks all).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import cattrs
import pluggy

from parindex.errors import ParIndexError
from parindex.messages import Found
from parindex.model import Pack
from parindex.rules import BUILTIN_RULES, Rule
from parindex.rules.survey_answers import SurveyAnswers

if TYPE_CHECKING:
    from parindex.survey.model import SurveyDefinition

PROJECT = "parindex"
ENTRY_POINT_GROUP = "parindex.packs"
BLOCK_ENV = "PARINDEX_BLOCK_PLUGINS"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class RuleRegistry:
    """Collects rule kinds; handed to :func:`parindex_register_rules`."""

    def __init__(self) -> None:
        self._kinds: dict[str, type[Rule]] = {}

    def add(self, kind: type[Rule]) -> None:
        """Register a rule kind (a frozen attrs subclass of :class:`Rule` with a ``kind`` tag)."""
        is_attrs_class = attrs.has(kind)
        if not (isinstance(kind, type) and issubclass(kind, Rule) and is_attrs_class):
            raise ParIndexError("plugins.not_a_rule", found=Found(repr(kind)))
        tag = getattr(kind, "kind", "")
        if not tag:
            raise ParIndexError("plugins.rule_without_kind", name=kind.__name__)
        existing = self._kinds.get(tag)
        if existing is not None and existing is not kind:
            raise ParIndexError(
                "plugins.rule_twice",
                kind=Found(tag),
                first=existing.__qualname__,
                second=kind.__qualname__,
            )
        self._kinds[tag] = kind

    def kinds(self) -> tuple[type[Rule], ...]:
        return tuple(self._kinds.values())


@attrs.frozen
class PackEntry:
    """A registered pack: loaded lazily, because its rules may come from later plugins."""

    pack_id: str
    origin: str
    load: Callable[[cattrs.Converter], Pack]


class PackRegistry:
    """Collects packs; handed to :func:`parindex_register_packs`."""

    def __init__(self, origin: str = "") -> None:
        self._entries: dict[str, PackEntry] = {}
        self.origin = origin

    def add_file(self, path: str | Path, pack_id: str | None = None) -> None:
        """Register a pack file (TOML or JSON); its id defaults to the file's stem."""
        from parindex.serialization import read_pack_file

        file = Path(path)
        self._add(
            PackEntry(
                pack_id or file.stem,
                f"{self.origin}:{file.name}",
                functools.partial(_read, file, read_pack_file),
            )
        )

    def add(self, pack: Pack) -> None:
        """Register a pack object built in Python."""
        self._add(PackEntry(pack.id, self.origin or "python", lambda _: pack))

    def _add(self, entry: PackEntry) -> None:
        existing = self._entries.get(entry.pack_id)
        if existing is not None:
            raise ParIndexError(
                "plugins.pack_twice",
                pack=Found(entry.pack_id),
                first=existing.origin,
                second=entry.origin,
            )
        self._entries[entry.pack_id] = entry

    def entries(self) -> tuple[PackEntry, ...]:
        return tuple(self._entries.values())


def _read(
    file: Path, reader: Callable[[Path, cattrs.Converter], Pack], converter: cattrs.Converter
) -> Pack:
    return reader(file, converter)


@attrs.frozen(eq=False)
class SurveyEntry:
    """A registered survey definition: a file (read when first asked for) or an object."""

    survey_id: str
    origin: str
    path: Path | None = None
    definition: SurveyDefinition | None = None


class SurveyRegistry:
    """Collects survey definitions; handed to :func:`parindex_register_surveys`.

    Only the entries are kept here; :mod:`parindex.survey` reads and checks them
    when a survey is first asked for (so a plugin module stays cheap to load).
    """

    def __init__(self, origin: str = "") -> None:
        self._entries: dict[str, SurveyEntry] = {}
        self.origin = origin

    def add_file(self, path: str | Path, survey_id: str | None = None) -> None:
        """Register a survey definition file (TOML); its id defaults to the file's stem."""
        file = Path(path)
        self._add(SurveyEntry(survey_id or file.stem, f"{self.origin}:{file.name}", path=file))

    def add(self, definition: SurveyDefinition) -> None:
        """Register a survey definition object built in Python."""
        self._add(SurveyEntry(definition.id, self.origin or "python", definition=definition))

    def _add(self, entry: SurveyEntry) -> None:
        existing = self._entries.get(entry.survey_id)
        if existing is not None:
            raise ParIndexError(
                "survey.registered_twice",
                survey=Found(entry.survey_id),
                first=existing.origin,
                second=entry.origin,
            )
        self._entries[entry.survey_id] = entry

    def entries(self) -> tuple[SurveyEntry, ...]:
        return tuple(self._entries.values())


class HookSpecs:
    """The hooks a parindex plugin may implement."""

    @hookspec
    def parindex_register_rules(self, registry: RuleRegistry) -> None:
        """Add rule kinds with ``registry.add(RuleClass)``.

        .. versionadded:: 0.1
        """

    @hookspec
    def parindex_register_packs(self, registry: PackRegistry) -> None:
        """Add criteria packs with ``registry.add_file(path)`` or ``registry.add(pack)``.

        .. versionadded:: 0.1
        """

    @hookspec
    def parindex_register_surveys(self, registry: SurveyRegistry) -> None:
        """Add survey definitions with ``registry.add_file(path)`` or ``registry.add(definition)``.

        .. versionadded:: 0.1
        """


class _BuiltinRules:
    @hookimpl
    def parindex_register_rules(self, registry: RuleRegistry) -> None:
        for kind in BUILTIN_RULES:
            registry.add(kind)
        # The rule a survey leaf carries when scored with survey answers.
        registry.add(SurveyAnswers)


class Plugins:
    """A typed facade over :class:`pluggy.PluginManager` holding the loaded packs and rules."""

    def __init__(self, load_entry_points: bool = True, extra: tuple[object, ...] = ()) -> None:
        self.manager = pluggy.PluginManager(PROJECT)
        self.manager.add_hookspecs(HookSpecs)
        self.manager.register(_BuiltinRules(), name="parindex.builtin-rules")
        for plugin in extra:
            self.manager.register(plugin)
        if load_entry_points:
            blocked = {n.strip() for n in os.environ.get(BLOCK_ENV, "").split(",") if n.strip()}
            if "*" not in blocked:
                for name in blocked:
                    self.manager.set_blocked(name)
                self.manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        self.manager.check_pending()

        rules = RuleRegistry()
        self.manager.hook.parindex_register_rules(registry=rules)
        self.rule_kinds = rules.kinds()
        from parindex.serialization import make_converter

        self.converter = make_converter(self.rule_kinds)

        self._packs: dict[str, PackEntry] = {}
        self._distributions: dict[str, str] = {}
        distributions = {
            plugin: f"{dist.project_name} {dist.version}"
            for plugin, dist in self.manager.list_plugin_distinfo()
        }
        # Each implementation gets its own registry so that a duplicate id names
        # both distributions that registered it.
        for impl in self.manager.hook.parindex_register_packs.get_hookimpls():
            registry = PackRegistry(origin=impl.plugin_name)
            impl.function(registry=registry)
            for entry in registry.entries():
                if entry.pack_id in self._packs:
                    raise ParIndexError(
                        "plugins.pack_twice",
                        pack=Found(entry.pack_id),
                        first=self._packs[entry.pack_id].origin,
                        second=entry.origin,
                    )
                self._packs[entry.pack_id] = entry
                if impl.plugin in distributions:
                    self._distributions[entry.pack_id] = distributions[impl.plugin]
        self._loaded: dict[str, Pack] = {}
        self._surveys: dict[str, SurveyEntry] = {}
        for impl in self.manager.hook.parindex_register_surveys.get_hookimpls():
            surveys = SurveyRegistry(origin=impl.plugin_name)
            impl.function(registry=surveys)
            for survey in surveys.entries():
                if survey.survey_id in self._surveys:
                    raise ParIndexError(
                        "survey.registered_twice",
                        survey=Found(survey.survey_id),
                        first=self._surveys[survey.survey_id].origin,
                        second=survey.origin,
                    )
                self._surveys[survey.survey_id] = survey

    def survey_entries(self) -> tuple[SurveyEntry, ...]:
        """The registered survey definitions (read them with :func:`parindex.survey.get_survey`)."""
        return tuple(self._surveys[key] for key in sorted(self._surveys))

    def pack_ids(self) -> list[str]:
        return sorted(self._packs)

    def pack(self, pack_id: str) -> Pack:
        """Load (once) and return a pack by id."""
        if pack_id not in self._packs:
            if self.pack_ids():
                raise ParIndexError(
                    "plugins.no_such_pack", pack=Found(pack_id), installed=self.pack_ids()
                )
            raise ParIndexError("plugins.no_packs_installed", pack=Found(pack_id))
        if pack_id not in self._loaded:
            pack = self._packs[pack_id].load(self.converter)
            if pack.id != pack_id:
                raise ParIndexError(
                    "plugins.id_mismatch",
                    pack=Found(pack_id),
                    declared=Found(pack.id),
                    origin=self._packs[pack_id].origin,
                )
            self._loaded[pack_id] = pack
        return self._loaded[pack_id]

    def origin(self, pack_id: str) -> str:
        """The plugin and file that registered a pack (``name:file.toml``)."""
        return self._packs[pack_id].origin

    def distribution(self, pack_id: str) -> str | None:
        """The installed distribution (``name version``) whose plugin registered a pack."""
        return self._distributions.get(pack_id)

    def packs(self) -> Iterator[Pack]:
        for pack_id in self.pack_ids():
            yield self.pack(pack_id)


@functools.cache
def default_plugins() -> Plugins:
    """The process-wide plugin set loaded from installed entry points."""
    return Plugins()


def get_pack(pack_id: str) -> Pack:
    return default_plugins().pack(pack_id)


def converter() -> cattrs.Converter:
    """The converter knowing every installed rule kind."""
    return default_plugins().converter
