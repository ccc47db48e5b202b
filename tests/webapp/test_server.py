"""The Mini App's HTTP face: launch data required, CSP everywhere, idempotent posts."""

from __future__ import annotations

import itertools
import json
import logging
import time

import pytest
from aiohttp.test_utils import TestClient

from tests.webapp.conftest import auth, signed
from webapp.backend import GateKind
from webapp.fake import FakeBackend
from webapp.server import CSP


@pytest.mark.parametrize(
    "header",
    [
        None,
        "tma ",
        "Bearer " + signed(7),
        "tma " + signed(7).replace("7", "8", 1),
        "tma " + signed(7, token="43:OTHER"),
        "tma " + signed(7, signed_at=time.time() - 2 * 24 * 3600),
    ],
    ids=["missing", "empty", "other-scheme", "forged", "other-bot", "stale"],
)
async def test_api_refuses_bad_launch_data_with_no_detail(
    client: TestClient, header: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    with caplog.at_level(logging.WARNING, logger="webapp.server"):
        response = await client.get("/api/home", headers=headers)
        post = await client.post("/api/start", json={"key": "k" * 12}, headers=headers)
    assert response.status == 401 and post.status == 401
    assert await response.text() == ""
    assert response.headers["Content-Security-Policy"] == CSP
    logged = caplog.text
    assert "refused" in logged
    if header and " " in header and header.split(" ", 1)[1]:
        assert header.split(" ", 1)[1] not in logged
        assert "hash=" not in logged


async def test_every_response_has_the_csp_and_the_page_embeds_its_words(client: TestClient) -> None:
    for path in ("/", "/static/app.js", "/static/style.css", "/media/cat_cow.png", "/nope"):
        response = await client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
    page = await (await client.get("/")).text()
    assert "'self'" in CSP and "https://telegram.org" in CSP
    texts = json.loads(page.split('id="texts">')[1].split("</script>")[0])
    assert texts["languages"]["ru"]["hurts"] == "🛑 Больно"
    assert "Stop the exercise now" in texts["languages"]["en"]["stop_warning"]
    assert set(texts["languages"]["ru"]["sessions"]) == {"one", "few", "many", "other"}


async def test_media_is_served_only_by_its_plain_name(client: TestClient) -> None:
    assert (await client.get("/media/cat_cow.png")).status == 200
    assert (await client.get("/media/..%2Fexercises%2Fbreathing.yaml")).status == 404
    assert (await client.get("/media/breathing.yaml")).status == 404


async def test_a_repeated_post_answers_the_same_and_changes_nothing(
    client: TestClient, backend: FakeBackend
) -> None:
    started = await (
        await client.post("/api/start", json={"key": "start-0001"}, headers=auth(7))
    ).json()
    again = await (
        await client.post("/api/start", json={"key": "start-0001"}, headers=auth(7))
    ).json()
    assert started == again and started["session"] == 1
    assert backend.applied["start"] == 1 and backend.repeated["start"] == 1
    body = {"key": "point-0001", "session": 1, "beat": 5, "marks": "d---"}
    first = await (await client.post("/api/checkpoint", json=body, headers=auth(7))).json()
    second = await client.post("/api/checkpoint", json={**body, "beat": 9}, headers=auth(7))
    assert first == await second.json() == {"session": 1, "beat": 5, "status": "running"}
    assert backend.applied["checkpoint"] == 1 and backend.sessions[1].beat == 5
    backwards = {"key": "point-0002", "session": 1, "beat": 3, "marks": "----"}
    assert (await (await client.post("/api/checkpoint", json=backwards, headers=auth(7))).json())[
        "beat"
    ] == 5
    finish = {
        "key": "finish-001",
        "session": 1,
        "beat": 49,
        "marks": "dddd",
        "outcome": "completed",
    }
    done = await (await client.post("/api/finish", json=finish, headers=auth(7))).json()
    assert done["status"] == "completed" and done["done"] == 4
    late = {"key": "point-0003", "session": 1, "beat": 20, "marks": "dd--"}
    assert (await (await client.post("/api/checkpoint", json=late, headers=auth(7))).json())[
        "status"
    ] == "completed"
    assert backend.applied["finish"] == 1 and backend.sessions[1].marks == "dddd"


async def test_another_persons_session_is_not_found(client: TestClient) -> None:
    await client.post("/api/start", json={"key": "start-0001"}, headers=auth(7))
    body = {"key": "point-0001", "session": 1, "beat": 5, "marks": "d---"}
    assert (await client.post("/api/checkpoint", json=body, headers=auth(8))).status == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"key": "short"},
        {"key": "k" * 12, "session": "1", "beat": 1, "marks": "----"},
        {"key": "k" * 12, "session": 1, "beat": -1, "marks": "----"},
        {"key": "k" * 12, "session": 1, "beat": 1, "marks": "<b>"},
    ],
)
async def test_malformed_posts_are_refused(client: TestClient, body: dict[str, object]) -> None:
    assert (await client.post("/api/checkpoint", json=body, headers=auth(7))).status == 400


