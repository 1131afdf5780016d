"""The HTML page: sections, tables and the stylesheet (screen and A4 print).

Every piece of text that comes from data (unit names, titles, file names) is
escaped here or in :mod:`parindex.report.svg`; the page has no scripts, no
external fonts, images or links to load, so it opens offline as it printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from parindex import document
from parindex.analysis.lost_points import shown_lost
from parindex.io.vocabulary import unit_group_name
from parindex.labels import label, places_of, stages_label
from parindex.messages import text as catalogue_text
from parindex.report import svg
from parindex.report.data import Cell, GroupReport, ReportData, UnitRow
from parindex.report.numbers import NBSP, Numbers
from parindex.survey.report import SurveyReport, survey_section


def text(key: str, lang: str, **params: object) -> str:
    """A report text (``report.<key>`` in the catalogue)."""
    return catalogue_text(f"report.{key}", lang, **params)


#: Fill colours by class position (best first): ColorBrewer RdYlBu, colour-blind safe;
#: every cell also prints its value, so a grey printout still reads.
PALETTE = ("#2c7bb6", "#abd9e9", "#fdae61", "#d7191c", "#8c0d0d", "#4d0000")
DARK = {0, 3, 4, 5}
HEAT_BLOCK = 50

CSS = """
*{box-sizing:border-box}
body{font-family:"Noto Sans","DejaVu Sans","Segoe UI",Arial,sans-serif;font-size:14px;
color:#1b1b1b;margin:0 auto;max-width:1000px;padding:16px 20px;line-height:1.4}
h1{font-size:24px;margin:0 0 4px}
.letterhead{display:flex;justify-content:space-between;gap:24px;margin:0 0 14px;
text-align:center;font-size:13px}
.letterhead div:last-child b:last-child{text-decoration:underline}
.basis{color:#444;font-style:italic;margin:0 0 6px}
svg.heat .hd{font-weight:bold}h2{font-size:19px;border-bottom:2px solid #2c7bb6;
padding-bottom:3px;margin:28px 0 10px}h3{font-size:16px;margin:18px 0 6px}
.sub{color:#444;margin:0 0 8px}
.synthetic{border:3px solid #c00;color:#c00;font-weight:bold;padding:6px 10px;margin:8px 0;
text-align:center;letter-spacing:.03em}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#eef3f8;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.meta th{width:210px}
.hash{font-family:"DejaVu Sans Mono",monospace;font-size:11px;word-break:break-all}
.note{color:#555;font-size:12.5px;margin:4px 0}
.sw{display:inline-block;min-width:1.6em;text-align:center;border-radius:2px;padding:0 3px}
.up{color:#1a6e1a}.down{color:#b00}.wide{color:#b35900;cursor:help}
nav ol{columns:2;margin:4px 0}
svg.chart{display:block;max-width:100%;height:auto;margin:4px 0;font-size:11px;font-family:inherit}
svg text{fill:#1b1b1b}svg .hd{font-weight:bold}.heat .c{text-anchor:middle}
svg.defs{position:absolute;width:0;height:0;overflow:hidden}
.mk{stroke:#bbb;stroke-width:.6;stroke-dasharray:2 2}.avg{stroke:#000;stroke-width:2.2}
.lp{fill:#7b6fb3}
.legend span{margin-right:12px;white-space:nowrap}
details.unit{border:1px solid #ddd;border-radius:3px;margin:4px 0;padding:2px 8px}
details.unit summary{cursor:pointer;padding:2px 0}
.ub{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:flex-start}
.ub table{font-size:12px;max-width:560px}
@page{size:A4 portrait;margin:14mm 12mm 16mm 12mm}
@media print{
body{max-width:none;padding:0;font-size:10pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
nav{display:none}
h2{break-before:page;break-after:avoid}h2.first{break-before:auto}h3{break-after:avoid}
table{font-size:8.5pt}thead{display:table-header-group}tr,svg,details.unit{break-inside:avoid}
details.unit{border:none;border-top:1px solid #ccc;border-radius:0;padding:2px 0}
a{color:inherit;text-decoration:none}
}
"""


def _palette_css(n: int) -> str:
    rules = []
    for k in range(n):
        colour = PALETTE[min(k, len(PALETTE) - 1)]
        ink = "#fff" if k in DARK else "#1b1b1b"
        rules.append(
            f".g{k}{{fill:{colour}}}.tg{k}{{fill:{ink}}}.s{k}{{background:{colour};color:{ink}}}"
        )
    rules.append(".gn{fill:#e6e6e6}.tgn{fill:#555}.sn{background:#e6e6e6}")
    return "".join(rules)


class _Page:
    def __init__(
        self,
        data: ReportData,
        lang: str,
        numbers: Numbers,
        expanded: int,
        survey: SurveyReport | None = None,
    ) -> None:
        self.data, self.lang, self.numbers, self.expanded = data, lang, numbers, expanded
        #: Whether the pack has a classification: without one, the report shows the
        #: index and rank only (no class column, badge, legend or distribution).
        self.graded = data.pack.classification.defined
        self.survey = survey
        self.d = data.index_decimals
        self.lost_head = ""

    def threshold(self, minimum: Decimal | None) -> str:
        """A class threshold as the pack states it (87,5 %), never rounded."""
        if minimum is None:
            return self.numbers.percent(None, 0)
        return self.numbers.percent(minimum, places_of(minimum, 0))

    def t(self, key: str) -> str:
        return escape(text(key, self.lang))

    def pct(self, cell: Cell) -> str:
        return escape(self.numbers.percent(cell.index, self.d))

    def note(self, key: str) -> str:
        """A note's key: its ``_ungraded`` form (no word of classes) for a pack without them."""
        return key if self.graded else f"{key}_ungraded"

    def grade(self, cell: Cell) -> str:
        if not self.graded:
            return ""
        if cell.grade < 0:
            return f'<span class="sw sn">{self.t("no_class")}</span>'
        return f'<span class="sw s{cell.grade}">{escape(self.data.grades[cell.grade])}</span>'

    def group_name(self, group: GroupReport) -> str:
        return escape(group.name) if group.name else self.t("all_units")

    # -- sections --------------------------------------------------------------------
    def title(self) -> str:
        return document.title(self.data.heading, "report", self.lang)

    def header(self) -> str:
        pack, heading = self.data.pack, self.data.heading
        parts = []
        if heading.issuer:
            bodies = document.issuer_lines(heading)
            left = "<br>".join(
                f"<b>{escape(b)}</b>" if k == len(bodies) - 1 else escape(b)
                for k, b in enumerate(bodies)
            )
            right = "<br>".join(f"<b>{escape(m)}</b>" for m in document.national_motto(self.lang))
            parts.append(f'<div class="letterhead"><div>{left}</div><div>{right}</div></div>')
        parts += [f"<h1>{escape(self.title())}</h1>", f'<p class="sub">{escape(pack.title)}</p>']
        basis = document.legal_basis(pack, self.lang)
        if basis:
            parts.append(f'<p class="basis">{escape(basis)}</p>')
        notices = document.notices(pack, self.lang, synthetic=self.data.synthetic)
        coverage = self.data.coverage  # issue 14: the coverage line of a partial pack or view
        notices += [coverage.line(self.lang)] if coverage and coverage.is_partial else []
        parts += [f'<div class="synthetic">{escape(line)}</div>' for line in notices]
        return "".join(parts)

    def nav(self) -> str:
        items = [
            ("trace", "trace"),
            ("ranking", "ranking"),
            ("heatmap", "heatmap"),
            ("lost", "lost"),
            ("units", "units"),
        ]
        links = "".join(f'<li><a href="#{a}">{self.t(k)}</a></li>' for a, k in items)
        if self.survey is not None:
            name = escape(catalogue_text("survey.report_nav", self.lang))
            links += f'<li><a href="#survey">{name}</a></li>'
        return f"<nav><b>{self.t('contents')}</b><ol>{links}</ol></nav>"

    def trace(self) -> str:
        data, pack = self.data, self.data.pack
        group_text = unit_group_name(pack.unit_group, self.lang)
        years = (
            f"{pack.years.first}–{pack.years.last}" if pack.years.last else f"{pack.years.first}–"
        )
        if pack.years.last == pack.years.first:
            years = str(pack.years.first)
        basis = "".join(
            "<li>"
            + escape(
                " · ".join(
                    x
                    for x in (
                        b.number,
                        b.when(),
                        b.issuer,
                        b.title,
                    )
                    if x
                )
            )
            + "</li>"
            for b in pack.legal_basis
        )
        rows = [
            ("pack", escape(pack.title)),
            ("pack_id", f"<code>{escape(pack.id)}</code>"),
            ("version", escape(pack.version)),
            ("unit_group", escape(group_text)),
            ("years", escape(years)),
            ("legal_basis", f"<ul>{basis}</ul>" if basis else self.t("none_given")),
        ]
        if pack.gaps:
            gaps = "".join(f"<li>{escape(g)}</li>" for g in pack.gaps)
            rows.append(("gaps", f"<ul>{gaps}</ul>"))
        stages = escape(stages_label(data.stages_used, self.lang))
        rows += [
            ("stage", stages),
            ("units_count", str(data.units)),
            ("generated", escape(data.generated_at.isoformat(timespec="seconds"))),
            ("software", f"parindex {escape(data.version)}"),
        ]
        table = "".join(f"<tr><th>{self.t(k)}</th><td>{v}</td></tr>" for k, v in rows)
        if data.inputs:
            files = "".join(
                f'<tr><td>{escape(f.name)}</td><td class="n">{f.size}</td>'
                f'<td class="hash">{f.sha256}</td></tr>'
                for f in data.inputs
            )
            inputs = (
                f"<table><thead><tr><th>{self.t('file')}</th><th>{self.t('size')}</th>"
                f"<th>SHA-256</th></tr></thead><tbody>{files}</tbody></table>"
            )
        else:
            inputs = f'<p class="note">{self.t("no_inputs")}</p>'
        return (
            f'<section id="trace"><h2 class="first">{self.t("trace")}</h2>'
            f'<table class="meta">{table}</table><h3>{self.t("inputs")}</h3>{inputs}</section>'
        )

    def change_cells(self, row: UnitRow) -> str:
        change = row.change
        if change is None:
            return '<td class="n">—</td><td class="n">—</td>'
        note = f' title="{escape(change.note)}"' if change.note else ""
        delta = change.index_change
        cls = "" if delta is None or delta == 0 else (" up" if delta > 0 else " down")
        index = f'<td class="n{cls}"{note}>{escape(self.numbers.signed(delta, self.d))}</td>'
        places = change.rank_change
        if places is None:
            rank = "—"
        elif places > 0:
            rank = f'<span class="up">▲{places}</span>'
        elif places < 0:
            rank = f'<span class="down">▼{-places}</span>'
        else:
            rank = "="
        return f'{index}<td class="n">{rank}</td>'

    def ranking(self) -> str:
        data = self.data
        previous = data.previous
        parts = [f'<section id="ranking"><h2>{self.t("ranking")}</h2>']
        if previous is None:
            parts.append(f'<p class="note">{self.t("no_previous")}</p>')
        else:
            against = previous.label or text("previous_year", self.lang)
            parts.append(
                f'<p class="note">{self.t("change_index")}, {self.t("change_rank")} '
                f"{self.t('change_vs')} {escape(against)}. {self.t('previous_source')}: "
                f"{escape(previous.source)}</p>"
            )
        if self.survey is not None and self.survey.wide:
            legend = catalogue_text("survey.report_wide_legend", self.lang)
            parts.append(f'<p class="note"><span class="wide">◆</span> {escape(legend)}</p>')
        for group in data.groups:
            parts.append(
                f"<h3>{self.group_name(group)} — {self.t('group_avg')}: "
                f"{escape(self.numbers.percent(group.total_average, self.d))}</h3>"
            )
            if self.graded:
                parts.append(
                    svg.stacked_counts(
                        group.grade_counts,
                        data.grades,
                        label=f"{text('distribution', self.lang)}: {group.name}",
                    )
                )
            keys = ("rank", "unit", "name", "points", "maximum", "index")
            head = [label(key, self.lang) for key in (*keys, *(("grade",) if self.graded else ()))]
            if previous is not None:
                head += [text("change_index", self.lang), text("change_rank", self.lang)]
            ths = "".join(f"<th>{escape(h)}</th>" for h in head)
            body = []
            for row in group.rows:
                cells = (
                    f'<td class="n">{row.rank if row.rank is not None else "—"}'
                    f"{self.rank_mark(row.id)}</td>"
                    f"<td>{escape(row.id)}</td><td>{escape(row.name)}</td>"
                    f'<td class="n">{escape(self.numbers.number(row.points, self.d))}</td>'
                    f'<td class="n">{escape(self.numbers.exact(row.maximum, self.d))}</td>'
                    f'<td class="n">{self.pct(row.total)}</td>'
                    + (f"<td>{self.grade(row.total)}</td>" if self.graded else "")
                )
                if previous is not None:
                    cells += self.change_cells(row)
                body.append(f"<tr>{cells}</tr>")
            parts.append(
                f'<table class="rank"><thead><tr>{ths}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>"
            )
        parts.append("</section>")
        return "".join(parts)

    def rank_mark(self, unit: str) -> str:
        """◆ beside a rank whose 5–95 % interval under survey resampling is wide."""
        if self.survey is None or unit not in self.survey.wide:
            return ""
        low, high = self.survey.rank_range(unit) or (0.0, 0.0)
        title = catalogue_text(
            "survey.report_wide_title",
            self.lang,
            low=self.numbers.number(Decimal(repr(low)), 0),
            high=self.numbers.number(Decimal(repr(high)), 0),
        )
        return f' <span class="wide" title="{escape(title)}">◆</span>'

    def legends(self) -> str:
        fields = "".join(
            f"<tr><td>{escape(f.code)}</td><td>{escape(f.title)}</td>"
            f'<td class="n">{escape(self.numbers.exact(f.maximum, self.d))}</td></tr>'
            for f in self.data.fields
        )
        grades = self.data.pack.classification.grades
        spans = []
        for k, g in enumerate(grades):
            if g.minimum is None:
                rule = "< " + escape(self.threshold(grades[k - 1].minimum)) if k else ""
            else:
                sign = "≥" if g.inclusive else ">"
                rule = f"{sign}{NBSP}{escape(self.threshold(g.minimum))}"
            spans.append(f'<span><span class="sw s{k}">{escape(g.label)}</span> {rule}</span>')
        max_label = escape(label("maximum", self.lang))
        classes = f'<p class="legend"><b>{self.t("classes")}:</b> {"".join(spans)}</p>'
        return (
            (classes if self.graded else "")
            + f"<table><thead><tr><th>#</th><th>{self.t('fields')}</th><th>{max_label}</th>"
            f"</tr></thead><tbody>{fields}</tbody></table>"
        )

    def heatmap(self) -> str:
        columns = [label("total", self.lang), *(f"{f.code}. {f.title}" for f in self.data.fields)]
        titles = [
            label("total", self.lang),
            *(
                text(
                    "field_hover",
                    self.lang,
                    code=f.code,
                    title=f.title,
                    maximum=self.numbers.exact(f.maximum, self.d),
                )
                for f in self.data.fields
            ),
        ]
        parts = [
            f'<section id="heatmap"><h2>{self.t("heatmap")}</h2>',
            f'<p class="note">{self.t(self.note("heatmap_note"))}</p>',
            self.legends(),
        ]
        for group in self.data.groups:
            if len(self.data.groups) > 1:
                parts.append(f"<h3>{self.group_name(group)}</h3>")
            rows = group.rows
            for start in range(0, len(rows), HEAT_BLOCK):
                block = rows[start : start + HEAT_BLOCK]
                labels = [f"{r.rank or '—'}. {r.name}" for r in block]
                cells = [
                    [
                        (
                            self.numbers.number(c.index, self.d) if c.index is not None else "—",
                            c.grade,
                        )
                        for c in (r.total, *r.fields)
                    ]
                    for r in block
                ]
                parts.append(
                    svg.heatmap(
                        labels,
                        cells,
                        columns,
                        titles=titles,
                        label=f"{text('heatmap', self.lang)} {start + 1}–{start + len(block)}",
                    )
                )
        parts.append("</section>")
        return "".join(parts)

    def lost(self) -> str:
        parts = [
            f'<section id="lost"><h2>{self.t("lost")}</h2>',
            f'<p class="note">{self.t("lost_note")}</p>',
        ]
        for group in self.data.groups:
            if len(self.data.groups) > 1:
                parts.append(f"<h3>{self.group_name(group)}</h3>")
            items = [
                (
                    f"{c.code} {c.title}",
                    c.gain_mean,
                    f"+{self.numbers.number(c.gain_mean, self.d)} "
                    f"({self.numbers.percent(c.full_share, 0)} {text('full_share', self.lang)})",
                )
                for c in group.lost
            ]
            parts.append(svg.ranked_bars(items, label=f"{text('lost', self.lang)}: {group.name}"))
        parts.append("</section>")
        return "".join(parts)

    def frame_id(self, k: int) -> str:
        return f"fr{k}"

    def frames(self) -> str:
        """One shared frame per group (field codes, thresholds, averages) in a hidden SVG."""
        data = self.data
        marks = [g.minimum for g in data.pack.classification.grades if g.minimum is not None]
        codes = [f.code for f in data.fields]
        symbols = "".join(
            svg.bars_frame(self.frame_id(k), codes, group.averages, marks)
            for k, group in enumerate(data.groups)
        )
        return (
            '<svg class="defs" width="0" height="0" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg">{symbols}</svg>'
        )

    def unit(self, row: UnitRow, frame: str, open_: bool) -> str:
        values = [(c.index, c.grade, self.numbers.percent(c.index, self.d)) for c in row.fields]
        chart = svg.bars_against_average(frame, values, label=row.name)
        if row.lost:
            rule = self.data.pack.rounding
            lost_rows = "".join(
                f"<tr><td>{escape(g.code)}</td><td>{escape(g.title)}</td>"
                f'<td class="n">{escape(self.numbers.exact(shown_lost(g, rule), self.d))}</td>'
                f'<td class="n">+{escape(self.numbers.number(g.gain, self.d))}</td></tr>'
                for g in row.lost
            )
            table = f"<table>{self.lost_head}<tbody>{lost_rows}</tbody></table>"
        else:
            table = f'<p class="note">{self.t("nothing_lost")}</p>'
        rank = f"{row.rank}." if row.rank is not None else "—"
        summary = (
            f"<b>{rank}</b> {escape(row.name)} <small>({escape(row.id)})</small> — "
            f"{self.pct(row.total)} {self.grade(row.total)}"
        )
        attr = " open" if open_ else ""
        return (
            f'<details class="unit"{attr}><summary>{summary}</summary>'
            f'<div class="ub">{chart}{table}</div></details>'
        )

    def units(self) -> str:
        code = escape(label("code", self.lang))
        crit = escape(label("title", self.lang))
        self.lost_head = (
            f"<thead><tr><th>{code}</th><th>{crit}</th><th>{self.t('lost_points')}</th>"
            f"<th>{self.t('gain')}</th></tr></thead>"
        )
        parts = [
            f'<section id="units"><h2>{self.t("units")}</h2>',
            f'<p class="note">{self.t(self.note("units_note"))}</p>',
            self.frames(),
        ]
        if any(len(g.rows) > self.expanded for g in self.data.groups):
            note = text("collapsed", self.lang, n=self.expanded + 1)
            parts.append(f'<p class="note">{escape(note)}</p>')
        for k, group in enumerate(self.data.groups):
            if len(self.data.groups) > 1:
                parts.append(f"<h3>{self.group_name(group)}</h3>")
            frame = self.frame_id(k)
            parts.extend(
                self.unit(row, frame, i < self.expanded) for i, row in enumerate(group.rows)
            )
        parts.append("</section>")
        return "".join(parts)

    def render(self) -> str:
        data = self.data
        title = f"{self.title()} — {data.pack.title}"
        if data.synthetic:
            title = f"[{text('synthetic', self.lang)}] {title}"
        css = CSS + _palette_css(len(data.grades))
        body: Sequence[str] = (
            self.header(),
            self.nav(),
            self.trace(),
            self.ranking(),
            self.heatmap(),
            self.lost(),
            self.units(),
            survey_section(self.survey, self.lang, self.numbers.number) if self.survey else "",
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="parindex {escape(data.version)}">'
            f"<title>{escape(title)}</title><style>{css}</style></head><body>"
            + "".join(body)
            + "</body></html>\n"
        )


def render_page(
    data: ReportData,
    *,
    lang: str,
    numbers: Numbers,
    expanded: int,
    survey: SurveyReport | None = None,
) -> str:
    """The whole page as one string."""
    return _Page(data, lang, numbers, expanded, survey).render()
