"""Cold-start rules: the API function never imports the OpenAI SDK."""

from __future__ import annotations

import subprocess
import sys

from samples import ROOT


def test_api_handler_does_not_import_openai() -> None:
    script = (
        "import importlib.util, sys;"
        f"spec = importlib.util.spec_from_file_location('api_app', r'{ROOT}/functions/api/app.py');"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module);"
        "print('openai' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
