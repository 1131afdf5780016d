"""Checks of a survey definition, alone and against the pack it feeds.

Every problem is collected (none stops the others) and names the question,
leaf, group, scale or "not an answer" label it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from parindex.fixedpoint import decimal_to_ticks
from parindex.grammar import EntryError, label_key, number_from_text
from parindex.messages import Found, Message, msg
from parindex.model import Node, Pack, PointsSource
from parindex.survey.model import (
    BelowMinimum,
    Leaf,
    Measure,
    NotAnswer,
    Policy,
    Scale,
    ScaleKind,
    SurveyDefinition,
    SurveyKind,
)
from parindex.survey.problems import (
    DefinitionProblem,
    about_definition,
    about_group,
    about_leaf,
    about_not_answer,
    about_question,
    about_scale,
)

#: At most this many options per scale and "not an answer" labels (answers are int8 codes).
MAX_OPTIONS = 100
#: At most this many respondent groups.
MAX_GROUPS = 64
#: At most this many options on a multi scale (a respondent's ticks are one uint64 mask).
MAX_MULTI_OPTIONS = 63
HUNDRED = Decimal(100)


def _duplicates(keys: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for key in keys:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def _reads_as_number(label: str) -> bool:
    try:
        number_from_text(label)
    except EntryError:
        return False
    return True


def _scale_labels(scale: Scale) -> list[str]:
    return [label_key(t) for o in scale.resolved_options for t in (o.label, *o.aliases)]


def _check_scale(scale: Scale) -> list[Message]:
    found: list[Message] = []
    options = scale.resolved_options
    if len(options) < 2:
        found.append(msg("survey.scale_too_few_options"))
    if len(options) > MAX_OPTIONS:
        found.append(msg("survey.scale_too_many_options", count=len(options), limit=MAX_OPTIONS))
    for repeated in _duplicates(_scale_labels(scale)):
        found.append(msg("survey.scale_label_twice", label=Found(repeated)))
    if scale.kind is not ScaleKind.MULTI and scale.separators:
        found.append(msg("survey.separators_not_multi"))
    if scale.kind in (ScaleKind.CHOICE, ScaleKind.MULTI):
        if (
            any(o.value is not None for o in options)
            or scale.low is not None
            or scale.high is not None
        ):
            found.append(
                msg(
                    "survey.choice_has_values"
                    if scale.kind is ScaleKind.CHOICE
                    else "survey.multi_has_values"
                )
            )
        if scale.kind is ScaleKind.MULTI and len(options) > MAX_MULTI_OPTIONS:
            found.append(
                msg(
                    "survey.multi_too_many_options",
                    count=len(options),
                    limit=MAX_MULTI_OPTIONS,
                )
            )
        return found
    if scale.kind is ScaleKind.YES_NO and len(options) != 2:
        found.append(msg("survey.yes_no_two_options", count=len(options)))
    missing = [o.label for o in options if o.value is None]
    if missing:
        found.append(msg("survey.option_without_value", labels=[Found(m) for m in missing]))
    values = [o.value for o in options if o.value is not None]
    for repeated in _duplicates(str(v.normalize()) for v in values):
        found.append(msg("survey.option_value_twice", value=Decimal(repeated)))
    for option in options:
        for label in (option.label, *option.aliases):
            if _reads_as_number(label):
                found.append(msg("survey.option_label_number", label=Found(label)))
    if values:
        low, high = scale.bounds
        if not low < high:
            found.append(msg("survey.scale_bounds_empty", low=low, high=high))
        elif min(values) < low or max(values) > high:
            found.append(msg("survey.scale_values_outside", low=low, high=high))
    return found


def _check_separators(scale: Scale, not_answers: tuple[NotAnswer, ...]) -> list[Message]:
    """A multi scale's separators: one mark each, found in no spelling a cell may hold."""
    found: list[Message] = []
    spellings = [t for o in scale.resolved_options for t in (o.label, *o.aliases)]
    spellings += [t for n in not_answers for t in (n.label, *n.aliases)]
    for separator in dict.fromkeys(scale.separators):
        if len(separator) != 1 or separator.isalnum():
            found.append(msg("survey.separator_not_one_mark", found=Found(separator)))
            continue
        inside = [t for t in spellings if separator in t]
        if inside:
            found.append(
                msg(
                    "survey.separator_in_label",
                    separator=Found(separator),
                    labels=[Found(t) for t in inside],
                )
            )
    return found