async def test_the_gate_decides_before_a_session(client: TestClient, backend: FakeBackend) -> None:
    backend.gates[7] = GateKind.HOLD
    answer = await (
        await client.post("/api/start", json={"key": "start-0001"}, headers=auth(7))
    ).json()
    assert (
        answer["session"] is None and answer["gate"]["kind"] == "hold" and answer["gate"]["advice"]
    )
    assert backend.applied["start"] == 0


async def test_progress_takes_7_30_or_90_days(client: TestClient) -> None:
    for days in (7, 30, 90):
        answer = await (await client.get(f"/api/progress?days={days}", headers=auth(7))).json()
        assert answer["days"] == days
    assert (await client.get("/api/progress?days=8", headers=auth(7))).status == 400


async def test_the_plan_is_the_chat_sessions_timeline(client: TestClient) -> None:
    gate = await (await client.get("/api/plan", headers=auth(7))).json()
    beats = gate["plan"]["beats"]
    assert beats[0]["kind"] == "intro" and beats[-1]["kind"] == "done"
    assert all(b["at"] <= a["at"] for b, a in itertools.pairwise(beats))


async def test_it_hurts_ends_the_session_once_and_works_without_one(
    client: TestClient, backend: FakeBackend
) -> None:
    await client.post("/api/start", json={"key": "start-0001"}, headers=auth(7))
    body = {"key": "hurt-00001", "session": 1, "beat": 7, "marks": "dh--"}
    first = await (await client.post("/api/hurt", json=body, headers=auth(7))).json()
    again = await (await client.post("/api/hurt", json=body, headers=auth(7))).json()
    assert first == again == {"session": 1, "follow_up": "chat"}
    assert backend.applied["hurt"] == 1 and backend.sessions[1].status == "hurt"
    assert backend.sessions[1].marks == "dh--"
    alone = {"key": "hurt-00002", "session": None, "beat": 0, "marks": ""}
    assert (await client.post("/api/hurt", json=alone, headers=auth(7))).status == 200
    assert backend.applied["hurt"] == 2
    no_marks = {"key": "hurt-00003", "session": None, "beat": 0}
    assert (await client.post("/api/hurt", json=no_marks, headers=auth(7))).status == 400


async def test_only_answers_worth_it_are_compressed(client: TestClient) -> None:
    """A browser accepts gzip and deflate: the plan (~27 KB) is compressed; a checkpoint's
    answer (~50 bytes) goes as it is (compressing it cost more CPU than sending it)."""
    browser = {**auth(7), "Accept-Encoding": "gzip, deflate, br"}
    plan = await client.get("/api/plan", headers=browser)
    assert plan.headers.get("Content-Encoding") in ("gzip", "deflate")
    start = await (
        await client.post("/api/start", json={"key": "k" * 12, "rating": 2}, headers=browser)
    ).json()
    body = {"key": "c" * 12, "session": start["session"], "beat": 1, "marks": "-"}
    checkpoint = await client.post("/api/checkpoint", json=body, headers=browser)
    assert checkpoint.status == 200
    assert "Content-Encoding" not in checkpoint.headers
    assert (await checkpoint.json())["beat"] == 1
