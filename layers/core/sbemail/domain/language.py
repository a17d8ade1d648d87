"""Which language an email is written in, when the caller does not say.

Marketers write briefs in their readers' language, often with English product names,
URLs and jargon mixed in. The script of the letters is a reliable signal for the
languages that do not use the Latin alphabet, and a wrong guess would be worse than
none: for Latin-script text the detector answers ``None`` ("write in the brief's own
language") and leaves the choice to the model, which reads the words themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

__all__ = ["detect_language", "language_name"]

# (first code point, last code point, script); sorted, non-overlapping.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"),
    (0x0A80, 0x0AFF, "gujarati"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0C00, 0x0C7F, "telugu"),
    (0x0C80, 0x0CFF, "kannada"),
    (0x0D00, 0x0D7F, "malayalam"),
    (0x0D80, 0x0DFF, "sinhala"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x1000, 0x109F, "myanmar"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1780, 0x17FF, "khmer"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2C60, 0x2C7F, "latin"),
    (0x2DE0, 0x2DFF, "cyrillic"),
    (0x3040, 0x309F, "kana"),
    (0x30A0, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xA640, 0xA69F, "cyrillic"),
    (0xA720, 0xA7FF, "latin"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF21, 0xFF3A, "latin"),
    (0xFF41, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "kana"),
    (0x20000, 0x2FA1F, "han"),
)
_STARTS = [start for start, _, _ in _SCRIPT_RANGES]

# Scripts written by one language (for our purposes); the others are decided below.
_SCRIPT_LANGUAGE = {
    "greek": "el",
    "armenian": "hy",
    "hebrew": "he",
    "devanagari": "hi",
    "bengali": "bn",
    "gurmukhi": "pa",
    "gujarati": "gu",
    "tamil": "ta",
    "telugu": "te",
    "kannada": "kn",
    "malayalam": "ml",
    "sinhala": "si",
    "thai": "th",
    "lao": "lo",
    "myanmar": "my",
    "georgian": "ka",
    "khmer": "km",
}
# One CJK character carries about a word; weigh it against Latin letters accordingly, so
# a Japanese brief full of English product names still reads as Japanese.
_CJK_WEIGHT = 3
_CJK = frozenset({"kana", "han", "hangul"})
_MIN_SHARE = 0.25  # of the (weighted) letters, for a script to decide the language
_MIN_LETTERS = 2
# Sentences in Japanese, Korean or Chinese, whatever else surrounds them: a brief
# that quotes a product name has a few characters, one written for those readers has
# dozens.
_DECISIVE_CJK = 24
# Japanese prose is a third or more kana; Chinese text may borrow a stray の.
_MIN_KANA_SHARE = 0.05

# Letters that tell the languages sharing a script apart.
_UKRAINIAN = frozenset("ґєіїҐЄІЇ")
_BELARUSIAN = frozenset("ўЎ")
_SERBIAN = frozenset("ђћЂЋ")
_MACEDONIAN = frozenset("ѓќѕЃЌЅ")
_SERBIAN_OR_MACEDONIAN = frozenset("јљњџЈЉЊЏ")
_RUSSIAN = frozenset("ыэёЫЭЁ")
_BULGARIAN_HINT = frozenset("ъЪ")
_PERSIAN = frozenset("پچژگکی")
_URDU = frozenset("ٹڈڑںےھ")


def _script(char: str) -> str | None:
    code = ord(char)
    if code < 0x0370:
        return "latin" if char.isalpha() else None
    index = bisect_right(_STARTS, code) - 1
    if index >= 0:
        start, end, script = _SCRIPT_RANGES[index]
        if start <= code <= end:
            return script if char.isalpha() or script in _CJK else None
    return "other" if char.isalpha() else None


def detect_language(text: str) -> str | None:
    """The BCP 47 tag the letters of ``text`` unambiguously point to, else ``None``.

    Decided by script: kana means Japanese (even amid much English), Hangul Korean, Han
    without kana Chinese, Greek, Hebrew, Thai, Devanagari (Hindi) and a few more one
    language each; Cyrillic and Arabic script only when letters peculiar to one
    language settle it. Latin-script text gives ``None``: the brief's own language.
    """
    counts: Counter[str] = Counter()
    letters: Counter[str] = Counter()
    for char in text:
        script = _script(char)
        if script is None:
            continue
        counts[script] += 1
        if script in ("cyrillic", "arabic"):
            letters[char] += 1
    if not counts:
        return None
    kana, han, hangul = counts["kana"], counts["han"], counts["hangul"]
    weighted = {
        script: count * (_CJK_WEIGHT if script in _CJK else 1) for script, count in counts.items()
    }
    total = sum(weighted.values())
    candidates: dict[str, int] = {}
    if kana >= _MIN_LETTERS and kana >= _MIN_KANA_SHARE * (kana + han):
        candidates["ja"] = (kana + han) * _CJK_WEIGHT
    elif hangul >= _MIN_LETTERS:
        candidates["ko"] = (hangul + han) * _CJK_WEIGHT
    elif han >= _MIN_LETTERS:
        candidates["zh"] = han * _CJK_WEIGHT
    for script, count in counts.items():
        if script in _CJK or script in ("latin", "other") or count < _MIN_LETTERS:
            continue
        tag = _SCRIPT_LANGUAGE.get(script) or _shared_script_language(script, letters)
        candidates[tag or f"?{script}"] = weighted[script]
    if not candidates:
        return None
    tag, weight = max(candidates.items(), key=lambda item: item[1])
    if tag.startswith("?"):
        return None
    decisive = tag in ("ja", "ko", "zh") and weight >= _DECISIVE_CJK * _CJK_WEIGHT
    return tag if decisive or weight >= _MIN_SHARE * total else None


def _shared_script_language(script: str, letters: Counter[str]) -> str | None:
    """Cyrillic or Arabic script: the language only letters peculiar to it can tell."""

    def has(chars: frozenset[str]) -> bool:
        return any(letters[c] for c in chars)

    if script == "cyrillic":
        if has(_UKRAINIAN) and not has(_RUSSIAN):
            return "be" if has(_BELARUSIAN) else "uk"
        if has(_MACEDONIAN):
            return "mk"
        if has(_SERBIAN) or has(_SERBIAN_OR_MACEDONIAN):
            return "sr"
        if has(_BELARUSIAN):
            return "be"
        if has(_RUSSIAN):
            return "ru"
        return "bg" if has(_BULGARIAN_HINT) else None
    if script == "arabic":
        if has(_URDU):
            return "ur"
        return "fa" if has(_PERSIAN) else "ar"
    return None


# English names of the languages marketers most often write in.
_NAMES = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "de-AT": "Austrian German",
    "de-CH": "Swiss German",
    "el": "Greek",
    "en": "English",
    "en-AU": "Australian English",
    "en-CA": "Canadian English",
    "en-GB": "British English",
    "en-US": "American English",
    "es": "Spanish",
    "es-419": "Latin American Spanish",
    "es-ES": "European Spanish",
    "es-MX": "Mexican Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fil": "Filipino",
    "fr": "French",
    "fr-CA": "Canadian French",
    "fr-CH": "Swiss French",
    "ga": "Irish",
    "gl": "Galician",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "km": "Khmer",
    "kn": "Kannada",
    "ko": "Korean",
    "lo": "Lao",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ms": "Malay",
    "my": "Burmese",
    "nb": "Norwegian Bokmål",
    "ne": "Nepali",
    "nl": "Dutch",
    "nl-BE": "Flemish",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "pt-BR": "Brazilian Portuguese",
    "pt-PT": "European Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "si": "Sinhala",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "zh-CN": "Simplified Chinese",
    "zh-HK": "Traditional Chinese (Hong Kong)",
    "zh-Hans": "Simplified Chinese",
    "zh-Hant": "Traditional Chinese",
    "zh-TW": "Traditional Chinese (Taiwan)",
    "zu": "Zulu",
}
_NAMES_FOLDED = {tag.lower(): name for tag, name in _NAMES.items()}


def language_name(tag: str) -> str:
    """The English name of the language ``tag`` names, for prompts and logs.

    The most specific known form wins (``pt-BR`` → "Brazilian Portuguese", ``de-AT-1996``
    → "Austrian German", ``de-LI`` → "German"); an unknown language is its tag.
    """
    subtags = tag.strip().replace("_", "-").lower().split("-")
    for length in range(len(subtags), 0, -1):
        name = _NAMES_FOLDED.get("-".join(subtags[:length]))
        if name:
            return name
    return tag
