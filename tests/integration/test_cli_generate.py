"""``sbemail generate`` as a developer runs it: a real process against the local server
(and once with the service started in-process), its files, its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from http_client import call
from samples import ROOT, sample_body, sample_names


def sbemail(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DYNAMODB_"))}
    env.pop("SBEMAIL_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sbemail.cli", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("sample", sample_names())
def test_generate_writes_each_variants_files_and_a_gallery(
    sample: str, local_url: str, tmp_path: Path
) -> None:
    done = sbemail("generate", "--sample", sample, "--url", local_url, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "3/3 variants" in done.stderr
    names = {path.name for path in tmp_path.iterdir()}
    for n in (1, 2, 3):
        assert {f"variant-{n}.mjml", f"variant-{n}.html", f"variant-{n}.txt"} <= names
    assert "index.html" in names
    # The files are the API's answer for the same request (served from its cache now).
    answer = call("POST", f"{local_url}/api/email/generate", sample_body(sample))
    assert answer.status == 200
    for email in answer.json()["emails"]:
        written = tmp_path / f"variant-{email['index'] + 1}.html"
        assert written.read_text(encoding="utf-8") == email["html"]


def test_options_reach_the_request(local_url: str, tmp_path: Path) -> None:
    args = ("--sample", "cedar", "--variants", "2", "--aesthetic", "luxe")
    done = sbemail("generate", *args, "--url", local_url, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("variant-*.html"))) == 2
    body = {**sample_body("cedar"), "variants": 2, "designAesthetic": "luxe"}
    answer = call("POST", f"{local_url}/api/email/generate", body).json()
    assert answer["cache"] == "hit"


def test_a_request_from_stdin(local_url: str, tmp_path: Path) -> None:
    request = json.dumps({**sample_body("pixelpet"), "variants": 1})
    done = sbemail(
        "generate", "--request", "-", "--url", local_url, "--out", str(tmp_path), stdin=request
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "variant-1.html").is_file()


def test_a_request_the_api_refuses_exits_2_naming_the_field(local_url: str, tmp_path: Path) -> None:
    body = sample_body("northwind")
    body["brandData"]["store_url"] = "javascript:alert(1)"
    request = tmp_path / "bad.json"
    request.write_text(json.dumps(body), encoding="utf-8")
    done = sbemail("generate", "--request", str(request), "--url", local_url)
    assert done.returncode == 2
    assert "brandData.store_url" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_a_url_the_service_runs_in_process(tmp_path: Path) -> None:
    done = sbemail("generate", "--sample", "cedar", "--variants", "1", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "variant-1.html").read_text(encoding="utf-8").startswith("<!doctype html")


def test_batch_writes_each_items_gallery_and_names_the_invalid_one(
    local_url: str, tmp_path: Path
) -> None:
    good = {**sample_body("cedar"), "variants": 1}
    other = {**good, "userContext": "Holiday opening hours, and the new single origin."}
    bad = {**good, "emailType": "Brochure"}
    lines = [json.dumps(good), "", json.dumps(other), json.dumps(bad)]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    done = sbemail("batch", str(requests), "--url", local_url, "--out", str(out))
    assert done.returncode == 2, done.stderr  # one item was invalid: bad input
    assert "/3 items" in done.stderr  # the bar counts the batch's items
    assert "item 3:" in done.stderr
    assert "emailType" in done.stderr
    assert (out / "item-1" / "variant-1.html").is_file()
    assert (out / "item-2" / "index.html").is_file()
    assert not (out / "item-3").exists()


def test_a_batch_file_that_is_not_json_lines_is_bad_input(tmp_path: Path) -> None:
    requests = tmp_path / "broken.jsonl"
    requests.write_text('{"storeId": "s"}\n{broken\n', encoding="utf-8")
    done = sbemail("batch", str(requests), "--url", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert "line 2" in done.stderr
