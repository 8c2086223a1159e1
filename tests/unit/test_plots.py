import sys

from ttt_widgets import plots


def test_figure_html_has_escaped_alt_text_and_png():
    fig, ax = plots.new_figure()
    ax.bar(["a", "b"], [1, 2], color=plots.PALETTE[:2])
    out = plots.figure_html(fig, 'Scores "<b>" by item')
    assert out.startswith('<img class="ttt-figure" src="data:image/png;base64,iVBORw0KGgo')
    assert "--ttt-fig-w:614px;width:var(--ttt-fig-w)" in out  # 6.4 inches at 96 dpi: large type scales from it
    assert 'alt="Scores &quot;&lt;b&gt;&quot; by item"' in out


def test_palette_is_distinct_and_hatches_pair_with_it():
    assert len(set(plots.PALETTE)) == len(plots.PALETTE) == len(plots.HATCHES)


def test_import_of_the_package_does_not_load_matplotlib_or_widgets():
    import subprocess

    code = "import sys, ttt_widgets; print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False False"


# -- HTML charts: rows measured on axes ------------------------------------------------------------------------------
import html
import re

import pytest

HOSTILE = "<script>alert('x')</script> & \"quotes\" $x$"


def _ticks(out: str) -> list[str]:
    return re.findall(r"class='ttt-chart-tick[^']*'[^>]*>([^<]*)<", out)


