"""Template facts the code and operators rely on (read straight from template.yaml)."""

from __future__ import annotations

import json
import re

from sbemail.local.embedded import read_template, redrive_receives, table_definition

from samples import ROOT

TEMPLATE = read_template(ROOT / "template.yaml")
RESOURCES = TEMPLATE["Resources"]


def test_the_table_is_keyed_on_pk_with_ttl_on_expires_at() -> None:
    table = table_definition(TEMPLATE)
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["TimeToLiveAttribute"] == "expires_at"
    assert RESOURCES["Table"]["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


def test_queue_redrives_after_three_receives_and_outlasts_the_worker() -> None:
    assert redrive_receives(TEMPLATE) == 3
    env = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert int(env["MAX_RECEIVE_COUNT"]) == 3
    visibility = RESOURCES["JobQueue"]["Properties"]["VisibilityTimeout"]
    assert visibility >= 6 * RESOURCES["WorkerFunction"]["Properties"]["Timeout"]


def test_the_worker_reports_partial_batch_failures_with_bounded_concurrency() -> None:
    event = RESOURCES["WorkerFunction"]["Properties"]["Events"]["Jobs"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "MaximumConcurrency" in event["ScalingConfig"]


def test_the_openai_key_is_never_a_plain_environment_variable() -> None:
    env = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert "OPENAI_API_KEY" not in env
    assert "OPENAI_API_KEY_PARAMETER" in env


def test_original_knobs_are_parameters_with_their_defaults() -> None:
    parameters = TEMPLATE["Parameters"]
    defaults = {name: parameters[name]["Default"] for name in parameters}
    assert defaults["StoreTtlMinutes"] == 5
    assert defaults["CacheTtlMinutes"] == 10
    assert defaults["CacheMaxEntries"] == 500
    assert defaults["StoreMaxEntries"] == 1000
    assert defaults["SessionPoolSize"] == 10
    assert defaults["DefaultVariants"] == 3
    assert defaults["CleanupSchedule"] == "rate(15 minutes)"


def test_the_dashboard_body_is_valid_json() -> None:
    body = RESOURCES["Dashboard"]["Properties"]["DashboardBody"]
    rendered = re.sub(r"\$\{[^}]+\}", "x", body)
    widgets = json.loads(rendered)["widgets"]
    assert len(widgets) >= 4
