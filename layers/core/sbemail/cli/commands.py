"""What each ``sbemail`` subcommand does; ``__init__`` only parses arguments.

Commands read their input, talk to the service through ``client`` and write through
``gallery``; they return an exit code and raise ``CommandError`` for bad input.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from .client import ServiceClient, service_url
from .errors import CommandError
from .gallery import write_result
from .progress import ProgressBar


def samples_dir() -> Path:
    from ..local.cli import project_root

    return project_root() / "samples"


def sample_paths() -> dict[str, Path]:
    return {path.stem: path for path in sorted(samples_dir().glob("*.json"))}


def sample_path(name: str) -> Path:
    """A sample by file stem (``northwind-promotion``) or by its brand (``northwind``)."""
    paths = sample_paths()
    matches = [p for stem, p in paths.items() if name in (stem, stem.split("-")[0])]
    if not matches:
        known = ", ".join(sorted(paths))
        raise CommandError(f"no sample called {name!r}; samples: {known}", ["--sample"])
    return matches[0]


def read_request(path: str, field: str) -> dict[str, Any]:
    """One JSON request from a file (``-``: standard input)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}", [field]) from None
    try:
        request = json.loads(text)
    except ValueError as error:
        raise CommandError(f"{path} is not valid JSON: {error}", [field]) from None
    if not isinstance(request, dict):
        raise CommandError(f"{path} must hold one JSON object (a generate request)", [field])
    return request


def generate(
    *,
    sample: str | None,
    request_file: str | None,
    variants: int | None,
    aesthetic: str | None,
    out: Path | None,
    url: str | None,
) -> int:
    if sample:
        source = sample_path(sample)
        request, name = read_request(str(source), "--sample"), source.stem
    else:
        assert request_file is not None
        request = read_request(request_file, "--request")
        name = "request" if request_file == "-" else Path(request_file).stem
    if variants is not None:
        request["variants"] = variants
    if aesthetic:
        request["designAesthetic"] = aesthetic
    out = out or Path("emails") / name
    bar = ProgressBar(name)
    with service_url(url) as base:
        try:
            result = ServiceClient(base).generate(request, bar)
        finally:
            bar.finish()
    written = write_result(result, out, f"{name}: {len(result.get('emails', []))} variant(s)")
    for email in result.get("emails", []):
        if "error" in email:
            print(f"variant {email['index']} failed: {email['error']['message']}", file=sys.stderr)
    cost = (result.get("costsUSD") or {}).get("total")
    spent = f", ${cost:.4f}" if isinstance(cost, int | float) else ""
    print(f"wrote {len(written)} variant(s) to {out}/ (open {out / 'index.html'}){spent}")
    return 0


def batch(
    *, requests_file: str, store_id: str | None, economy: bool, out: Path | None, url: str | None
) -> int:
    """Generate every request of a JSON Lines file as one batch; each item's files go to
    ``<out>/item-N/``. Exit 2 when an item was invalid, 1 when one failed, 0 otherwise."""
    requests = read_requests(requests_file)
    store = store_id or str(requests[0].get("storeId") or "")
    if not store:
        raise CommandError("give --store-id or a storeId in the first request", ["--store-id"])
    envelope = {
        "storeId": store,
        "requests": requests,
        "mode": "economy" if economy else "standard",
    }
    name = "batch" if requests_file == "-" else Path(requests_file).stem
    out = out or Path("emails") / name
    bar = ProgressBar(name, unit="items")  # a batch counts its items, not their variants
    with service_url(url) as base:
        try:
            _, items = ServiceClient(base).batch(envelope, bar)
        finally:
            bar.finish()
    invalid = failed = 0
    for item in items:
        number = int(item.get("index", 0)) + 1
        if "result" in item:
            write_result(item["result"], out / f"item-{number}", f"{name}, item {number}")
            continue
        error = item.get("error") or {}
        invalid += item.get("status") == "invalid"
        failed += item.get("status") != "invalid"
        fields = [d.get("field") for d in error.get("details") or [] if isinstance(d, dict)]
        named = f" (field: {', '.join(map(str, fields))})" if fields else ""
        print(f"item {number}: {error.get('message', 'no result')}{named}", file=sys.stderr)
    written = len(items) - invalid - failed
    print(f"wrote {written} of {len(items)} item(s) to {out}/ (item-N/index.html each)")
    return 2 if invalid else 1 if failed else 0


def read_requests(path: str) -> list[dict[str, Any]]:
    """Generate requests from a JSON Lines file (one object per line; blank lines skipped)."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}", ["requests"]) from None
    requests = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as error:
            raise CommandError(
                f"{path}, line {number}: not valid JSON: {error}", ["requests"]
            ) from None
        if not isinstance(request, dict):
            raise CommandError(f"{path}, line {number}: not a JSON object", ["requests"])
        requests.append(request)
    if not requests:
        raise CommandError(f"{path} holds no requests", ["requests"])
    return requests


def samples() -> int:
    for stem, path in sample_paths().items():
        body = json.loads(path.read_text(encoding="utf-8"))
        brand = (body.get("brandData") or {}).get("store_name", "?")
        print(f"{stem:<24} {body.get('emailType', '?'):<14} {brand}")
    return 0


def blocks() -> int:
    from ..config import Settings
    from ..domain import BlockLibrary

    library = BlockLibrary.load(Settings.from_env().blocks_dir)
    places: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for block in library:
        places[block.namespace][block.section].append(block.id)
    for namespace in sorted(places):
        print(namespace)
        for section in sorted(places[namespace]):
            ids = ", ".join(sorted(places[namespace][section]))
            print(f"  {section:<10} {ids}")
    print(f"{len(library)} blocks")
    return 0
