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
