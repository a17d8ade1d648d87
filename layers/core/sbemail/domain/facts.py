"""The request's facts, read once: stories, links, the offer, the reader's merge tag.

Layout, prompt, offline writer and renderer all need the same answers (how many
stories, which link sits behind the main button, is there a code to show), so they
are derived here once from a validated request. Stories come from ``stories`` or,
failing that, from the topics a newsletter brief lists ("…: the new coffee, a visit
to the roastery, and holiday hours").
"""

# ruff: noqa: RUF001  # full-width punctuation of Japanese and Chinese text, on purpose

from __future__ import annotations

import re
from dataclasses import dataclass

from .layouts import MAX_STORIES, LayoutFacts
from .models import EmailType, GenerateRequest

_BULLET = re.compile(r"^\s*(?:[-*•・●▪‣]|\d{1,2}[.)、．])\s*(.+?)\s*$")
_LIST_SEPARATOR = re.compile(r"\s*[;,、，]\s*")
_CONJUNCTION = re.compile(r"^(?:and|or|&|plus)\s+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_TOPIC_MAX = 90


@dataclass(frozen=True)
class StoryFact:
    """One story of a newsletter: the caller's words (or a topic of the brief)."""

    title: str
    summary: str
    url: str = ""


@dataclass(frozen=True)
class EmailFacts:
    """What an email states beyond the brand: derived once from the request.

    Attributes:
        stories: a newsletter's stories (from ``stories`` or the brief's topics).
        primary_url: the link behind the email's main buttons as the caller gave it:
            the cart for a cart reminder, the offer's page for an offer, else "" (the
            store's home); checked against the store's hosts when rendered.
        offer_code, offer_terms: shown by the offer box, as given.
        first_name_tag: the reader's first-name merge tag ("" without personalization).
        first_name_fallback: what to greet a reader without a name with.
        language: the language to write in (BCP 47), when known.
    """

    stories: tuple[StoryFact, ...] = ()
    primary_url: str = ""
    has_offer: bool = False
    offer_code: str = ""
    offer_terms: str = ""
    first_name_tag: str = ""
    first_name_fallback: str = ""
    language: str | None = None

    @classmethod
    def of(cls, request: GenerateRequest) -> EmailFacts:
        offer = request.offer
        primary = ""
        if request.email_type is EmailType.ABANDONED_CART and request.cart_url:
            primary = request.cart_url
        elif offer is not None and offer.url:
            primary = offer.url
        elif request.cart_url:
            primary = request.cart_url
        personalization = request.personalization
        return cls(
            stories=_stories(request),
            primary_url=primary,
            has_offer=offer is not None,
            offer_code=(offer.code or "") if offer else "",
            offer_terms=(offer.terms or "") if offer else "",
            first_name_tag=personalization.first_name if personalization else "",
            first_name_fallback=personalization.fallback if personalization else "",
            language=request.writing_language,
        )

    def layout(self, products: int) -> LayoutFacts:
        """The part of the facts that decides positions and blocks."""
        available = {
            name
            for name, value in (("offer.code", self.offer_code), ("offer.terms", self.offer_terms))
            if value
        }
        return LayoutFacts(
            products=products,
            stories=len(self.stories),
            offer=self.has_offer,
            personalized=bool(self.first_name_tag),
            available=frozenset(available),
        )

    def story_url(self, number: int) -> str:
        """The link of story ``number`` (1-based) as given ("" for the store's home)."""
        return self.stories[number - 1].url if 0 < number <= len(self.stories) else ""


def _stories(request: GenerateRequest) -> tuple[StoryFact, ...]:
    if request.email_type is not EmailType.NEWSLETTER:
        return ()
    if request.stories:
        return tuple(
            StoryFact(title=s.title or "", summary=s.summary, url=s.url or "")
            for s in request.stories[:MAX_STORIES]
        )
    return tuple(StoryFact(title=t, summary=t) for t in brief_topics(request.user_context))


def brief_topics(brief: str) -> list[str]:
    """The 2-4 topics a brief lists, in order; ``[]`` when it lists none.

    Two forms are read: bullet or numbered lines, and a run-in list after a colon
    ("Our November letter: the new coffee, a roastery visit, and holiday hours.").
    Anything else is one story, told by the email's single content block.
    """
    bullets = [m.group(1) for line in brief.splitlines() if (m := _BULLET.match(line))]
    if len(bullets) >= 2:
        return [_topic(b) for b in bullets[:MAX_STORIES]]
    for sentence in _SENTENCE_END.split(brief.strip()):
        head, colon, tail = sentence.partition(":") if ":" in sentence else sentence.partition("：")
        if not colon or not head.strip():
            continue
        parts = (_CONJUNCTION.sub("", i.strip(" .。!?")) for i in _LIST_SEPARATOR.split(tail))
        items = [item for item in parts if item]
        if 2 <= len(items) <= MAX_STORIES and all(len(i) <= _TOPIC_MAX for i in items):
            return [_topic(i) for i in items]
    return []


def _topic(text: str) -> str:
    text = " ".join(text.split()).strip(" .;:")
    return text[:1].upper() + text[1:]
