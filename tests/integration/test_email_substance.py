"""Emails with substance, over HTTP: the right link behind every button, stories, long
briefs in the reader's language, and no foreign address anywhere.

The local server runs the offline writer; the model-side checks (a hostile model, the
language it is told) run the generate use case against the fake OpenAI server.
"""

# ruff: noqa: RUF001  # full-width punctuation of Japanese and Chinese text, on purpose

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from sbemail.domain import BlockLibrary
from sbemail.service import GenerationService, JobRunner
from sbemail.storage import DynamoDBJobStore, JobStatus, Table

from fakes.content import API_KEY, pooled_model
from fakes.hostile import PLANTED, foreign_in, hostile_request
from fakes.openai_server import Behaviour, FakeOpenAI
from fakes.pipeline import NoQueue
from http_client import call
from samples import ROOT, sample_body

LIBRARY = BlockLibrary.load(ROOT / "blocks")
_HREF = re.compile(r'href="([^"]*)"')
UNSUBSCRIBE = "*|UNSUB|*"
STORIES = [
    {
        "title": "Kochere is back",
        "summary": "Our favourite washed lot returns this week.",
        "url": "https://cedarash.example/journal/kochere",
    },
    {
        "title": "Inside the roastery",
        "summary": "Saturday tours at ten, coffee included.",
        "url": "https://cedarash.example/journal/roastery-tour",
    },
    {"summary": "Open 8-2 on the 24th, closed on the 25th and 26th."},
]
JAPANESE_BRIEF = (
    "今月のニュースレター：新しいエチオピア産シングルオリジン、焙煎所の見学ツアー、年末年始の営業時間。"
    "Please keep the tone warm and write for our regulars. "
) * 30


def _generate(local_url: str, body: dict[str, Any]) -> dict[str, Any]:
    body = {**body, "storeId": f"substance-{uuid.uuid4().hex[:8]}"}
    reply = call("POST", f"{local_url}/api/email/generate", body, {"Prefer": "wait=20"})
    assert reply.status == 200, reply.body
    return reply.json()


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in _HREF.findall(html)]


def _allowed_links(body: dict[str, Any]) -> set[str]:
    brand = body["brandData"]
    home = brand["store_url"].rstrip("/")
    links = {home, home + "/", UNSUBSCRIBE, *brand.get("social_links", {}).values()}
    links |= {p["url"] for p in brand.get("products", [])}
    links |= {s["url"] for s in body.get("stories", []) if s.get("url")}
    for optional in (body.get("cartUrl"), body.get("offer", {}).get("url")):
        if optional:
            links.add(optional)
    return {link for link in links if link}


def _cases() -> dict[str, dict[str, Any]]:
    promotion = sample_body("northwind")
    grid = {**sample_body("northwind"), "emailType": "Productgrid"}
    grid.pop("offer")
    newsletter = {**sample_body("cedar"), "stories": STORIES}
    return {
        "Promotion": promotion,
        "Productgrid": grid,
        "Newsletter": newsletter,
        "AbandonedCart": sample_body("pixelpet"),
    }


@pytest.mark.parametrize("email_type", ["Promotion", "Productgrid", "Newsletter", "AbandonedCart"])
def test_every_link_is_one_the_request_gave(local_url: str, email_type: str) -> None:
    body = _cases()[email_type]
    allowed = _allowed_links(body)
    for email in _generate(local_url, body)["emails"]:
        hrefs = _hrefs(email["html"])
        assert hrefs and set(hrefs) <= allowed, set(hrefs) - allowed
        if email_type == "AbandonedCart":
            assert body["cartUrl"] in hrefs  # the closing call to action returns to the cart
        if email_type == "Promotion":
            assert body["offer"]["url"] in hrefs
        shows_products = email_type != "Newsletter"  # a newsletter tells stories
        for product in body["brandData"]["products"] if shows_products else ():
            assert product["url"] in hrefs
        if email_type == "Newsletter":
            for story in STORIES:
                if "url" in story:
                    assert hrefs.count(story["url"]) == 1


def test_three_topics_give_three_stories_in_every_variant(local_url: str) -> None:
    body = sample_body("cedar")  # its brief lists three topics, no `stories`
    for email in _generate(local_url, body)["emails"]:
        stories = [b for b in email["blocks"] if "/story/" in b]
        assert len(stories) == 3, email["blocks"]
        for topic in ("Ethiopian single origin", "roastery", "holiday opening hours"):
            assert topic.lower() in email["text"].lower()


def test_a_long_mixed_japanese_brief_generates(local_url: str) -> None:
    body = {**sample_body("cedar"), "userContext": JAPANESE_BRIEF[:2490]}
    assert len(body["userContext"]) == 2490
    result = _generate(local_url, body)
    assert len(result["emails"]) == 3
    assert all('lang="ja"' in email["mjml"] for email in result["emails"])


@pytest.mark.parametrize("email_type", ["Promotion", "Productgrid", "Newsletter", "AbandonedCart"])
def test_no_foreign_address_survives_in_any_part(local_url: str, email_type: str) -> None:
    body = hostile_request(_cases()[email_type])
    for email in _generate(local_url, body)["emails"]:
        for part in ("mjml", "html", "text", "subjectLine", "preheader"):
            assert foreign_in(email[part]) == [], (part, foreign_in(email[part]))


# -- with a model -----------------------------------------------------------------------


@pytest.fixture
def hostile_model() -> Iterator[FakeOpenAI]:
    behaviour = Behaviour(api_key=API_KEY, inject=PLANTED)
    with FakeOpenAI.running(behaviour) as server:
        yield server


def _run(fake: FakeOpenAI, table: Table, body: dict[str, Any]) -> dict[str, Any]:
    content = pooled_model(fake)
    store = DynamoDBJobStore(table, ttl_seconds=300)
    service = GenerationService(LIBRARY, content, store, NoQueue())
    job_id = service.submit(body).job_id
    assert job_id is not None
    JobRunner(LIBRARY, content, store, concurrency=3).run(job_id)
    job = service.status(job_id)
    assert job.status is JobStatus.COMPLETED, job.error
    return service.result(job)


def test_a_hostile_model_answer_loses_its_addresses_and_says_so(
    hostile_model: FakeOpenAI, fresh_table: Table
) -> None:
    body = hostile_request(_cases()["Promotion"])
    result = _run(hostile_model, fresh_table, body)
    sent = " ".join(str(r.body) for r in hostile_model.requests)
    assert foreign_in(sent) == []  # the caller's planted addresses never reached the model
    for email in result["emails"]:
        for part in ("mjml", "html", "text", "subjectLine", "preheader"):
            assert foreign_in(email[part]) == [], part
        assert any(r["action"] == "address_removed" for r in email["repaired"])


def test_the_model_is_told_the_briefs_language(
    hostile_model: FakeOpenAI, fresh_table: Table
) -> None:
    hostile_model.behaviour.inject = ""
    body = {**sample_body("cedar"), "userContext": JAPANESE_BRIEF[:2490]}
    _run(hostile_model, fresh_table, body)
    (first, *_) = hostile_model.bodies("/responses")
    task = first["input"][-1]["content"]
    assert "Japanese (ja)" in task
    assert "in the language the request names" in first["instructions"]