def _check_policy(policy: Policy) -> list[Message]:
    found: list[Message] = []
    if policy.min_answers < 1:
        found.append(msg("survey.min_not_positive", key="min_answers", value=policy.min_answers))
    if policy.min_group_answers < 1:
        found.append(
            msg("survey.min_not_positive", key="min_group_answers", value=policy.min_group_answers)
        )
    if policy.below_minimum is BelowMinimum.REWEIGHT:
        found.append(msg("survey.reweight_for_units"))
    return found


def _check_leaf(definition: SurveyDefinition, leaf: Leaf) -> list[Message]:
    found: list[Message] = []
    questions = {q.code: q for q in definition.questions}
    scales = {s.id: s for s in definition.scales}
    groups = {g.id for g in definition.groups}
    if not leaf.questions:
        found.append(msg("survey.leaf_no_questions"))
    for repeated in _duplicates(leaf.questions):
        found.append(msg("survey.leaf_question_twice", question=Found(repeated)))
    unknown = [q for q in leaf.questions if q not in questions]
    for code in unknown:
        found.append(msg("survey.leaf_unknown_question", question=Found(code)))
    used = {questions[q].scale for q in leaf.questions if q in questions}
    if len(used) > 1:
        found.append(msg("survey.leaf_scales_differ", scales=[Found(s) for s in sorted(used)]))
    scale = scales.get(next(iter(used))) if len(used) == 1 else None
    if scale is not None:
        found += _check_measure(leaf, scale)
    weights = definition.leaf_weights(leaf)
    for group, weight in (leaf.weights or {}).items():
        if group not in groups:
            found.append(msg("survey.weight_unknown_group", group=Found(group)))
        if weight < 0:
            found.append(msg("survey.weight_negative", group=Found(group), weight=weight))
    if sum(weights.values(), Decimal(0)) <= 0 and min(weights.values(), default=0) >= 0:
        # (a negative weight is said where the group is defined)
        found.append(msg("survey.weights_zero"))
    for group in weights:
        if (
            group in groups
            and not unknown
            and leaf.questions  # a leaf without questions is said once above
            and not any(
                not questions[q].groups or group in questions[q].groups for q in leaf.questions
            )
        ):
            found.append(
                msg(
                    "survey.weight_group_not_asked",
                    group=Found(group),
                    questions=[Found(q) for q in leaf.questions],
                )
            )
    found += _check_bands(leaf, scale)
    partial = Policy(
        leaf.min_answers if leaf.min_answers is not None else 1,
        leaf.min_group_answers if leaf.min_group_answers is not None else 1,
        leaf.below_minimum or BelowMinimum.EXCLUDE,
    )
    found += _check_policy(partial)
    if definition.kind is SurveyKind.SATISFACTION and not leaf.title:
        found.append(msg("survey.indicator_needs_title"))
    if leaf.maximum is not None and leaf.maximum <= 0:
        found.append(msg("survey.leaf_maximum_not_positive", maximum=leaf.maximum))
    return found


