"""Adaptive TTL and cache warming as configured and observed: setting, template, classes."""

from __future__ import annotations

import re

from sbemail.config import Settings
from sbemail.local.embedded import read_template
from sbemail.storage.cache_usage import hit_class, remaining_class

from samples import ROOT

TEMPLATE = read_template(ROOT / "template.yaml")


def test_the_cap_is_a_parameter_passed_to_every_function() -> None:
    assert TEMPLATE["Parameters"]["CacheMaxTtlHours"]["Default"] == 24
    env = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert env["CACHE_MAX_TTL_HOURS"] == "CacheMaxTtlHours"  # a !Ref, as the loader reads it
    assert Settings.from_env({}).cache_max_ttl_hours == 24
    assert Settings.from_env({"CACHE_MAX_TTL_HOURS": "6"}).cache_max_ttl_hours == 6


def test_warming_is_an_operations_route_behind_iam() -> None:
    events = TEMPLATE["Resources"]["ApiFunction"]["Properties"]["Events"]
    warm = events["CacheWarm"]["Properties"]
    assert (warm["Path"], warm["Method"]) == ("/api/email/cache/warm", "POST")
    assert warm["Auth"] == {"Authorizer": "AWS_IAM"}


def test_the_dashboard_shows_every_ttl_and_warming_metric_the_code_emits() -> None:
    body = TEMPLATE["Resources"]["Dashboard"]["Properties"]["DashboardBody"]
    sources = (ROOT / "layers/core/sbemail/api/routes").glob("*.py")
    emitted = {
        name
        for path in sources
        for name in re.findall(r'"(Cache(?:TtlExtended|Warm\w+))"', path.read_text())
    }
    assert emitted >= {"CacheTtlExtended", "CacheWarmQueued", "CacheWarmAlreadyCached"}
    assert all(f'"{name}"' in body for name in emitted)


def test_hit_and_remaining_classes_cover_every_value() -> None:
    assert [hit_class(n) for n in (0, 1, 2, 4, 5, 9, 10, 49, 50, 10_000)] == [
        "0",
        "1",
        "2-4",
        "2-4",
        "5-9",
        "5-9",
        "10-49",
        "10-49",
        "50+",
        "50+",
    ]
    assert [remaining_class(s) for s in (0, 60, 61, 300, 600, 601, 3600, 21_600, 86_400)] == [
        "<1m",
        "<1m",
        "1-5m",
        "1-5m",
        "5-10m",
        "10-60m",
        "10-60m",
        "1-6h",
        "6h+",
    ]
