"""Writing a result to disk: each variant's ``.mjml``, ``.html`` and ``.txt``, and an
``index.html`` gallery that shows every variant at desktop and mobile widths.

The gallery embeds each email by file name in a sandboxed frame (no scripts run), and
every text it shows (subject lines, preheaders) is escaped: model text never becomes
markup here either.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GMAIL_CLIP_BYTES = 102 * 1024


@dataclass(frozen=True)
class WrittenVariant:
    index: int
    stem: str
    subject: str
    preheader: str
    size_bytes: int


def write_result(result: dict[str, Any], out: Path, title: str) -> list[WrittenVariant]:
    """Write every rendered variant of ``result`` and the gallery into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for email in result.get("emails", []):
        if "html" not in email:
            continue
        stem = f"variant-{email['index'] + 1}"  # people count from 1
        (out / f"{stem}.mjml").write_text(email["mjml"], encoding="utf-8")
        (out / f"{stem}.html").write_text(email["html"], encoding="utf-8")
        (out / f"{stem}.txt").write_text(email["text"], encoding="utf-8")
        size = len(email["html"].encode("utf-8"))
        written.append(
            WrittenVariant(email["index"], stem, email["subjectLine"], email["preheader"], size)
        )
    (out / "index.html").write_text(gallery_page(title, written), encoding="utf-8")
    return written


def gallery_page(title: str, variants: list[WrittenVariant]) -> str:
    sections = "\n".join(_variant_section(v) for v in variants)
    return _PAGE.format(title=html.escape(title), count=len(variants), sections=sections)


def _variant_section(variant: WrittenVariant) -> str:
    kb = variant.size_bytes / 1024
    clipped = " (Gmail clips it)" if variant.size_bytes > GMAIL_CLIP_BYTES else ""
    name = html.escape(variant.stem)
    return _SECTION.format(
        index=variant.index + 1,
        subject=html.escape(variant.subject),
        preheader=html.escape(variant.preheader),
        size=f"{kb:.1f} KB of Gmail's 102 KB{clipped}",
        file=name,
    )


_SECTION = """<section aria-labelledby="v{index}">
  <h2 id="v{index}">Variant {index}</h2>
  <p class="inbox"><strong>{subject}</strong> <span>{preheader}</span></p>
  <p class="meta">{size} ·
    <a href="{file}.html">HTML</a> · <a href="{file}.mjml">MJML</a> · <a href="{file}.txt">text</a>
  </p>
  <div class="frames">
    <figure><figcaption>Desktop, 640 px</figcaption>
      <iframe src="{file}.html" width="640" height="900" sandbox
        title="Variant {index}, desktop"></iframe>
    </figure>
    <figure><figcaption>Mobile, 375 px</figcaption>
      <iframe src="{file}.html" width="375" height="900" sandbox
        title="Variant {index}, mobile"></iframe>
    </figure>
  </div>
</section>"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem; }}
  body {{ color: #1d232b; background: #f4f5f7; }}
  h1 {{ font-size: 1.4rem; }}
  section {{ background: #fff; border-radius: 8px; padding: 1rem 1.5rem; margin: 1.5rem 0; }}
  .inbox strong {{ margin-right: .5rem; }}
  .inbox span, .meta {{ color: #5b6573; }}
  .frames {{ display: flex; gap: 1.5rem; flex-wrap: wrap; align-items: flex-start; }}
  figure {{ margin: 0; }}
  iframe {{ border: 1px solid #d5d9e0; background: #fff; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{count} variant(s). Each is shown as the file it was written to.</p>
{sections}
</body>
</html>
"""