@pytest.mark.parametrize("top", [0, 1, 2, 3, 5, 7, 9, 11, 13, 24, 99, 101, 997, 1440, 8640, 10080, 123457, 2_500_001])
def test_count_axes_tick_at_whole_numbers_from_zero_and_cover_the_largest_count(top):
    ticks = plots.nice_ticks(0, top, integer=True)
    assert all(isinstance(t, int) for t in ticks)
    assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 5 and len(ticks) >= 2
    steps = {b - a for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1 and steps.pop() >= 1


def test_small_counts_label_every_whole_number_and_no_fraction():
    out = plots.rows_chart_html("Hands up", ["a", "b"], [plots.ChartColumn("Hands", [1, 3])])
    assert _ticks(out) == ["0", "1", "2", "3"]
    empty_axis = plots.rows_chart_html("Hands up", ["a"], [plots.ChartColumn("Hands", [0])])
    assert _ticks(empty_axis) == ["0", "1"]  # no 0.0-1.0 in steps of 0.2
    big = plots.rows_chart_html("Reach", ["a", "b"], [plots.ChartColumn("Learners", [1440, 8640])])
    assert _ticks(big) == ["0", "2.5k", "5k", "7.5k", "10k"]  # short labels, still whole numbers of learners


def test_shares_read_in_percent_from_zero_to_at_least_all():
    col = plots.ChartColumn("Fidelity", [1.0, 0.8, 0.64], kind="share")
    out = plots.rows_chart_html("Fidelity", ["m", "1", "2"], [col])
    assert _ticks(out) == ["0%", "25%", "50%", "75%", "100%"]
    assert ">64%<" in out and "width:64.00%" in out  # the bar ends at its value on the 0-100% axis
    wide = plots.rows_chart_html("F", ["1"], [plots.ChartColumn("F", [(0.8, 0.6, 1.08)], kind="share")])
    assert _ticks(wide)[-1] == "125%" and "ttt-chart-interval" in wide


def test_intervals_include_zero_and_each_row_can_have_its_own_scale():
    col = plots.ChartColumn("Gain", [(14.5, 10.9, 18.1), (0.78, 0.61, 0.94)], kind="interval", own_scale=True,
                            reference=0.0, reference_label="no gain")
    out = plots.rows_chart_html("Gains", ["test", "rubric"], [col])
    assert out.count("class='ttt-chart-axis'") == 2  # one axis per row
    assert _ticks(out) == ["0", "5", "10", "15", "20", "0.00", "0.25", "0.50", "0.75", "1.00"]
    assert out.count("ttt-chart-ref") == 2 and "left:0.00%" in out  # zero gain marked on each row
    assert plots.nice_ticks(-1.2, 4.1) == [-2.0, 0.0, 2.0, 4.0, 6.0]
    negative = plots.rows_chart_html("G", ["a"], [plots.ChartColumn("G", [(-3, -5, -1)], kind="interval")])
    assert "\u22124" in negative and "\u22123" in negative  # a true minus sign on ticks and values


def test_every_text_is_escaped_and_left_alone_by_mathjax():
    col = plots.ChartColumn(HOSTILE, [3], texts=[HOSTILE], reference=1, reference_label=HOSTILE,
                            interval_label=HOSTILE)
    out = plots.rows_chart_html(HOSTILE, [HOSTILE], [col], notes=[HOSTILE])
    assert "<script>" not in out and "\"quotes\"" not in out
    escaped = html.escape(HOSTILE, quote=True)
    assert out.count(escaped) >= 6  # title, column, label, note, value, reference, in the chart and the table
    assert "aria-label='" + escaped + "'" in out and "data-summary='" + escaped in out
    assert "tex2jax_ignore mathjax_ignore" in out
    empty = plots.rows_chart_html(HOSTILE, [], [plots.ChartColumn(HOSTILE, [])], empty=HOSTILE)
    assert "<script>" not in empty and escaped in empty
    assert "<script>" not in plots.bars_html(HOSTILE, [HOSTILE], [[1, 2]], legend=[HOSTILE, HOSTILE])


def test_sizes_are_in_em_so_the_chart_grows_with_the_page_type():
    col = plots.ChartColumn("Learners", [(5, 4, 6), 10], reference=3, reference_label="floor")
    out = plots.rows_chart_html("Reach", ["a", "b"], [col], notes=["x", "y"])
    out = re.sub(r"border-left:2px solid #fff|" + re.escape(plots._SR_ONLY), "", out)  # gridlines, screen-reader table
    assert "px" not in out
    sizes = re.findall(r"(?<![\w-])(?:font-size|height|width|gap|row-gap|column-gap|top|bottom|margin[a-z-]*|"
                       r"padding-bottom):\s*([^;'{})]+)", out)
    tokens = [t for size in sizes for t in size.split()]
    assert len(tokens) > 20 and all(re.fullmatch(r"-?[\d.]+(em|%)|0|auto", t) for t in tokens), tokens
    assert "@container (max-width: 19em)" in out and out.count("ttt-chart-tick ttt-minor") == 0  # three ticks: all labelled
    five = plots.rows_chart_html("R", ["a"], [plots.ChartColumn("L", [8640])])
    assert five.count("ttt-chart-tick ttt-minor") == 2  # 2.5k and 7.5k go when the axis is narrow


def test_screen_readers_get_the_title_and_a_table_of_the_values():
    cols = [plots.ChartColumn("Learners reached", [None, 1440]),
            plots.ChartColumn("Fidelity", [1.0, 0.8], kind="share")]
    out = plots.rows_chart_html("Cascade", ["Masters", "Level 1"], cols, notes=["8 trainers", "48 trainers"])
    assert "role='figure' aria-label='Cascade'" in out and "<div aria-hidden='true'" in out
    table = out[out.index("<table"):]
    assert "<caption>Cascade</caption>" in table and "<th scope='col'>Fidelity</th>" in table
    assert "<th scope='row'>Level 1 (48 trainers)</th><td>1,440</td><td>80%</td>" in table
    assert "Level 1: Learners reached 1,440, Fidelity 80%" in out  # data-summary
    assert "ttt-chart-bar" in out and out.count("ttt-chart-value") == 4


def test_empty_charts_say_what_to_do():
    out = plots.rows_chart_html("Gains", [], [plots.ChartColumn("Gain", [], kind="interval")],
                                empty="Upload a file with pre and post scores.")
    assert "Upload a file with pre and post scores." in out and "ttt-chart-track" not in out
    assert "ttt-chart-tick" not in out
    col = plots.ChartColumn("Learners", [None, 0, 0], empty="Set learners per trainer above 0.")
    out = plots.rows_chart_html("Reach", ["m", "1", "2"], [col, plots.ChartColumn("F", [1, .8, .6], kind="share")])
    assert "Set learners per trainer above 0." in out and "grid-row:2 / span 3" in out
    assert "ttt-chart-bar" in out and ">0<" not in out.split("Set learners")[0][-400:]  # no 0-1 axis for nothing
    with pytest.raises(ValueError, match="3 values for 2 rows"):
        plots.rows_chart_html("x", ["a", "b"], [plots.ChartColumn("c", [1, 2, 3])])
    with pytest.raises(ValueError, match="kind is one of"):
        plots.ChartColumn("c", [1], kind="pie")
    with pytest.raises(ValueError, match="finite"):
        plots.nice_ticks(0, float("nan"))
