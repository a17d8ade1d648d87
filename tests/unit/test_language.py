# ruff: noqa: RUF001 - the corpus is multilingual text, written as readers see it
"""Which language to write in: the caller's ``language``, else the brief's script.

A wrong guess is worse than none, so Latin-script text gives ``None`` ("the brief's own
language"), and Cyrillic or Arabic script only name a language their letters settle.
"""

from __future__ import annotations

import pytest

from sbemail.domain import GenerateRequest, detect_language, language_name

from samples import sample_body

# A newsletter brief as a Tokyo shop's marketer writes it: Japanese prose with English
# product names, section labels and jargon, and more Latin letters than kana.
_JAPANESE_NEWSLETTER_PARTS = [
    "Newsletter brief — December issue (Cedar & Ash Coffee, Tokyo store)\n",
    "Audience: existing subscribers, mostly repeat customers, open rate around 38%.\n",
    "Goal: drive visits to the new Daikanyama cafe and pre-orders for the Holiday Blend.\n",
    "Tone: warm, calm, a little playful; no hard-sell, no ALL CAPS, no emoji overload.\n\n",
    "1. 新しいシングルオリジン：エチオピア・グジ地区の Natural process。",
    "ブルーベリーやジャスミンのような華やかな香りが特徴です。",
    "Tasting notes: blueberry, jasmine, cacao nib. Roast level: light-medium.\n",
    "2. 焙煎所見学ツアー（Roastery tour）を毎週土曜日に開催します。",
    "参加費は無料、定員は各回8名まで。予約は店頭またはオンラインで受け付けます。",
    "Please mention that the tour includes a cupping session with our head roaster.\n",
    "3. 年末年始の営業時間のお知らせ：12月31日は17時まで、1月1日から3日までは休業します。",
    "Online orders placed after Dec 28 will ship from Jan 4.\n\n",
    "Key message: 寒い季節こそ、ゆっくりとコーヒーを楽しむ時間を。",
    "We want readers to feel invited, not pushed. Mention the Holiday Blend pre-order ",
    "(limited to 300 bags, ships Dec 15) near the end, with one clear call to action.\n",
    "Do not mention competitors or discount percentages; the blend is full price this year.\n",
    "Subject line ideas we liked last year: 'A slower December', '今年最後のおすすめ'.\n\n",
    "Background for the writer (English, for reference only):\n",
    "Cedar & Ash opened in 2014 as a two-person roastery and now runs three cafes. ",
    "Every coffee is roasted twice a week in small batches, and we publish the farm, ",
    "the process and the roast date on every bag. Our readers care about traceability, ",
    "seasonal menus and events more than about price. Last year's December newsletter had ",
    "the highest click rate of the year when it focused on people and places rather than ",
    "products, so please keep product talk short and concrete.\n",
    "Japanese copy should use です・ます調, avoid katakana overload, and keep sentences short. ",
    "Product names stay in English (Holiday Blend, Guji Natural) as printed on our bags.\n",
    "Footer: keep the usual address and unsubscribe line; no social links this time.\n\n",
    "ご不明点があれば、マーケティング担当の佐藤までご連絡ください。よろしくお願いします。\n",
]
_FILLER = (
    "Additional notes from the team: keep it human, mention the baristas by first name if "
    "it fits, and remember that many readers open on their phones during the commute. "
)


def japanese_newsletter_brief(length: int = 2490) -> str:
    text = "".join(_JAPANESE_NEWSLETTER_PARTS)
    while len(text) < length:
        text += _FILLER
    return text[:length]


def test_a_long_mixed_japanese_and_english_newsletter_brief_is_japanese() -> None:
    brief = japanese_newsletter_brief()
    assert len(brief) == 2490
    latin = sum(c.isascii() and c.isalpha() for c in brief)
    kana = sum("\u3040" <= c <= "\u30ff" for c in brief)
    assert latin > 3 * kana  # more English letters than Japanese ones, by far
    assert detect_language(brief) == "ja"


def test_japanese_sentences_decide_even_amid_pages_of_english() -> None:
    english = "Background notes for the writer, kept in English for the agency. " * 150
    assert detect_language(english + japanese_newsletter_brief()) == "ja"
    assert detect_language(english + "Subject idea: '今年最後のおすすめ'.") is None


def test_the_japanese_brief_sets_the_requests_writing_language() -> None:
    brief = japanese_newsletter_brief()
    sample = {k: v for k, v in sample_body("cedar").items() if k != "language"}
    request = GenerateRequest.model_validate({**sample, "userContext": brief})
    assert request.language is None and request.writing_language == "ja"


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("冬のセールが始まります。人気のジャケットが30%オフ！", "ja"),
        ("カートに商品が残っています", "ja"),
        ("Winter Sale！ジャケット全品 30% OFF、今週末まで。Shop now.", "ja"),
        ("겨울 세일이 시작됩니다. 인기 재킷 30% 할인!", "ko"),
        ("冬季特卖开始了，热门夹克全场七折。", "zh"),
        ("冬季特賣開始了，熱門夾克全場七折。", "zh"),
        ("Зимняя распродажа: скидка 30% на все куртки, только в эти выходные.", "ru"),
        ("Зимовий розпродаж: знижка 30% на всі куртки.", "uk"),
        ("Зимска распродаја: попуст 30% на све јакне.", "sr"),
        ("Χειμερινές εκπτώσεις: 30% έκπτωση σε όλα τα μπουφάν.", "el"),
        ("تخفيضات الشتاء: خصم 30% على جميع السترات.", "ar"),
        ("حراج زمستانی: ۳۰ درصد تخفیف روی همه کاپشن‌ها.", "fa"),
        ("מבצע חורף: 30% הנחה על כל המעילים.", "he"),
        ("ลดราคาฤดูหนาว 30% สำหรับเสื้อแจ็คเก็ตทุกตัว", "th"),
        ("सर्दियों की सेल: सभी जैकेट पर 30% की छूट।", "hi"),
    ],
)
def test_a_script_that_settles_the_language_names_it(text: str, tag: str) -> None:
    assert detect_language(text) == tag


@pytest.mark.parametrize(
    "text",
    [
        "",
        "4th of July sale, 40% off outerwear",
        "Soldes d'hiver : -30 % sur toutes les vestes, jusqu'à dimanche.",
        "Winterschlussverkauf: 30 % auf alle Jacken – nur bis Sonntag.",
        "Giảm giá mùa đông: 30% cho tất cả áo khoác.",
        "1234 !!! --- 30%",
        # a few foreign words in an English brief do not make it foreign
        "Launch our matcha latte (抹茶ラテ) with a 10% intro discount for subscribers, "
        "and mention the new oat milk option and the seasonal pastries in the cafe.",
        "Feature the Москва collection in the hero and keep the copy in English please.",
        # Cyrillic without a letter peculiar to one language: Russian? Bulgarian? Unsure.
        "Зима",
    ],
)
def test_latin_script_or_an_unsettled_script_gives_none(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("en", "English"),
        ("ja", "Japanese"),
        ("pt-BR", "Brazilian Portuguese"),
        ("pt-br", "Brazilian Portuguese"),
        ("zh-Hant", "Traditional Chinese"),
        ("zh-Hant-TW", "Traditional Chinese"),
        ("es-419", "Latin American Spanish"),
        ("de-LI", "German"),
        ("fr-CA", "Canadian French"),
        ("tlh", "tlh"),
        ("x-private", "x-private"),
    ],
)
def test_language_names_are_english_and_fall_back_to_the_tag(tag: str, name: str) -> None:
    assert language_name(tag) == name
