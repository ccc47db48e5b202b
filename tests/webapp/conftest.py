"""The Mini App served by aiohttp with the in-memory backend, and signed launch data."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from content import Content, load_content
from webapp.auth import launch_data
from webapp.fake import FakeBackend
from webapp.server import AppConfig, create_app

TOKEN = "42:TEST-miniapp"
SCALE = 0.05  # the quick routine in about 18 s


@pytest.fixture(scope="session")
def app_content() -> Content:
    return load_content()


@pytest.fixture
def backend(app_content: Content) -> FakeBackend:
    return FakeBackend(app_content, scale=SCALE)


@pytest.fixture
async def client(backend: FakeBackend, app_content: Content) -> AsyncIterator[TestClient]:
    app = create_app(backend, AppConfig(token=TOKEN, content=app_content))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def signed(user_id: int, *, signed_at: float | None = None, token: str = TOKEN) -> str:
    """Launch data for a user, as Telegram signs it."""
    moment = time.time() if signed_at is None else signed_at
    return launch_data(user_id, token, clock=lambda: moment)


def auth(user_id: int) -> dict[str, str]:
    return {"Authorization": "tma " + signed(user_id)}
