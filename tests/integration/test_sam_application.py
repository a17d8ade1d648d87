"""The SAM application builds (no Docker) and its template passes validation and lint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sbemail.domain.block_bundle import read_bundle

from samples import ROOT

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
    env.setdefault("SBEMAIL_BUNDLE_PYTHON", sys.executable)  # checks the block bundle
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
    assert read_bundle(layer / "blocks"), "the checked block bundle ships and is current"
    native = list((layer / "python").rglob("*.so"))
    assert native and all("x86_64" not in p.name for p in native)
    assert any("aarch64" in p.name for p in native)
    # botocore keeps the models of the services we call (layers/core/trim_botocore.py)
    services = {p.name for p in (layer / "python/botocore/data").iterdir() if p.is_dir()}
    assert {"dynamodb", "sqs", "ssm", "secretsmanager"} <= services and "ec2" not in services
    for function in ("ApiFunction", "WorkerFunction", "CleanupFunction", "BatchPollerFunction"):
        assert [p.name for p in (build_dir / function).iterdir()] == ["app.py"]


_TRANSFORMED = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

class NoManagedPolicies:
    def load(self):
        return {}

template = yaml_parse(open("template.yaml").read())
for resource in template["Resources"].values():
    for uri in ("CodeUri", "ContentUri"):
        if uri in resource.get("Properties", {}):
            resource["Properties"][uri] = "s3://bucket/key"
out = transform(template, json.loads(sys.argv[1]), NoManagedPolicies())
"""
"""The template through SAM's own transform (what a deploy runs, which ``sam validate``
does not), code locations stubbed; each script below prints what its test reads."""

_TRANSFORM = (
    _TRANSFORMED
    + """api = next(r for r in out["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Api")
paths = api["Properties"]["Body"]["paths"]
routes = {
    r["Properties"]["RouteKey"]: r["Properties"]["AuthorizationType"]
    for r in out["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Route"
}
security = {f"{m.upper()} {p}": ops.get("security") for p, m_ops in paths.items()
            for m, ops in m_ops.items()}
print(json.dumps({"security": security, "routes": routes}))
"""
)


def _transformed(script: str, parameters: dict[str, str]) -> Any:
    """What ``script`` prints, run by SAM's own Python on the template with ``parameters``."""
    python = Path(sam_binary()).parent / "python"
    result = subprocess.run(
        [str(python), "-c", script, json.dumps(parameters)],
        cwd=ROOT,
        env={**os.environ, "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("auth", ["AWS_IAM", "JWT"])
def test_the_sam_transform_accepts_the_template_and_guards_operations(auth: str) -> None:
    """``sam validate`` does not run the full transform; deploying would. Run it here."""
    shape = _transformed(_TRANSFORM, {"GenerationAuth": auth})
    for route in (
        "GET /api/email/stats",
        "POST /api/email/cache/clear",
        "POST /api/email/cache/cleanup",
        "POST /api/email/cache/warm",
    ):
        assert shape["security"][route] == [{"AWS_IAM": []}]
    assert shape["security"]["GET /health"] is None
    # generation routes carry an Fn::If on GenerationAuth, resolved by CloudFormation
    assert set(shape["routes"]) == {
        "POST /api/email/generate",
        "POST /api/generate-emails",
        "GET /api/email/jobs/{jobId}",
        # batch routes, authorised like the generation routes
        "POST /api/email/batch",
        "GET /api/email/batches/{batchId}",
        "GET /api/email/batches/{batchId}/items/{index}",
        # brand lookup spends Brand.dev credits: the same callers as generation
        "POST /api/brand-info",
        "GET /api/brands/{domain}",
    }


_ALIAS = (
    _TRANSFORMED
    + """resources = out["Resources"]
alias = next(k for k, r in resources.items() if r["Type"] == "AWS::Lambda::Alias")
print(json.dumps({
    "alias": alias,
    "provisioned": resources[alias]["Properties"].get("ProvisionedConcurrencyConfig"),
    "snapStart": resources["ApiFunction"]["Properties"].get("SnapStart"),
    "integration": resources["ApiIntegration"]["Properties"]["IntegrationUri"],
    "permissions": sorted({json.dumps(r["Properties"]["FunctionName"]) for k, r in resources.items()
                           if r["Type"] == "AWS::Lambda::Permission" and k.startswith("Api")}),
    "rule": template["Rules"]["OneColdStartRemedy"],
}))
"""
)


def test_the_api_routes_call_the_live_alias_that_keeps_warm_instances() -> None:
    """ApiProvisionedConcurrency and ApiSnapStart act on the alias every route calls."""
    shape = _transformed(_ALIAS, {"ApiProvisionedConcurrency": "2"})
    alias = {"Ref": shape["alias"]}
    assert shape["integration"] == alias
    assert shape["permissions"] == [json.dumps(alias)]  # every route invokes the alias
    assert shape["provisioned"]["Fn::If"][1] == {
        "ProvisionedConcurrentExecutions": {"Ref": "ApiProvisionedConcurrency"}
    }
    assert shape["snapStart"] == {"ApplyOn": {"Ref": "ApiSnapStart"}}
    assert shape["rule"]["Assertions"][0]["Assert"] == {
        "Fn::Equals": [{"Ref": "ApiProvisionedConcurrency"}, 0]
    }
