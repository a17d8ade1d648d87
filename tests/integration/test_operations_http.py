"""Operations and concurrency through the local server over HTTP."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from http_client import call
from samples import sample_body


def unique_request(name: str = "northwind") -> dict:
    return {**sample_body(name), "storeId": f"store-{uuid.uuid4().hex[:10]}"}


def test_fifty_identical_concurrent_requests_make_one_generation(local_url: str) -> None:
    request = unique_request()

    def post(_: int):  # type: ignore[no-untyped-def]
        return call("POST", f"{local_url}/api/email/generate", request, {"Prefer": "wait=25"})

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(post, range(50)))
    assert {reply.status for reply in replies} == {200}
    results = [reply.json() for reply in replies]
    assert len({result["jobId"] for result in results}) == 1  # one job, so one generation
    first = results[0]["emails"]
    assert all(result["emails"] == first for result in results)


def test_stats_have_the_original_shape_and_true_counts(
    local_url: str, admin_headers: dict[str, str]
) -> None:
    before = call("GET", f"{local_url}/api/email/stats", headers=admin_headers).json()["stats"]
    request = unique_request("pixelpet")
    call("POST", f"{local_url}/api/email/generate", request)
    call("POST", f"{local_url}/api/email/generate", request)
    reply = call("GET", f"{local_url}/api/email/stats", headers=admin_headers)
    assert reply.status == 200
    body = reply.json()
    assert body["success"] is True
    stats = body["stats"]
    assert set(stats) == {"timestamp", "store", "threadPool", "responseCache", "blockCache"}
    assert set(stats["store"]) == {"totalEntries", "maxEntries", "ttlMinutes"}
    assert set(stats["threadPool"]) == {
        "availableThreads",
        "activeThreads",
        "maxThreads",
        "utilization",
        "containers",
    }
    pools = stats["threadPool"]  # the workers' pools (here the one local worker), not idle
    assert pools["containers"] >= 1 and pools["maxThreads"] == 10 * pools["containers"]
    # other tests' jobs may still be running on this shared server: the figures must agree
    assert 0 <= pools["activeThreads"] <= pools["maxThreads"]
    assert pools["availableThreads"] == pools["maxThreads"] - pools["activeThreads"]
    assert set(stats["responseCache"]) == {
        "totalEntries",
        "maxEntries",
        "ttlMinutes",
        "hits",
        "misses",
        "hitRate",
        "maxTtlMinutes",
        "entriesByHits",
        "entriesByRemainingTtl",
        "lastHour",
    }
    assert set(stats["blockCache"]) == {
        "blockCount",
        "totalSize",
        "cacheSizeMB",
        "ttlMinutes",
        "initialized",
    }
    cache = stats["responseCache"]
    assert cache["misses"] == before["responseCache"]["misses"] + 1
    assert cache["hits"] == before["responseCache"]["hits"] + 1
    assert cache["totalEntries"] >= 1 and cache["maxEntries"] == 500 and cache["ttlMinutes"] == 10
    assert cache["maxTtlMinutes"] == 24 * 60
    assert sum(cache["entriesByHits"].values()) == cache["totalEntries"]
    assert sum(cache["entriesByRemainingTtl"].values()) == cache["totalEntries"]
    assert cache["lastHour"]["hits"] >= 1 and cache["lastHour"]["misses"] >= 1
    assert stats["store"]["totalEntries"] >= 1 and stats["store"]["ttlMinutes"] == 5
    assert stats["blockCache"]["initialized"] is True and stats["blockCache"]["blockCount"] > 0
    assert stats["blockCache"]["ttlMinutes"] is None  # shipped with the code: never stale


def test_clear_invalidates_cached_responses(local_url: str, admin_headers: dict[str, str]) -> None:
    request = unique_request("cedar")
    first = call("POST", f"{local_url}/api/email/generate", request).json()
    assert call("POST", f"{local_url}/api/email/generate", request).json()["cache"] == "hit"
    cleared = call("POST", f"{local_url}/api/email/cache/clear", headers=admin_headers).json()
    assert cleared["success"] is True and cleared["cleared"] >= 1
    after = call("POST", f"{local_url}/api/email/generate", request).json()
    assert after["cache"] == "miss" and after["jobId"] != first["jobId"]


def test_cleanup_reports_counts(local_url: str, admin_headers: dict[str, str]) -> None:
    reply = call("POST", f"{local_url}/api/email/cache/cleanup", headers=admin_headers)
    assert reply.status == 200
    report = reply.json()
    assert report["success"] is True and report["finished"] is True
    assert set(report["removed"]) == {"store", "cache", "counters"}
    assert report["scanned"] >= 1


def test_operations_are_never_anonymous(local_url: str) -> None:
    for method, path in (
        ("GET", "/api/email/stats"),
        ("POST", "/api/email/cache/clear"),
        ("POST", "/api/email/cache/cleanup"),
        ("POST", "/api/email/cache/warm"),
    ):
        anonymous = call(method, local_url + path)
        assert anonymous.status == 401 and anonymous.json()["error"]["code"] == "unauthorized"
        wrong = call(method, local_url + path, headers={"Authorization": "Bearer nope"})
        assert wrong.status == 403
