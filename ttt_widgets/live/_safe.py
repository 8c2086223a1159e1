"""Showing text someone typed, safely: escaped for HTML and shielded from MathJax typesetting."""

from __future__ import annotations

import html
import re

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


def plain_description(text: str) -> dict:
    """Keyword arguments for a ``Checkbox`` (or any widget with a ``description``) that shows ``text`` as written.

    ipywidgets typesets a description with the page's LaTeX typesetter, and no class can turn that off there: a choice
    ``$$\\begin{matrix}...$$`` became a tall formula over the next choices. MathJax finds a formula only within one
    run of text, so each ``$`` and ``\\`` is written as a character reference followed by an empty ``<span>``: the page
    shows the same characters, and no delimiter pair lies in one run. Text without them stays plain text.

    >>> plain_description("a $b$")["description"]
    'a &#36;<span></span>b&#36;<span></span>'
    """
    if not re.search(r"[$\\]", text):
        return {"description": text}
    escaped = re.sub(r"[$\\]", lambda m: f"&#{ord(m.group())};<span></span>", html.escape(text, quote=False))
    return {"description": escaped, "description_allow_html": True}