def _check_measure(leaf: Leaf, scale: Scale) -> list[Message]:
    found: list[Message] = []
    labels = set(_scale_labels(scale))
    multi = scale.kind is ScaleKind.MULTI
    if leaf.all_of and (not multi or leaf.measure is not Measure.SHARE):
        found.append(msg("survey.all_of_needs_multi_share"))
    if multi:
        found += _check_multi_positive(leaf, scale)
    if leaf.measure is Measure.COUNT:
        if not multi:
            found.append(msg("survey.count_needs_multi", scale=Found(scale.id)))
        elif not leaf.positive:
            found.append(msg("survey.count_needs_positive"))
        if leaf.at_least is not None and multi:
            found.append(msg("survey.at_least_on_multi", scale=Found(scale.id)))
        return found
    if leaf.measure is Measure.MEAN:
        if multi:
            found.append(msg("survey.mean_of_multi", scale=Found(scale.id)))
        if scale.kind is ScaleKind.CHOICE:
            found.append(msg("survey.mean_of_choice", scale=Found(scale.id)))
        if leaf.at_least is not None or leaf.positive:
            found.append(msg("survey.mean_with_level"))
        return found
    if (leaf.at_least is None) == (not leaf.positive):
        found.append(msg("survey.share_needs_one_level"))
    if leaf.at_least is not None:
        if multi:
            found.append(msg("survey.at_least_on_multi", scale=Found(scale.id)))
        elif scale.kind is ScaleKind.CHOICE:
            found.append(msg("survey.at_least_on_choice", scale=Found(scale.id)))
        elif label_key(leaf.at_least) not in labels:
            found.append(
                msg("survey.unknown_option", label=Found(leaf.at_least), scale=Found(scale.id))
            )
    for label in leaf.positive:
        if label_key(label) not in labels:
            found.append(msg("survey.unknown_option", label=Found(label), scale=Found(scale.id)))
    return found


def positive_options(leaf: Leaf, scale: Scale) -> list[int]:
    """Positions of the options ``positive`` names (each once, in the scale's order)."""
    wanted = {label_key(p) for p in leaf.positive}
    return [
        position
        for position, option in enumerate(scale.resolved_options)
        if wanted & {label_key(t) for t in (option.label, *option.aliases)}
    ]


def _check_multi_positive(leaf: Leaf, scale: Scale) -> list[Message]:
    """Positive options of a multi leaf name each option once (a count depends on it)."""
    owner = {
        label_key(t): position
        for position, o in enumerate(scale.resolved_options)
        for t in (o.label, *o.aliases)
    }
    seen: set[int] = set()
    found: list[Message] = []
    for label in leaf.positive:
        position = owner.get(label_key(label))
        if position is not None and position in seen:
            found.append(msg("survey.positive_twice", label=Found(label)))
        elif position is not None:
            seen.add(position)
    return found


def _check_bands(leaf: Leaf, scale: Scale | None) -> list[Message]:
    found: list[Message] = []
    if not leaf.bands:
        return found
    thresholds = [b.threshold for b in leaf.bands]
    if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(thresholds):
        found.append(msg("survey.band_thresholds_order"))
    points = [b.points for b in leaf.bands] + [leaf.otherwise]
    if points != sorted(points, reverse=True):
        found.append(msg("survey.band_points_order"))
    if any(p < 0 for p in points):
        found.append(msg("survey.band_points_negative"))
    if scale is not None:
        if leaf.measure is Measure.SHARE:
            low, high = Decimal(0), HUNDRED
        elif leaf.measure is Measure.COUNT:
            low, high = Decimal(0), Decimal(len(positive_options(leaf, scale)))
        elif scale.kind not in (ScaleKind.CHOICE, ScaleKind.MULTI):
            low, high = scale.bounds
        else:
            return found
        for threshold in thresholds:
            if not low <= threshold <= high:
                found.append(
                    msg("survey.band_threshold_outside", threshold=threshold, low=low, high=high)
                )
    return found


