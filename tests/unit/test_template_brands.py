"""Template facts of brand lookup: off unless a key parameter is named, the key read from
SSM only by the API function and only that parameter, the routes behind generation's auth."""

from __future__ import annotations

from sbemail.local.embedded import read_template

from samples import ROOT

TEMPLATE = read_template(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]
API = RESOURCES["ApiFunction"]["Properties"]


def test_brand_lookup_is_off_by_default_and_profiles_are_kept_30_days() -> None:
    parameters = TEMPLATE["Parameters"]
    assert parameters["BrandDevApiKeyParameter"]["Default"] == ""
    assert parameters["BrandCacheDays"]["Default"] == 30


def test_the_key_is_never_a_plain_environment_variable() -> None:
    globals_env = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    api_env = API["Environment"]["Variables"]
    assert "BRANDDEV_API_KEY" not in globals_env and "BRANDDEV_API_KEY" not in api_env
    # intrinsics read as plain values: [condition, value if true, value if false]
    assert api_env["BRANDDEV_API_KEY_PARAMETER"][0] == "HasBrandDevKeyParameter"
    assert api_env["BRAND_CACHE_DAYS"] == "BrandCacheDays"


def test_only_the_api_function_reads_only_that_parameter() -> None:
    reads = [
        policy
        for policy in API["Policies"]
        if isinstance(policy, list) and "SSMParameterReadPolicy" in policy[1]
    ]
    assert reads == [
        [
            "HasBrandDevKeyParameter",
            {"SSMParameterReadPolicy": {"ParameterName": "BrandDevApiKeyParameter"}},
            "AWS::NoValue",
        ]
    ]
    worker_policies = str(RESOURCES["WorkerFunction"]["Properties"]["Policies"])
    assert "BrandDevApiKeyParameter" not in worker_policies


def test_both_routes_are_on_the_http_api_behind_generation_auth() -> None:
    routes = {
        resource["Properties"]["RouteKey"]: resource["Properties"]
        for resource in RESOURCES.values()
        if resource["Type"] == "AWS::ApiGatewayV2::Route"
    }
    generate_auth = routes["POST /api/email/generate"]["AuthorizationType"]
    for key in ("POST /api/brand-info", "GET /api/brands/{domain}"):
        assert routes[key]["AuthorizationType"] == generate_auth
        assert routes[key]["Target"] == routes["POST /api/email/generate"]["Target"]
