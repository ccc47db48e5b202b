"""The Mini App's stored answers looked up by (user id, key) pairs: exactly the pairs asked for,
never one user's key under another user (SQLite here; tests/postgres runs the same on
PostgreSQL)."""

from __future__ import annotations

from db.app_answers import answers_of, keep_answers
from db.connection import make_engine, make_transaction_factory
from db.migrate import upgrade_to_head
from db.models import User


async def check_pairs(url: str, first_id: int) -> None:
    engine = make_engine(url)
    try:
        await upgrade_to_head(engine)
        one, two, three = first_id, first_id + 1, first_id + 2
        factory = make_transaction_factory(engine)
        async with factory.begin() as tx:
            tx.add_all(User(id=uid, language="en") for uid in (one, two, three))
        async with factory.begin() as tx:
            kept = {(one, "a"): '{"n": 1}', (two, "b"): '{"n": 2}', (two, "a"): '{"n": 3}'}
            assert await keep_answers(tx, kept) == kept
        async with factory() as tx:
            # One's "b" and three's "a" exist only under another user: not found.
            asked = {(one, "a"), (one, "b"), (three, "a"), (two, "b"), (two, "c")}
            assert await answers_of(tx, asked) == {(one, "a"): '{"n": 1}', (two, "b"): '{"n": 2}'}
            assert await answers_of(tx, set()) == {}
        async with factory.begin() as tx:  # a key stored meanwhile keeps its first answer
            again = {(two, "b"): '{"n": 9}', (three, "a"): '{"n": 4}'}
            assert await keep_answers(tx, again) == {
                (two, "b"): '{"n": 2}',
                (three, "a"): '{"n": 4}',
            }
    finally:
        await engine.dispose()


async def test_answers_are_found_by_exact_pairs(database_url: str) -> None:
    await check_pairs(database_url, 900)
