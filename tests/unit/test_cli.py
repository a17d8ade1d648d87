"""The ``sbemail`` command line without a service: arguments, input errors, exit codes,
the progress bar and the gallery it writes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sbemail.cli import main
from sbemail.cli.client import ApiAnswer, raise_for
from sbemail.cli.errors import CommandError, GenerationFailed
from sbemail.cli.gallery import gallery_page, write_result
from sbemail.cli.progress import ProgressBar


def exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return int(stopped.value.code or 0)


def test_a_request_file_that_is_not_json_is_bad_input_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"emailType": "Promotion",', encoding="utf-8")
    assert exit_code(["generate", "--request", str(broken), "--url", "http://127.0.0.1:9"]) == 2
    error = capsys.readouterr().err
    assert "not valid JSON" in error
    assert "--request" in error


def test_a_request_that_is_not_an_object_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    assert exit_code(["generate", "--request", str(listed), "--url", "http://127.0.0.1:9"]) == 2
    assert "one JSON object" in capsys.readouterr().err


def test_an_unknown_sample_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(["generate", "--sample", "nowhere", "--url", "http://127.0.0.1:9"]) == 2
    error = capsys.readouterr().err
    assert "northwind-promotion" in error
    assert "--sample" in error


def test_an_unreachable_service_is_a_failure_not_bad_input(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_code(["generate", "--sample", "cedar", "--url", "http://127.0.0.1:9"]) == 1
    assert "cannot reach the service" in capsys.readouterr().err


@pytest.mark.parametrize("variants", ["0", "6", "two"])
def test_variants_outside_one_to_five_are_refused_by_the_parser(variants: str) -> None:
    assert exit_code(["generate", "--sample", "cedar", "--variants", variants]) == 2


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("generate", "batch", "serve", "blocks", "samples"):
        assert exit_code([command, "--help"]) == 0
        assert "usage: sbemail" in capsys.readouterr().out


def test_the_samples_and_blocks_commands_list_what_ships(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_code(["samples"]) == 0
    listed = capsys.readouterr().out
    assert "northwind-promotion" in listed
    assert "Promotion" in listed
    assert exit_code(["blocks"]) == 0
    listed = capsys.readouterr().out
    assert "promotion" in listed
    assert "shared/footer/centered" in listed
    assert listed.strip().endswith("blocks")


def test_api_answers_map_to_exit_codes_and_fields() -> None:
    bad = {"error": {"code": "invalid_request", "message": "bad url", "details": [{"field": "x"}]}}
    with pytest.raises(CommandError) as refused:
        raise_for(ApiAnswer(400, bad))
    assert refused.value.exit_code == 2
    assert refused.value.fields == ["x"]
    assert "field: x" in refused.value.describe()
    with pytest.raises(GenerationFailed) as failed:
        raise_for(ApiAnswer(502, {"error": {"message": "every variant failed"}}))
    assert failed.value.exit_code == 1
    with pytest.raises(CommandError) as broken:
        raise_for(ApiAnswer(500, {}))
    assert broken.value.exit_code == 1


def test_the_progress_bar_writes_a_line_per_change_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar("cedar", stream)
    for done in (0, 0, 1, 1, 3):
        bar(done, 3)
    bar.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].endswith("3/3 variants")
    assert "#" * 30 in lines[-1]


def _result(subject: str) -> dict[str, object]:
    email = {"index": 0, "subjectLine": subject, "preheader": subject, "layoutId": "a"}
    email |= {"mjml": "<mjml></mjml>", "html": "<!doctype html><p>hi</p>", "text": "hi"}
    failed = {"index": 1, "error": {"code": "invalid_copy", "message": "too long"}}
    return {"emails": [email, failed]}


def test_the_gallery_writes_every_rendered_variant_and_escapes_its_texts(tmp_path: Path) -> None:
    markup = '<script>alert(1)</script><a href="http://evil.example">x</a>'
    written = write_result(_result(markup), tmp_path, "<b>title</b>")
    assert [w.stem for w in written] == ["variant-1"]
    assert {p.name for p in tmp_path.iterdir()} == {
        "index.html",
        "variant-1.mjml",
        "variant-1.html",
        "variant-1.txt",
    }
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<b>title</b>" not in page
    assert "<script" not in page.lower()
    assert "evil.example" not in page.replace("&quot;http://evil.example&quot;", "")
    assert page.count("<iframe") == 2
    assert page.count("sandbox") == 2


def test_a_variant_over_gmails_clip_says_so() -> None:
    from sbemail.cli.gallery import WrittenVariant

    page = gallery_page("t", [WrittenVariant(0, "variant-1", "s", "p", 110 * 1024)])
    assert "Gmail clips it" in page
