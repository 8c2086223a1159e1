"""Showing text someone typed, safely: escaped for HTML and shielded from MathJax typesetting."""

from __future__ import annotations

import html

#: MathJax 3 skips elements with ``mathjax_ignore`` (MathJax 2: ``tex2jax_ignore``); ipywidgets' Label and HTML
#: views run the page's LaTeX typesetter over their content, so ``$$\\href{javascript:...}$$`` would become a link.
IGNORE_MATH = "tex2jax_ignore mathjax_ignore"


def text_html(text: object, tag: str = "span", style: str = "") -> str:
    """Escaped text in an element that MathJax leaves alone; line breaks are kept, nothing is interpreted."""
    escaped = html.escape(str(text), quote=True)
    css = f"white-space:pre-wrap;overflow-wrap:anywhere;{style}"
    return f'<{tag} class="ttt-text {IGNORE_MATH}" style="{css}">{escaped}</{tag}>'


def mpl_text(text: object) -> str:
    """Text for a matplotlib label: dollar signs escaped so mathtext does not parse them."""
    return str(text).replace("$", r"\$")
