"""Outlet names: normalising short codes and noticing when an article names its own outlet."""

from __future__ import annotations

import re

# Codes used by the corpora newsreader is measured on (BASIL's `source`, PolNeAR's `publisher`).
OUTLET_CODES = {
    "nyt": "The New York Times",
    "fox": "Fox News",
    "hpo": "HuffPost",
    "huff-post": "HuffPost",
    "breitbart": "Breitbart",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journalism",
    "usa-today": "USA Today",
    "politico": "Politico",
}

_NAME = r"((?:The |the )?[A-Z][\w&'\u2019.-]*(?: [A-Z][\w&'\u2019.-]*){0,4})"
_SELF_NAMING = [
    re.compile(r"this article is from the archive of our partner,? " + _NAME, re.IGNORECASE),
    re.compile(
        r"this (?:article|story|post) (?:was )?(?:originally |first )?(?:appeared|published) "
        r"(?:on|in|at|by) " + _NAME,
        re.IGNORECASE,
    ),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?" + _NAME),
    re.compile(r"\bsubscribe to " + _NAME + r"(?:'s|\u2019s)? (?:newsletter|podcast)"),
]


def normalise_outlet(value: str | None) -> str | None:
    """A display name for an outlet value from metadata; known short codes are expanded."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    return OUTLET_CODES.get(value.lower(), value)


def outlet_named_in_text(text: str) -> str | None:
    """The outlet an article names as its own ("...archive of our partner The Wire."), if any."""
    for pattern in _SELF_NAMING:
        match = pattern.search(text)
        if match:
            name = match.group(1).strip().rstrip(".")
            if name and name.lower() not in ("the", "all rights reserved"):
                return name
    return None
