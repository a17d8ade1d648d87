"""The offline writer: deterministic copy written from the request's facts, with no key.

It is the default of ``make run``, so its email is the first one a new user reads: it
has to read as if a copywriter wrote it. It therefore writes only from structured
facts (the brand's name, slogan and description, its products, the offer, the
stories) and never quotes the brief, which is an instruction to a copywriter
("offer free shipping if …"), not text for the reader.

Phrases live in banks keyed by ``<section>.<slot>``. A bank is a tuple of strings,
each holding alternatives separated by ``|``: tiers tried in order for a single
phrase, or the parts of a paragraph (at most one sentence from each). A phrase names
the facts it quotes as ``{placeholders}`` and is skipped when one is missing, so
nothing is invented (``{offer:.0}`` needs the offer without quoting it). A phrase is
taken only if it fits its slot whole and says no sentence this email already said;
alternatives rotate with the variant, so variants differ while each stays true.
"""

from __future__ import annotations

import re
from datetime import datetime
from string import Formatter

from ..domain import CopyField, CopyForm, EmailType, StoryFact, VariantBrief, fit
from .ports import Usage, WrittenCopy

_Bank = tuple[str, ...]
_PARAGRAPHS = frozenset({"preheader", "hero.intro", "content.body", "story.body", "offer.details"})
# fmt: off
_COMMON: dict[str, _Bank] = {
    "greeting.salutation": ("Hi|Hello",),
    "header.nav_label": ("Shop|Visit the shop|Shop now|Our shop",),
    "products.button_label": ("Shop now|View|See details|Take a look",),
    "content.link_label": ("Read more|Find out more|Learn more",),
    "story.kicker": ("{ordinal}",),
    "story.title": ("{title}",),
    "story.body": ("{summary}|A few words from {name} on {bare}.|Here is the latest on {bare}.",
                   "Read on for the details.|There is more on our site."
                   "|The link below has the rest."),
    "story.link_label": ("Read the story|Read more|Continue reading|Find out more|Keep reading",),
    "offer.headline": ("{offer}|{offer}, until {ends}|Your offer: {offer_l}",
                       "{offer:.0}Your offer from {name}",
                       "Just for you from {name}|Something special from {name}"),
    "offer.details": ("{offer}.", "Ends {ends}.|Valid until {ends}.|Until {ends} only."),
    "offer.code_label": ("Use code at checkout|Your code|Enter at checkout",),
    "cta.note": ("{terms}", "{slogan}"),
}
_BY_TYPE: dict[EmailType, dict[str, _Bank]] = {
    EmailType.NEWSLETTER: {
        "subjectLine": ("{first_topic}, and more|News from {name}: {first_topic_l}"
                        "|{name}: {first_topic_l}", "News from {name}|The latest from {name}"),
        "preheader": ("Also inside: {rest_l}.|Plus {rest_l}.", "{slogan}|{about}"),
        "header.nav_label": ("Visit us|Our shop|Shop",),
        "hero.eyebrow": ("News from {name}|From {name}|The {name} letter", "News"),
        "hero.headline": ("{n_stories} stories from {name}|What's new at {name}"
                          "|The latest from {name}",),
        "hero.intro": ("In this issue: {topics_l}.|This time: {topics_l}.|Inside: {topics_l}.",
                       "{about}|{slogan}"),
        "hero.button_label": ("Read more|Start reading|Dive in",),
        "content.kicker": ("News|From the team|Our story",),
        "content.title": ("A note from {name}|About {name}|Inside {name}",),
        "content.body": ("{about}", "{slogan}",
                         "In the shop now: {items}.|Now in the shop: {items}."),
        "cta.title": ("There is more to discover at {name}|Come and see us at {name}"
                      "|Visit {name} online",),
        "cta.button_label": ("Visit the shop|Explore the shop|Browse the shop",),
    },
    EmailType.PRODUCT_GRID: {
        "subjectLine": ("{item} and more from {name}|{count} picks from {name}"
                        "|A closer look at {item}", "Picked for you at {name}"),
        "preheader": ("Featuring {items}.|Meet {items}.", "{slogan}|{about}"),
        "hero.eyebrow": ("Picked for you|The collection|From {name}",),
        "hero.headline": ("{count} picks from {name}|The {name} collection"
                          "|Picked for you by {name}",),
        "hero.intro": ("On the shelf: {priced}.|This time: {priced}.|This time: {items}.",
                       "{about}|{slogan}"),
        "hero.button_label": ("Shop now|See the collection|Browse now",),
        "content.kicker": ("About us|Our story|The details",),
        "content.title": ("About {name}|The {name} story|Why {name}",),
        "content.body": ("{about}", "{slogan}",
                         "Prices run from {price_range}.|In the shop now: {items}."),
        "content.link_label": ("See more|Browse all|View the range",),
        "cta.title": ("See the whole collection at {name}|Find your favourite at {name}"
                      "|Browse everything at {name}",),
        "cta.button_label": ("Shop the collection|Browse the shop|Shop now",),
    },
    EmailType.PROMOTION: {
        "subjectLine": ("{offer}|{offer}, until {ends}|{name}: {offer_l}",
                        "Something special from {name}|{item} and more at {name}"),
        "preheader": ("Use code {code} at checkout.|Your code: {code}.",
                      "On until {ends}.|Ends {ends}.", "{slogan}"),
        "hero.eyebrow": ("Ends {ends}|Until {ends}|{offer:.0}Special offer", "From {name}"),
        "hero.headline": ("{offer}|{offer}, until {ends}|{offer} at {name}",
                          "Something special from {name}|{item} and more at {name}"),
        "hero.intro": ("The offer runs until {ends}.|It ends on {ends}, so don't wait."
                       "|You have until {ends}.", "{about}"),
        "hero.button_label": ("Shop the sale|{offer:.0}Claim your offer|Shop now",),
        "content.kicker": ("The details|Good to know|{offer:.0}How it works",),
        "content.title": ("{offer:.0}The offer in detail|{offer:.0}All the details"
                          "|{offer:.0}What you get", "About {name}|Why {name}"),
        "content.body": ("{offer}, until {ends}.|{offer}: on until {ends}.|{offer}.",
                         "Enter {code} at checkout.|Your code: {code}.", "{about}", "{slogan}",
                         "Prices run from {price_range}.|In the shop now: {items}."),
        "content.link_label": ("{offer:.0}See the offer|{offer:.0}Shop the offer|See the sale",),
        "cta.title": ("Get {offer_l} until {ends}|{offer}, only until {ends}"
                      "|Don't miss {offer_l}: it ends {ends}",
                      "Don't miss {offer_l}|Don't miss out at {name}|Make it yours at {name}"),
        "cta.button_label": ("{offer:.0}Claim your offer|Shop the sale|{offer:.0}Get the offer"
                             "|Shop now", "Browse the shop|Visit the shop"),
    },
    EmailType.ABANDONED_CART: {
        "subjectLine": ("Still thinking about {item}?|{item} is still in your cart"
                        "|Your {name} cart is waiting", "You left something in your cart"),
        "preheader": ("We saved {items} for you.", "{offer}, until {ends}.",
                      "Pick up where you left off.|It's ready when you are."),
        "hero.eyebrow": ("Still thinking?|Your cart|Saved for you",),
        "hero.headline": ("You left something behind|Your cart at {name} is waiting"
                          "|Your picks are waiting",),
        "hero.intro": ("Still in your cart: {items}.|You left {items} in your cart."
                       "|We kept {items} in your cart.",
                       "Pick up right where you left off.|Your cart is ready when you are."),
        "hero.button_label": ("Return to cart|Complete your order|Back to your cart",),
        "content.kicker": ("Your picks|Saved for you|Ready when you are",),
        "content.title": ("We saved your cart|Ready when you are|Your picks are waiting",),
        "content.body": ("Your cart still holds {priced}.|Waiting in your cart: {priced}."
                         "|You picked {priced}.|Your cart still holds {items}.",
                         "{offer}, until {ends}.|Remember: {offer_l} until {ends}.", "{about}",
                         "Complete your order whenever it suits you."
                         "|Finish checking out whenever you're ready."),
        "content.link_label": ("Go to your cart|Finish checkout|Return to cart",),
        "products.button_label": ("View item|See item|View",),
        "cta.title": ("Complete your order at {name}|Ready to check out?"
                      "|Your cart is ready when you are",),
        "cta.button_label": ("Complete your order|Return to your cart|Check out now",),
    },
}
_FILLERS = "See what {name} has for you.|A note from {name}.|Visit {name} for more."
_NUMBERS = ("", "One", "Two", "Three", "Four", "Five", "Six")
_MONTHS = "January February March April May June July August September October November December"
_LOWER_STARTS = {"a", "an", "the", "our", "your", "all", "free", "extra", "get", "new", "we"}
# fmt: on
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PRICE = re.compile(r"([$£€¥]?)(\d+(?:\.\d{1,2})?)")


