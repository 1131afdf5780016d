"""``parindex survey …``: survey definitions, answer files, survey points and their uncertainty.

``SURVEY`` is an installed survey definition id (``parindex survey list``) or a
definition file (.toml). Scoring with survey answers is ``parindex score PACK
INPUT... --survey ANSWERS`` (every scoring command takes ``--survey``).
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from parindex.cli.args import (
    add_command,
    add_inputs,
    add_json,
    add_output,
    add_pack,
    add_scoring,
    add_stage,
    check_output_args,
    note,
    positive,
    scored,
    seed,
    synthetic_banner,
)
from parindex.errors import ParIndexError
from parindex.io.atomic import write_text_atomic
from parindex.labels import format_decimal
from parindex.messages import Found, text
from parindex.plugins import default_plugins
from parindex.textable import format_table

if TYPE_CHECKING:
    from parindex.survey.model import SurveyDefinition
    from parindex.survey.points import SurveyPoints

# The survey layer is imported by the command that uses it: registering these commands
# (every ``parindex`` run does) must not load it.

SURVEY_ID = "synthetic-commune-survey"


def _survey_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("survey", metavar="SURVEY", help=text("survey.help_survey_argument"))


def _answers_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("answers", metavar="ANSWERS", nargs="+", help=text("survey.help_answers"))


def register(commands: Any) -> None:
    survey = add_command(
        commands,
        "survey",
        help=text("survey.help_group"),
        examples=(
            "parindex survey list",
            f"parindex survey template {SURVEY_ID} -o phieu.xlsx",
            f"parindex survey synthetic {SURVEY_ID} --units 200 -o tra-loi.csv",
            f"parindex survey aggregate {SURVEY_ID} tra-loi.csv",
            "parindex score synthetic-commune --demo 200 --survey tra-loi.csv",
        ),
    )
    sub = survey.add_subparsers(dest="survey_command", required=True, metavar="COMMAND")

    listed = add_command(
        sub,
        "list",
        help=text("survey.help_list"),
        examples=("parindex survey list", "parindex survey list --json"),
    )
    add_json(listed)
    listed.set_defaults(handler=cmd_list)

    show = add_command(
        sub, "show", help=text("survey.help_show"), examples=(f"parindex survey show {SURVEY_ID}",)
    )
    _survey_argument(show)
    show.set_defaults(handler=cmd_show)

    check = add_command(
        sub,
        "check",
        help=text("survey.help_check"),
        examples=(f"parindex survey check {SURVEY_ID}", "parindex survey check phieu-tinh-x.toml"),
    )
    _survey_argument(check)
    check.set_defaults(handler=cmd_check)

    template = add_command(
        sub,
        "template",
        help=text("survey.help_template"),
        examples=(f"parindex survey template {SURVEY_ID} -o phieu.xlsx --rows 2000",),
    )
    _survey_argument(template)
    add_output(template, (".xlsx",), required=True)
    template.add_argument(
        "--rows", type=positive, metavar="N", default=1000, help=text("survey.help_rows")
    )
    template.set_defaults(handler=cmd_template)

    synthetic = add_command(
        sub,
        "synthetic",
        help=text("survey.help_synthetic"),
        examples=(f"parindex survey synthetic {SURVEY_ID} --units 200 -o tra-loi.csv",),
    )
    _survey_argument(synthetic)
    add_output(synthetic, (".csv",), required=True)
    synthetic.add_argument(
        "--units", type=positive, metavar="N", required=True, help=text("survey.help_units")
    )
    synthetic.add_argument(
        "--respondents",
        type=positive,
        metavar="N",
        default=30,
        help=text("survey.help_respondents"),
    )
    synthetic.add_argument("--seed", type=seed, default=2024, help=text("survey.help_seed"))
    synthetic.add_argument("--by-text", action="store_true", help=text("survey.help_by_text"))
    synthetic.set_defaults(handler=cmd_synthetic)

    demo = add_command(
        sub,
        "demo",
        help=text("survey.help_demo"),
        examples=("parindex survey demo vi-du --units 200",),
    )
    demo.add_argument("folder", metavar="FOLDER", help=text("survey.help_demo_folder"))
    demo.add_argument(
        "--units", type=positive, metavar="N", default=200, help=text("survey.help_units")
    )
    demo.add_argument(
        "--respondents",
        type=positive,
        metavar="N",
        default=30,
        help=text("survey.help_respondents"),
    )
    demo.add_argument("--seed", type=seed, default=2024, help=text("survey.help_seed"))
    demo.set_defaults(handler=cmd_demo)

    aggregated = add_command(
        sub,
        "aggregate",
        help=text("survey.help_aggregate"),
        examples=(
            f"parindex survey aggregate {SURVEY_ID} tra-loi.csv",
            f"parindex survey aggregate {SURVEY_ID} phieu/ -o diem-dieu-tra.csv",
        ),
    )
    _survey_argument(aggregated)
    _answers_argument(aggregated)
    add_output(aggregated, (".csv", ".json"))
    aggregated.add_argument(
        "--top", type=positive, metavar="N", default=20, help=text("survey.help_top")
    )
    add_json(aggregated)
    aggregated.set_defaults(handler=cmd_aggregate)

    intervals = add_command(
        sub,
        "intervals",
        help=text("survey.help_intervals"),
        examples=(f"parindex survey intervals {SURVEY_ID} tra-loi.csv --resamples 500",),
    )
    _survey_argument(intervals)
    _answers_argument(intervals)
    add_output(intervals, (".csv",))
    _resampling(intervals)
    intervals.add_argument(
        "--top", type=positive, metavar="N", default=20, help=text("survey.help_top")
    )
    intervals.set_defaults(handler=cmd_intervals)

    ranks = add_command(
        sub,
        "ranks",
        help=text("survey.help_ranks"),
        examples=(
            "parindex survey ranks synthetic-commune --demo 200 --survey tra-loi.csv",
            "parindex survey ranks synthetic-commune don-vi/ --survey tra-loi.csv --resamples 2000",
        ),
    )
    add_pack(ranks)
    add_inputs(ranks, required=False)
    add_scoring(ranks, demo=True)
    add_stage(ranks)
    _resampling(ranks)
    ranks.add_argument(
        "--top", type=positive, metavar="N", default=20, help=text("survey.help_top")
    )
    add_json(ranks)
    ranks.set_defaults(handler=cmd_ranks)


def _resampling(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--resamples", type=positive, metavar="N", default=1000, help=text("survey.help_resamples")
    )
    parser.add_argument("--seed", type=seed, default=0, help=text("survey.help_seed"))


def _definition(args: argparse.Namespace) -> SurveyDefinition:
    from parindex.survey.loading import load_survey

    return load_survey(args.survey)


def cmd_list(args: argparse.Namespace) -> int:
    from parindex.survey.installed import get_survey

    plugins = default_plugins()
    rows = []
    for entry in plugins.survey_entries():
        definition = get_survey(entry.survey_id, plugins)
        rows.append(
            {
                "id": definition.id,
                "kind": definition.kind.value,
                "pack": definition.pack,
                "questions": len(definition.questions),
                "leaves": len(definition.leaves),
                "synthetic": text("survey.synthetic_mark", args.lang)
                if definition.synthetic
                else "",
                "from": entry.origin,
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    headers = [text(f"survey.column_{key}", args.lang) for key in rows[0]] if rows else []
    table = [[*row.values()] for row in rows]
    for line in table:
        line[1] = text(f"survey.kind_{line[1]}", args.lang)
    print(format_table(headers, table, right=(3, 4)))
    return 0


def _words(kind: str, value: str, lang: str) -> str:
    """A measure or policy in the reader's words, with the id the definition file uses:
    "điểm trung bình (mean)", "loại khỏi điểm tối đa (exclude)"."""
    return text("survey.words_with_id", lang, words=text(f"survey.{kind}_{value}", lang), id=value)


def cmd_show(args: argparse.Namespace) -> int:
    definition = _definition(args)
    lang = args.lang
    print(definition.title)
    kind = _words("kind", definition.kind.value, lang)
    print(f"{definition.id} · {definition.version} · {kind} · {definition.pack}")
    if definition.source:
        print(definition.source)
    policy = definition.policy
    print(
        text(
            "survey.show_policy",
            lang,
            minimum=policy.min_answers,
            group_minimum=policy.min_group_answers,
            below=_words("policy", policy.below_minimum.value, lang),
            group_below=_words("policy", policy.group_below_minimum.value, lang),
        )
    )
    groups = [(g.id, g.name, format_decimal(g.weight, 2, lang)) for g in definition.groups]
    print(
        format_table(
            [text(f"survey.column_{k}", lang) for k in ("group", "name", "weight")], groups
        )
    )
    leaves = []
    for leaf in definition.leaves:
        weights = definition.leaf_weights(leaf)
        leaves.append(
            (
                leaf.code,
                _words("report_measure", leaf.measure.value, lang)
                + (f" ≥ {leaf.at_least}" if leaf.at_least else "")
                + (f" ∈ {', '.join(leaf.positive)}" if leaf.positive else "")
                + (" " + text("survey.show_bands", lang) if leaf.bands else ""),
                ", ".join(leaf.questions),
                ", ".join(f"{g} {format_decimal(w, 2, lang)}" for g, w in weights.items()),
            )
        )
    print(
        format_table(
            [text(f"survey.column_{k}", lang) for k in ("leaf", "measure", "questions", "weights")],
            leaves,
        )
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from parindex.survey.plan import plan_survey

    definition = _definition(args)
    plan = plan_survey(definition)
    print(
        text(
            "survey.check_ok",
            args.lang,
            survey=Found(definition.id),
            questions=len(definition.questions),
            leaves=len(plan.leaves),
            pack=Found(definition.pack or "—"),
        )
    )
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from parindex.survey.template import write_survey_template

    check_output_args(args)
    path = write_survey_template(_definition(args), args.output, rows=args.rows, lang=args.lang)
    note(args, text("cli.wrote", path=str(path)))
    return 0


def cmd_synthetic(args: argparse.Namespace) -> int:
    from parindex.survey.synthetic import synthetic_answers
    from parindex.survey.writers import write_answers_csv

    check_output_args(args)
    if args.units < 1 or args.respondents < 1:
        raise ParIndexError(
            "survey.synthetic_sizes", units=args.units, respondents=args.respondents
        )
    definition = _definition(args)
    answers = synthetic_answers(
        definition, args.units, respondents=args.respondents, seed=args.seed
    )
    path = write_answers_csv(definition, answers, args.output, by_text=args.by_text)
    note(args, text("survey.synthetic_written", path=str(path), count=answers.n_respondents))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from parindex.io.paths import check_outputs
    from parindex.survey.demo import write_demo_files

    if args.units < 1 or args.respondents < 1:
        raise ParIndexError(
            "survey.synthetic_sizes", units=args.units, respondents=args.respondents
        )
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = ("don-vi.csv", "tra-loi.csv", "hai-long.csv")
    check_outputs([(folder / name, (".csv",)) for name in names], [])
    paths = write_demo_files(folder, units=args.units, respondents=args.respondents, seed=args.seed)
    print(
        text(
            "survey.demo_written",
            args.lang,
            folder=str(folder),
            units=args.units,
            **{key: str(path) for key, path in paths.items()},
        )
    )
    return 0


def _read(args: argparse.Namespace) -> tuple[SurveyDefinition, Any, SurveyPoints]:
    from parindex.survey.aggregate import aggregate
    from parindex.survey.readers import read_answers

    check_output_args(args)
    definition = _definition(args)
    answers = read_answers(definition, *args.answers)
    return definition, answers, aggregate(definition, answers)


def cmd_aggregate(args: argparse.Namespace) -> int:
    from parindex.survey.tables import points_rows, write_points_csv

    definition, _, survey = _read(args)
    lang = args.lang
    if args.output:
        if args.output.lower().endswith(".json"):
            write_text_atomic(args.output, _json(survey) + "\n")
        else:
            write_points_csv(points_rows(survey, lang), args.output, lang)
        note(args, text("cli.wrote", path=str(args.output)))
    if args.json:
        print(_json(survey))
        return 0
    if definition.synthetic:
        print(text("cli.synthetic_note", lang) + "\n")
    print(
        text(
            "survey.aggregate_head",
            lang,
            survey=definition.title,
            units=len(survey.units),
            questionnaires=int(survey.questionnaires.sum()),
        )
    )
    print(format_table(*leaf_summary(survey, lang), right=(2, 3, 4, 5)))
    table = []
    for row, unit in enumerate(survey.units[: args.top]):
        cells: list[object] = [unit, int(survey.questionnaires[row].sum())]
        for leaf in survey.leaves:
            value = survey.points(unit, leaf.code)
            cells.append("—" if value is None else format_decimal(value, 2, lang))
        table.append(cells)
    headers = [text("survey.column_unit_id", lang), text("survey.column_questionnaires", lang)]
    print()
    print(
        format_table(
            headers + list(survey.leaf_codes), table, right=tuple(range(1, 2 + len(survey.leaves)))
        )
    )
    return 0


def _json(survey: SurveyPoints) -> str:
    from parindex.survey.tables import points_rows

    """Rows as JSON: exact numbers as strings, texts in English."""
    rows = [
        {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}
        for row in points_rows(survey, "en")
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def leaf_summary(survey: SurveyPoints, lang: str) -> tuple[list[str], list[list[object]]]:
    """Per leaf: measure, units with points, units excluded, valid answers, mean points."""
    rows: list[list[object]] = []
    for leaf in survey.leaves:
        kept = ~leaf.excluded
        mean = Decimal(int(leaf.points[kept].sum())) / max(int(kept.sum()), 1)
        rows.append(
            [
                leaf.code,
                _words("report_measure", leaf.plan.measure.value, lang),
                int(kept.sum()),
                int(leaf.excluded.sum()),
                int(leaf.valid.sum()),
                format_decimal(mean.scaleb(-survey.point_decimals), 2, lang) if kept.any() else "—",
            ]
        )
    headers = [
        text(f"survey.column_{key}", lang)
        for key in ("leaf", "measure", "units_scored", "units_excluded", "valid", "mean_points")
    ]
    return headers, rows


def cmd_intervals(args: argparse.Namespace) -> int:
    from parindex.survey.tables import write_points_csv
    from parindex.survey.uncertainty import leaf_intervals

    definition, answers, survey = _read(args)
    lang = args.lang
    found = leaf_intervals(survey, answers, resamples=args.resamples, seed=args.seed)

    def show(value: Decimal | None, places: int) -> str:
        return "" if value is None else format_decimal(value, places, lang)

    rows = [
        [
            i.unit,
            i.leaf,
            i.method,
            show(i.figure, 2),
            show(i.figure_low, 2),
            show(i.figure_high, 2),
            show(i.points, 2),
            show(i.points_low, 2),
            show(i.points_high, 2),
        ]
        for i in found
    ]
    headers = [
        text(f"survey.column_{key}", lang)
        for key in (
            "unit_id",
            "leaf",
            "method",
            "figure",
            "low",
            "high",
            "points",
            "points_low",
            "points_high",
        )
    ]
    if args.output:
        write_points_csv([dict(zip(headers, row, strict=True)) for row in rows], args.output, lang)
        note(args, text("cli.wrote", path=str(args.output)))
    if definition.synthetic:
        print(text("cli.synthetic_note", lang) + "\n")
    print(text("survey.intervals_head", lang, resamples=args.resamples, seed=args.seed))
    print(format_table(headers, rows[: args.top], right=tuple(range(3, 9))))
    return 0


def cmd_ranks(args: argparse.Namespace) -> int:
    from parindex.survey.readers import read_answers
    from parindex.survey.uncertainty import rank_bootstrap, render_survey_ranks

    if not args.survey:
        raise ParIndexError("survey.ranks_need_answers")
    results = scored(args)
    assert results.survey is not None
    answers = read_answers(results.survey.definition, *args.survey, units=results.unit_ids)
    found = rank_bootstrap(
        results, answers, resamples=args.resamples, seed=args.seed, stage=args.stage
    )
    if args.json:
        from parindex.plugins import converter

        print(json.dumps(converter().unstructure(found), ensure_ascii=False, indent=2))
        return 0
    synthetic_banner(args)
    print(render_survey_ranks(found, lang=args.lang, top=args.top))
    return 0


def add_survey_report(parser: argparse.ArgumentParser) -> None:
    """The report's survey options (the answers themselves come with ``--survey``)."""
    parser.add_argument(
        "--satisfaction",
        action="append",
        default=[],
        metavar="ANSWERS",
        help=text("survey.help_satisfaction"),
    )
    parser.add_argument(
        "--satisfaction-definition",
        default=None,
        metavar="SURVEY",
        help=text("survey.help_satisfaction_definition"),
    )
    parser.add_argument(
        "--survey-resamples",
        type=positive,
        metavar="N",
        default=1000,
        help=text("survey.help_resamples"),
    )
    parser.add_argument(
        "--survey-seed", type=seed, metavar="SEED", default=0, help=text("survey.help_seed")
    )


def survey_report_of(args: argparse.Namespace, results: Any) -> Any:
    """The report's survey section when the results were scored with ``--survey``."""
    from parindex.survey.loading import report_for

    if not args.survey:
        if args.satisfaction:
            raise ParIndexError("survey.satisfaction_needs_survey")
        return None
    return report_for(
        results,
        args.survey,
        satisfaction=args.satisfaction,
        satisfaction_definition=args.satisfaction_definition,
        resamples=args.survey_resamples,
        seed=args.survey_seed,
    )


def survey_files(args: argparse.Namespace) -> list[Any]:
    """The survey and satisfaction answer files read (named, with hashes, in the report)."""
    from parindex.survey.readers import answer_files

    return answer_files([*args.survey, *args.satisfaction])[0]
