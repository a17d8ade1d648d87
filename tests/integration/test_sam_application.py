"""The SAM application builds (no Docker) and its template passes validation and lint."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT

pytestmark = pytest.mark.sam


def sam_binary() -> str:
    """The SAM CLI from its own venv (``make test`` passes it in ``SAM_BIN``)."""
    candidate = os.environ.get("SAM_BIN") or shutil.which("sam")
    if candidate and Path(candidate).exists():
        return candidate
    if os.environ.get("CI"):
        pytest.fail("SAM CLI not found; `make test` installs it into .venv-sam")
    pytest.skip("SAM CLI not installed; run through `make test`")


def run_sam(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "SAM_CLI_TELEMETRY": "0"}
    return subprocess.run(
        [sam_binary(), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_template_validates_with_lint() -> None:
    result = run_sam("validate", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_build_produces_an_arm64_layer_with_package_blocks_and_handlers(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    result = run_sam("build", "--build-dir", str(build_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    layer = build_dir / "CoreLayer"
    assert (layer / "python" / "sbemail" / "bootstrap.py").is_file()
    assert not (layer / "python" / "sbemail" / "local").exists()  # local-only code stays home
    assert sorted(p.name for p in (layer / "blocks").iterdir())  # the block library ships
    native = list((layer / "python").rglob("*.so"))
    assert native and all("x86_64" not in p.name for p in native)
    assert any("aarch64" in p.name for p in native)
    for function in ("ApiFunction", "WorkerFunction", "CleanupFunction"):
        assert [p.name for p in (build_dir / function).iterdir()] == ["app.py"]
