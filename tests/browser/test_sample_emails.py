"""The samples' emails as a shopper's browser shows them (offline writer, default theme).

Each email type is rendered from its sample and judged on what the reader sees: no
instruction text from the brief, no sentence twice, no clipped headline, every link
on the store's own hosts. Screenshots land in ``tests/artifacts/samples/`` for a person
to judge too. The hostile corpus checks the same rule against planted addresses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fakes.hostile import FOREIGN_HOSTS, foreign_in, hostile_request
from samples import render_request, sample_body, sample_request

pytestmark = pytest.mark.browser

EMAILS = {
    "Newsletter": ("cedar", {}),
    "Productgrid": ("northwind", {"emailType": "Productgrid"}),
    "Promotion": ("northwind", {}),
    "AbandonedCart": ("pixelpet", {}),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_READ = """() => ({
  text: document.body.innerText,
  hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
  headings: [...document.querySelectorAll('.display div, .title div')].map((d) => d.innerText),
})"""


def _store_hosts(body: dict[str, Any]) -> set[str]:
    brand = body["brandData"]
    urls = [brand["store_url"], *brand.get("social_links", {}).values()]
    urls += [p["url"] for p in brand.get("products", [])]
    return {urlsplit(u).hostname or "" for u in urls if u}


@pytest.fixture(scope="module")
def sample_artifacts() -> Path:
    path = Path(__file__).resolve().parents[1] / "artifacts" / "samples"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("email_type", sorted(EMAILS))
def test_a_sample_reads_as_an_email_a_shopper_could_receive(
    email_type: str, email_page, sample_artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    name, changes = EMAILS[email_type]
    body = {**sample_body(name), **changes}
    request = sample_request(name, **changes)
    brief_sentences = [s.strip() for s in _SENTENCE.split(body["userContext"]) if s.strip()]
    for index, email in enumerate(render_request(request, seed=f"sample-{email_type}")):
        page = email_page(email.html, 600)
        page.screenshot(
            path=str(sample_artifacts / f"{email_type}-{index + 1}.png"), full_page=True
        )
        seen = page.evaluate(_READ)
        text = " ".join(seen["text"].split())
        for sentence in brief_sentences:
            assert sentence not in text, f"the brief's instruction reached the reader: {sentence}"
        sentences = [s for s in _SENTENCE.split(text) if len(s) > 25]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, repeated
        assert not any(h.rstrip().endswith(("…", "...")) for h in seen["headings"])
        hosts = {urlsplit(h).hostname for h in seen["hrefs"] if h.startswith("http")}
        assert hosts <= _store_hosts(body), hosts - _store_hosts(body)


@pytest.mark.parametrize("email_type", sorted(EMAILS))
def test_planted_addresses_never_show_or_link(email_type: str, email_page) -> None:  # type: ignore[no-untyped-def]
    name, changes = EMAILS[email_type]
    hostile = hostile_request({**sample_body(name), **changes})
    request = sample_request(name, **{**hostile, **changes})
    for email in render_request(request, seed="hostile"):
        for width in (600, 375):
            seen = email_page(email.html, width).evaluate(_READ)
            assert foreign_in(seen["text"]) == []
            linked = {urlsplit(h).hostname or "" for h in seen["hrefs"]}
            assert not linked & set(FOREIGN_HOSTS)
