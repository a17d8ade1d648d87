"""The plain-text part reads the MJML exactly as an HTML parser would.

``to_text`` splits the document with one pattern instead of ``html.parser`` (for speed);
these tests hold it to the parser's reading: every sample in every style, several
variants each, and a document written to hit the edges (comments, entities, tags that
close themselves, odd spacing, a repeated attribute, a stray angle bracket).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sbemail.domain.plain_text import to_text
from sbemail.domain.safety import ANGLE_QUOTES
from sbemail.domain.themes import AESTHETICS

from samples import render_request, sample_names, sample_request


class ParserReading(HTMLParser):
    """The reading ``to_text`` must give, by the standard library's HTML parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0
        self.href = self.link = ""
        self.buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)  # the last of a repeated name wins
        if tag in ("mj-text", "mj-button"):
            self.depth += 1
            self.href = attributes.get("href") or "" if tag == "mj-button" else ""
        elif tag == "mj-social-element":
            self.lines.append(f"{attributes.get('alt') or ''}: {attributes.get('href') or ''}")
        elif tag == "mj-divider":
            self.lines.append("-" * 24)
        elif tag == "a" and self.depth:
            self.link = attributes.get("href") or ""
        elif tag == "br" and self.depth:
            self.buffer.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link:
            self.buffer.append(f" ({self.link})")
            self.link = ""
        if tag in ("mj-text", "mj-button") and self.depth:
            self.depth -= 1
            lines = "".join(self.buffer).split("\n")
            text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
            if text:
                self.lines.append(f"{text}: {self.href}" if self.href else text)
            self.buffer, self.href = [], ""

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.buffer.append(data)

    @classmethod
    def read(cls, document: str) -> str:
        reading = cls()
        reading.feed(document)
        reading.close()
        return ("\n\n".join(reading.lines) + "\n").translate(ANGLE_QUOTES)


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_in_every_style_reads_as_a_parser_reads_it(name: str) -> None:
    documents = [
        email.mjml
        for style in AESTHETICS
        for email in render_request(
            sample_request(name, variants=5, designAesthetic=style), seed=f"{name}-{style}"
        )
    ]
    assert len(documents) == 5 * len(AESTHETICS)
    for document in documents:
        text = to_text(document)
        assert text == ParserReading.read(document)
        assert text.strip()  # something was read


def test_the_edges_of_the_markup_read_as_a_parser_reads_them() -> None:
    document = (
        "<mjml><mj-head><mj-title>Ignored &amp; unread</mj-title>"
        "<mj-style>.band-glow > table { color: red; }</mj-style></mj-head><mj-body>"
        "<!-- a comment <mj-text>not read</mj-text> -->"
        '<mj-text css-class="x">Tom &amp; Jerry&#39;s <b>bold</b><br/>next line<br />'
        "and <a href='https://shop.example/?a=1&amp;b=2' href=\"https://other.example/\">"
        "a link</a> &lt;not a tag&gt; 3 < 4 <a href='https://shop.example/?a=1&amp;b=2'>x</a>"
        "</mj-text>"
        '<MJ-BUTTON HREF="https://shop.example/buy" align="center">Buy  now</MJ-BUTTON>'
        '<mj-button href="">No target</mj-button>'
        '<mj-social><mj-social-element name="ig" alt="Instagram &quot;us&quot;" '
        'href="https://instagram.com/shop"/>'
        "<mj-social-element alt='X' >no href</mj-social-element></mj-social>"
        '<mj-divider border-width="1px"/><mj-divider></mj-divider>'
        "<mj-text>\n  spaced\n\n   out\t text  </mj-text><mj-text>   </mj-text>"
        "<mj-text><a>no href</a> and an <a href=''>empty one</a></mj-text>"
        "</mj-body></mjml>"
    )
    text = to_text(document)
    assert text == ParserReading.read(document)
    assert "Tom & Jerry's bold\nnext line\nand a link (https://other.example/)" in text
    assert "Buy now: https://shop.example/buy" in text
    assert 'Instagram "us": https://instagram.com/shop' in text
    assert "not read" not in text and "Ignored" not in text
    assert "x (https://shop.example/?a=1&b=2)" in text