def check_definition(definition: SurveyDefinition) -> list[DefinitionProblem]:
    """Every problem of a definition taken alone."""
    problems: list[DefinitionProblem] = []

    def add(subject: Message, messages: Iterable[Message]) -> None:
        problems.extend(DefinitionProblem(subject, m) for m in messages)

    head: list[Message] = []
    if not definition.id.strip():
        head.append(msg("survey.def_empty_key", key="id"))
    if definition.kind is SurveyKind.PAR_INDEX and not definition.pack:
        head.append(msg("survey.par_needs_pack"))
    if not 0 <= definition.point_decimals <= 6:
        head.append(msg("survey.point_decimals_range", value=definition.point_decimals))
    for section, items in (
        ("groups", definition.groups),
        ("questions", definition.questions),
        ("leaves", definition.leaves),
    ):
        if not items:
            head.append(msg("survey.section_empty", section=section))
    if len(definition.groups) > MAX_GROUPS:
        head.append(msg("survey.too_many_groups", count=len(definition.groups), limit=MAX_GROUPS))
    if len(definition.not_answers) > MAX_OPTIONS:
        head.append(
            msg("survey.too_many_not_answers", count=len(definition.not_answers), limit=MAX_OPTIONS)
        )
    head += _check_policy(definition.policy)
    add(about_definition(), head)

    for repeated in _duplicates(g.id for g in definition.groups):
        add(about_group(repeated), [msg("survey.id_twice")])
    for repeated in _duplicates(
        label_key(t) for g in definition.groups for t in (g.id, g.name, *g.aliases)
    ):
        add(about_group(repeated), [msg("survey.group_name_twice")])
    for group in definition.groups:
        if group.weight < 0:
            add(
                about_group(group.id),
                [msg("survey.weight_negative", group=Found(group.id), weight=group.weight)],
            )

    for repeated in _duplicates(s.id for s in definition.scales):
        add(about_scale(repeated), [msg("survey.id_twice")])
    for scale in definition.scales:
        found_here = _check_scale(scale)
        if scale.kind is ScaleKind.MULTI:
            found_here += _check_separators(scale, definition.not_answers)
        add(about_scale(scale.id), found_here)

    option_owner = {
        label: scale.id for scale in definition.scales for label in _scale_labels(scale)
    }
    for repeated in _duplicates(n.id for n in definition.not_answers):
        add(about_not_answer(repeated), [msg("survey.id_twice")])
    for repeated in _duplicates(
        label_key(t) for n in definition.not_answers for t in (n.label, *n.aliases)
    ):
        add(about_not_answer(repeated), [msg("survey.not_answer_twice")])
    for item in definition.not_answers:
        for spelling in (item.label, *item.aliases):
            owner = option_owner.get(label_key(spelling))
            if owner is not None:
                add(
                    about_not_answer(item.label),
                    [msg("survey.not_answer_is_option", label=Found(spelling), scale=Found(owner))],
                )

    scales = {s.id for s in definition.scales}
    groups = {g.id for g in definition.groups}
    for repeated in _duplicates(q.code for q in definition.questions):
        add(about_question(repeated), [msg("survey.id_twice")])
    # Answer files head a column by code compared as labels are (case, spacing): Q1 and
    # q1 would name one column.
    first_code: dict[str, str] = {}
    for question in definition.questions:
        twin = first_code.setdefault(label_key(question.code), question.code)
        if twin != question.code:
            add(about_question(question.code), [msg("survey.code_twin", other=Found(twin))])
    for repeated in _duplicates(label_key(q.text) for q in definition.questions):
        add(about_question(repeated), [msg("survey.question_text_twice")])
    codes = {label_key(q.code) for q in definition.questions}
    for question in definition.questions:
        found: list[Message] = []
        if question.scale not in scales:
            found.append(msg("survey.unknown_scale", scale=Found(question.scale)))
        for asked in question.groups:
            if asked not in groups:
                found.append(msg("survey.question_unknown_group", group=Found(asked)))
        if label_key(question.text) in codes and label_key(question.text) != label_key(
            question.code
        ):
            found.append(msg("survey.question_text_is_code"))
        if (
            label_key(question.code) in RESERVED_HEADERS
            or label_key(question.text) in RESERVED_HEADERS
        ):
            found.append(msg("survey.question_reserved_header"))
        add(about_question(question.code), found)

    for repeated in _duplicates(leaf.code for leaf in definition.leaves):
        add(about_leaf(repeated), [msg("survey.id_twice")])
    for leaf in definition.leaves:
        add(about_leaf(leaf.code), _check_leaf(definition, leaf))
    return problems


