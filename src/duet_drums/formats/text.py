"""Text as community song files write it: any encoding, rich-text tags in names."""

from __future__ import annotations

import re

# The rich-text tags Clone Hero and YARG render in names (`<color=#AEFFFF>Aren</color>`).
_TAGS = ("align", "allcaps", "alpha", "b", "br", "color", "cspace", "font", "font-weight", "gradient",
         "i", "indent", "line-height", "line-indent", "link", "lowercase", "margin", "mark", "mspace",
         "nobr", "noparse", "page", "pos", "rotate", "s", "size", "smallcaps", "space", "sprite",
         "strikethrough", "style", "sub", "sup", "u", "uppercase", "voffset", "width")
_TAG_RE = re.compile(r"<\s*/?\s*(?:#|" + "|".join(rf"\b{re.escape(t)}\b" for t in _TAGS) + r")[^>]*>",
                     re.IGNORECASE)


def decode_text(data: bytes) -> str:
    """UTF-8 with or without a BOM, UTF-16 with a BOM, else Windows-1252 (old editors)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def strip_tags(text: str) -> str:
    """Names without their rich-text tags, as the games show them."""
    previous = None
    while previous != text:
        previous = text
        text = _TAG_RE.sub("", text).strip()
    return text


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