def _sentences(text: str) -> set[str]:
    """``text``'s sentences as a reader compares them: case, punctuation and spacing aside."""
    found = (re.sub(r"[^\w\s]", "", s).lower() for s in _SENTENCE_END.split(text))
    return {" ".join(s.split()) for s in found} - {""}


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _day(value: str) -> str:
    """An ISO date or date-time as "30 November" (the offer's end, as a reader says it)."""
    try:
        when = datetime.fromisoformat(value.strip().upper().replace("Z", "+00:00"))
    except ValueError:
        return value.strip()
    return f"{when.day} {_MONTHS.split()[when.month - 1]}"


def _price_range(prices: list[str]) -> str:
    """The prices' span ("$29 to $249") when all are plain prices in one currency, else ""."""
    found = [m for p in prices if (m := _PRICE.fullmatch(p.replace(" ", "")))]
    if len(found) < 2 or len(found) != len(prices) or len({m[1] for m in found}) > 1:
        return ""
    low, high = (f(found, key=lambda m: float(m[2]))[0] for f in (min, max))
    return f"{low} to {high}" if low != high else ""


def _story(story: StoryFact) -> tuple[str, str, bool]:
    """Heading, summary beyond it, and whether it is a brief's bare topic (title == summary)."""
    if story.title and story.summary.strip() in ("", story.title.strip()):
        return story.title, "", True
    if story.title:
        return story.title, story.summary, False
    first, *rest = _SENTENCE_END.split(story.summary.strip())
    return first.rstrip("."), " ".join(rest), False


