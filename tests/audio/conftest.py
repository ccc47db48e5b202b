from __future__ import annotations

import pytest

from audio.tracks import Guide
from content import Content, load_content


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def guide(content: Content, tmp_path_factory: pytest.TempPathFactory) -> Guide:
    return Guide(content, tmp_path_factory.mktemp("tracks"))
