"""The HTML report in a real browser: every chart drawn, no console errors, nothing
fetched, fits A4 when printed. Saves ``test-artifacts/report.png`` and ``report.pdf``."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import attrs
from browser_support import chromium

import parindex
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.compiled import CompiledPack
from parindex.report import write_html
from parindex.synthetic import synthetic_input

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: A4 width minus the print stylesheet's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_PX = int((210 - 24) / 25.4 * 96)

CHART_BOXES = """
return Array.from(document.querySelectorAll('svg.chart')).map(function (s) {
  var b = s.getBBox(), r = s.getBoundingClientRect();
  return [s.querySelector('title').textContent, b.width, b.height, r.width, r.height];
});
"""
USE_BOXES = """
return Array.from(document.querySelectorAll('svg.chart use')).map(function (u) {
  var b = u.getBBox(); return [b.width, b.height];
});
"""


def _report(commune: CompiledPack, path: Path) -> Path:
    units = synthetic_input(commune, 12, seed=11)
    data = synthetic_appraisal(commune, units, seed=11)
    renamed = tuple(
        attrs.evolve(u, name='Xã <Hòa Bình> & "Tân Lập"') if i == 2 else u
        for i, u in enumerate(data.units)
    )
    results = parindex.score(commune, attrs.evolve(data, units=renamed))
    previous = parindex.score(commune, synthetic_input(commune, 12, seed=3))
    return write_html(
        results,
        path,
        previous=previous,
        expanded=3,
        generated_at=dt.datetime(2025, 1, 31, 9, 30, tzinfo=dt.UTC),
    )


def test_report_renders_in_chromium(commune: CompiledPack, tmp_path: Path) -> None:
    page = _report(commune, tmp_path / "report.html")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        browser.get(page.as_uri())
        assert browser.title.startswith("[DỮ LIỆU MÔ PHỎNG")
        text = browser.find_element("tag name", "body").text
        assert 'Xã <Hòa Bình> & "Tân Lập"' in text  # escaped, shown as written
        for heading in ("Xếp hạng", "Bản đồ nhiệt chỉ số thành phần", "Điểm bị mất theo tiêu chí"):
            assert heading in text

        height = browser.execute_script("return document.documentElement.scrollHeight")
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1100, "height": height, "scale": 1},
            },
        )
        (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))

        # Open every collapsed unit, then every chart must have drawn something.
        browser.execute_script(
            "document.querySelectorAll('details').forEach(function (d) { d.open = true; });"
        )
        boxes = browser.execute_script(CHART_BOXES)
        # 1 class distribution + 1 heat map block + 1 lost-points chart + 12 unit charts
        assert len(boxes) == 15
        empty = [b[0] for b in boxes if min(b[1:]) <= 0]
        assert not empty, f"charts drawn empty: {empty}"
        uses = browser.execute_script(USE_BOXES)
        assert uses and all(w > 0 and h > 0 for w, h in uses), "a <use> reference did not resolve"

        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) { return e.name; });"
        )
        assert fetched == [], f"the report loaded {fetched}"
        logs = browser.get_log("browser")
        assert [e for e in logs if e["level"] in ("SEVERE", "WARNING")] == []

        # Printed on A4: nothing wider than the page's content box.
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        browser.set_window_size(A4_CONTENT_PX, 900)
        widths = browser.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
        )
        assert widths[0] <= widths[1], f"print layout overflows A4: {widths}"
        pdf = browser.execute_cdp_cmd(
            "Page.printToPDF",
            {"paperWidth": 210 / 25.4, "paperHeight": 297 / 25.4, "preferCSSPageSize": True},
        )
        data = base64.b64decode(pdf["data"])
        assert data.startswith(b"%PDF")
        (ARTIFACTS / "report.pdf").write_bytes(data)