class _Email:
    """One variant being written: its facts, and every sentence it has said so far."""

    def __init__(self, brief: VariantBrief) -> None:
        self.brief = brief
        self.said: set[str] = set()
        self.near: dict[str, str] = {}  # by position: what it already says, normalised
        self.facts = self._facts()
        if any(position == "offer" for position, _ in brief.layout.positions):
            self.said |= _sentences(self.facts["terms"])  # the offer box shows the terms

    def _lower(self, text: str) -> str:
        """``text`` for mid-sentence: "The new coffee" → "the new coffee" (the brief's casing)."""
        lowered = text[:1].lower() + text[1:]
        first = text.split(" ", 1)[0].lower()
        briefed = lowered in self.brief.request.user_context
        return lowered if first in _LOWER_STARTS or briefed else text

    def _facts(self) -> dict[str, str]:
        """Every fact a phrase may quote, by placeholder ("" when the request lacks it)."""
        request, facts = self.brief.request, self.brief.facts
        brand, offer = request.brand, request.offer
        products = brand.products
        names = [p.name for p in products]
        topics = [self._lower(_story(s)[0]) for s in facts.stories]
        offer_text = offer.description.strip().rstrip(" .,;:") if offer else ""
        return {
            "name": brand.store_name,
            "slogan": _as_sentence(brand.slogan),
            "about": _as_sentence(brand.description),
            "item": names[0] if names else "",
            "items": _listed(names),
            "priced": _listed([f"{p.name} at {p.price}" if p.price else p.name for p in products]),
            "price_range": _price_range([p.price for p in products]),
            "count": _NUMBERS[len(names)] if len(names) > 1 else "",
            "offer": offer_text[:1].upper() + offer_text[1:],
            "offer_l": self._lower(offer_text),
            "ends": _day(offer.ends_at) if offer and offer.ends_at else "",
            "code": facts.offer_code,
            "terms": _as_sentence(facts.offer_terms),
            "first_topic": _story(facts.stories[0])[0] if topics else "",
            "first_topic_l": topics[0] if topics else "",
            "topics_l": _listed(topics) if len(topics) > 1 else "",
            "rest_l": _listed(topics[1:]),
            "n_stories": _NUMBERS[len(topics)] if len(topics) > 1 else "",
        }

    def _story_facts(self, number: int) -> dict[str, str]:
        """Story ``number``'s facts; ``bare`` is its topic when it has no summary of its own."""
        stories = self.brief.facts.stories
        if not 0 < number <= len(stories):
            return {}
        title, summary, bare = _story(stories[number - 1])
        middle = ("Next up", "Also inside")[number % 2]
        last = number == len(stories) > 1
        return {
            "title": title,
            "summary": _as_sentence(summary),
            "bare": self._lower(title) if bare else "",
            "ordinal": "First up" if number == 1 else "And finally" if last else middle,
        }

    def write(self, field: CopyField) -> str:
        """``field``'s value: a fresh phrase that fits, else its default or a short cut."""
        section, _, slot = field.name.rpartition("__")
        number = int(section[6:]) if section.startswith("story_") else 0
        key = f"{'story' if number else section}.{slot}" if section else slot
        key = "offer.headline" if key == "hero.offer_headline" else key  # one vocabulary
        bank = _BY_TYPE[self.brief.request.email_type].get(key) or _COMMON.get(key, ())
        facts = {**self.facts, **self._story_facts(number)} if number else self.facts
        shift, near = self.brief.variant_index, self.near.get(field.position, "")
        options = [[_fill(p, facts) for p in _rotated(tier.split("|"), shift)] for tier in bank]
        if key in _PARAGRAPHS:
            value = self._paragraph(options, field.max_length, near)
        else:
            fresh = (t for tier in options for t in tier if self._fresh(t, field.max_length, near))
            value = next(fresh, "")
        value = value or self._fallback(field, [t for tier in options for t in tier if t])
        self.said |= _sentences(value)
        self.near[field.position] = " ".join([near, *_sentences(value)])
        return value

    def _fresh(self, text: str, limit: int, near: str, also: frozenset[str] = frozenset()) -> bool:
        """``text`` fits ``limit``, repeats no sentence said before (or in ``also``) and
        does not restate what its block already says (a headline under its paragraph)."""
        said = _sentences(text)
        restated = any(f" {s} " in f" {near} " for s in said)
        return bool(text) and len(text) <= limit and not restated and not said & (self.said | also)

    def _paragraph(self, parts: list[list[str]], limit: int, near: str) -> str:
        """At most one sentence from each part, in order, as many as fit."""
        chosen: list[str] = []
        for part in parts:
            room = limit - len(" ".join(chosen)) - (1 if chosen else 0)
            said = frozenset(_sentences(" ".join(chosen)))
            chosen += [t for t in part if self._fresh(t, room, near, said)][:1]
        return " ".join(chosen)

    def _fallback(self, field: CopyField, candidates: list[str]) -> str:
        """Labels take their default; required text a plain line about the store, else a
        candidate cut at a sentence or word boundary (never with an ellipsis)."""
        limit = field.max_length
        if field.form is CopyForm.LABEL:
            fresh = not _sentences(field.default) & self.said
            return field.default if fresh or not field.optional else ""
        if field.optional:
            return ""
        if field.form is CopyForm.SENTENCE:
            fillers = (_fill(f, self.facts) for f in _FILLERS.split("|"))
            candidates = [*(f for f in fillers if self._fresh(f, limit, "")), *candidates]
        for text in [*candidates, self.facts["name"]]:
            cut = fit(text, limit, CopyForm.SENTENCE)
            cut = fit(text, limit, CopyForm.HEADLINE) if cut.endswith("…") else cut
            if self._fresh(cut, limit, ""):
                return cut
        return fit(self.facts["name"], limit, CopyForm.HEADLINE)


def _rotated(items: list[str], shift: int) -> list[str]:
    shift %= len(items)
    return items[shift:] + items[:shift]


def _fill(template: str, facts: dict[str, str]) -> str:
    """``template`` with its facts, or "" when it needs one the request lacks."""
    needed = [name for _, name, _, _ in Formatter().parse(template) if name]
    return template.format_map(facts) if all(facts.get(n) for n in needed) else ""


class OfflineContentModel:
    """Writes copy from the request's facts alone; results say ``provider: offline``."""

    provider = "offline"
    model = "offline-writer-1"
    prompt_version = "offline-3"
    warnings: tuple[str, ...] = ()

    def write(self, brief: VariantBrief) -> WrittenCopy:
        email = _Email(brief)
        values: dict[str, object] = {f.name: email.write(f) for f in brief.written}
        # No model ran, so no tokens were consumed.
        return WrittenCopy(values=values, usage=Usage())
