"""Text filters for the templates: commands written `like this` shown as <code>, and
programme-part codes (LEIT, SC1...) explained in an <abbr> tooltip from one mapping
(`marketscout.collab.parts`). Both escape the text first: safe on any string."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from marketscout.collab.parts import PART_NAMES
from marketscout.web.docs import link_references

BACKTICKS = re.compile(r"`([^`\n]+)`")
# longest first, so "Innovation in SMEs" wins over shorter names; whole words only
_CODES = re.compile(r"(?<![\w-])(" + "|".join(
    re.escape(str(escape(code))) for code in sorted(PART_NAMES, key=len, reverse=True))
    + r")(?![\w-])")


def code_spans(text: Any) -> Markup:
    """Escaped text with `command` spans as <code>command</code> and references to the
    project's documents (docs/plan.md) as links to their pages (`web.docs`)."""
    if text is None:
        return Markup("")
    escaped = BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(str(text))))
    return Markup(link_references(escaped))


def programme_parts(text: Any) -> Markup:
    """Escaped text with each known programme-part code in an <abbr> naming it."""
    if text is None:
        return Markup("")
    escaped = str(escape(str(text)))
    return Markup(_CODES.sub(
        lambda m: f'<abbr title="{escape(PART_NAMES[str(Markup(m.group(1)).unescape())])}">'
                  f"{m.group(1)}</abbr>", escaped))


def register(env: Any) -> None:
    """Add the filters to a Jinja environment."""
    env.filters["code"] = code_spans
    env.filters["parts"] = programme_parts
    env.globals["part_names"] = PART_NAMES
