"""The plain-text alternative of an email, read from its filled MJML.

Every multipart email carries a text part for clients that show no HTML and for spam
filters that compare both; it says the same things in the same order, links written
out after their labels.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .safety import ANGLE_QUOTES


class _TextCollector(HTMLParser):
    """Collects readable text and link targets from filled MJML, in reading order."""

    _BLOCK_TAGS = frozenset({"mj-text", "mj-button"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._depth = 0
        self._href = ""
        self._link = ""
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in self._BLOCK_TAGS:
            self._depth += 1
            self._href = attributes.get("href") or "" if tag == "mj-button" else ""
        elif tag == "mj-social-element":
            label, href = attributes.get("alt") or "", attributes.get("href") or ""
            self.lines.append(f"{label}: {href}")
        elif tag == "mj-divider":
            self.lines.append("-" * 24)
        elif tag == "a" and self._depth:
            self._link = attributes.get("href") or ""
        elif tag == "br" and self._depth:
            self._buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link:
            self._buffer.append(f" ({self._link})")
            self._link = ""
        if tag in self._BLOCK_TAGS and self._depth:
            self._depth -= 1
            lines = ("".join(self._buffer)).split("\n")
            text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
            if text:
                self.lines.append(f"{text}: {self._href}" if self._href else text)
            self._buffer, self._href = [], ""

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buffer.append(data)


def to_text(document: str) -> str:
    """Plain-text alternative of a filled MJML document (same content, same order).

    Copy arrives here already cleaned of template syntax (``escape_text``); angle
    brackets are shown as look-alike quotes so that no mail client can mistake a
    plain-text part for markup.
    """
    collector = _TextCollector()
    collector.feed(document)
    text = "\n\n".join(collector.lines) + "\n"
    return text.translate(ANGLE_QUOTES)