#: Headers of answer files that name the respondent, the unit and the group (label keys).
RESPONDENT_HEADERS = frozenset({"respondent", "mã phiếu", "số phiếu", "phiếu", "người trả lời"})
UNIT_HEADERS = frozenset({"unit", "mã đơn vị", "đơn vị"})
GROUP_HEADERS = frozenset({"group", "nhóm", "nhóm đối tượng", "đối tượng"})
QUESTION_HEADERS = frozenset({"question", "câu hỏi", "mã câu hỏi"})
ANSWER_HEADERS = frozenset({"answer", "trả lời", "câu trả lời"})
RESERVED_HEADERS = (
    RESPONDENT_HEADERS | UNIT_HEADERS | GROUP_HEADERS | QUESTION_HEADERS | ANSWER_HEADERS
)


def leaf_maximum(definition: SurveyDefinition, leaf: Leaf, pack: Pack | None) -> Decimal | None:
    """The leaf's maximum: the pack's for a pack leaf, else its own (default 100)."""
    if pack is not None and definition.kind is SurveyKind.PAR_INDEX:
        try:
            return pack.node(leaf.code).maximum
        except KeyError:
            return None
    return leaf.maximum if leaf.maximum is not None else HUNDRED


def check_against_pack(definition: SurveyDefinition, pack: Pack | None) -> list[DefinitionProblem]:
    """Problems binding the definition's leaves to the pack's survey leaves (and maxima)."""
    problems: list[DefinitionProblem] = []
    if definition.kind is SurveyKind.PAR_INDEX:
        if pack is None:
            return [DefinitionProblem(about_definition(), msg("survey.par_needs_pack"))]
        if definition.pack != pack.id:
            problems.append(
                DefinitionProblem(
                    about_definition(),
                    msg("survey.pack_mismatch", pack=Found(definition.pack), given=Found(pack.id)),
                )
            )
    decimals = pack.point_decimals if pack is not None else definition.point_decimals
    sources = _leaf_sources(pack) if pack is not None else {}
    for leaf in definition.leaves:
        found: list[Message] = []
        if definition.kind is SurveyKind.PAR_INDEX and pack is not None:
            if leaf.code not in sources:
                found.append(msg("survey.leaf_not_in_pack", pack=Found(pack.id)))
                problems += [DefinitionProblem(about_leaf(leaf.code), m) for m in found]
                continue
            source, maximum, is_leaf = sources[leaf.code]
            if not is_leaf:
                found.append(msg("survey.leaf_not_a_leaf"))
            elif source is not PointsSource.SURVEY:
                found.append(msg("survey.leaf_not_survey"))
            if maximum is None:
                found.append(msg("survey.leaf_maximum_unknown"))
            elif leaf.maximum is not None and leaf.maximum != maximum:
                found.append(msg("survey.leaf_maximum_differs", given=leaf.maximum, pack=maximum))
        else:
            maximum = leaf.maximum if leaf.maximum is not None else HUNDRED
        if maximum is not None:
            for value in [b.points for b in leaf.bands] + ([leaf.otherwise] if leaf.bands else []):
                if value > maximum:
                    found.append(
                        msg("survey.band_points_above_maximum", points=value, maximum=maximum)
                    )
                try:
                    decimal_to_ticks(value, decimals)
                except ValueError:
                    found.append(
                        msg("survey.band_points_too_fine", points=value, decimals=decimals)
                    )
        problems += [DefinitionProblem(about_leaf(leaf.code), m) for m in found]
    return problems


def _leaf_sources(pack: Pack) -> dict[str, tuple[PointsSource | None, Decimal | None, bool]]:
    out: dict[str, tuple[PointsSource | None, Decimal | None, bool]] = {}

    def visit(node: Node, inherited: PointsSource | None) -> None:
        source = node.source or inherited
        out[node.code] = (source, node.maximum, node.is_leaf)
        for child in node.children:
            visit(child, source)

    for field in pack.tree:
        visit(field, None)
    return out
