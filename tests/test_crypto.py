"""Health data encrypted at rest: round trip, nothing readable in the database file, a wrong or
missing key refused, rotation, the migration of plain rows, private files, secure deletion."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.connection import make_engine, make_transaction_factory
from db.crypto import DataKeyError, DataKeys, EncryptedText, read_or_create_key_file
from db.keys import check_keys, encrypted_columns, rotate_keys
from db.migrate import alembic_config, upgrade_to_head
from db.models import ExercisePain, PainRating, PegScore, User, utcnow
from tests.conftest import TEST_DATA_KEY, TEST_DATA_KEY_2

MARKER = "zq-marker-lower-back-8841"  # a "where it hurts" no page of the file may show
HURT_MARKER = "zq_marker_exercise_5512"  # an exercise that hurt, likewise


async def open_database(path: Path, keys: DataKeys | None) -> AsyncEngine:
    engine = make_engine(f"sqlite+aiosqlite:///{path}", path, keys=keys)
    await upgrade_to_head(engine)
    return engine


async def store_rating(engine: AsyncEngine, value: int, detail: str) -> None:
    async with make_transaction_factory(engine)() as tx:
        await check_keys(tx, getattr(engine.dialect, "backcare_data_keys", None))
        tx.add(User(id=1, language="en", consent_at=utcnow()))
        await tx.flush()
        tx.add(PainRating(user_id=1, kind="report", value=value, detail=detail))
        await tx.commit()


async def raw_values(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT value, detail FROM pain_ratings"))
        return [(str(value), str(detail)) for value, detail in rows]


async def test_a_value_comes_back_as_written_and_the_file_never_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 7, MARKER)
    async with make_transaction_factory(engine)() as tx:
        row = (await tx.scalars(select(PainRating))).one()
    assert (row.value, row.detail) == (7, MARKER)
    [(value, detail)] = await raw_values(engine)
    assert value != "7" and value.startswith("gAAAA") and detail.startswith("gAAAA")
    await engine.dispose()  # checkpoints the WAL into the file
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("b.db"))
    assert MARKER.encode() not in written
    assert b"lower-back" not in written


async def test_a_wrong_or_missing_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 4, "neck")
    await engine.dispose()
    for keys, says in (
        (DataKeys([TEST_DATA_KEY_2]), "DATA_KEY does not open this database"),
        (None, "DATA_KEY is not set, and this database holds encrypted health data"),
    ):
        engine = await open_database(path, keys)
        async with make_transaction_factory(engine)() as tx:
            with pytest.raises(DataKeyError, match=says):
                await check_keys(tx, keys)
        await engine.dispose()
    # Even past the check, a value never comes back misread: it is refused.
    engine = await open_database(path, DataKeys([TEST_DATA_KEY_2]))
    async with make_transaction_factory(engine)() as tx:
        with pytest.raises(DataKeyError):
            await tx.scalars(select(PainRating.detail))
    await engine.dispose()


async def test_rotation_re_encrypts_under_the_new_key(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 9, MARKER)
    before = await raw_values(engine)
    await engine.dispose()

    both = DataKeys([TEST_DATA_KEY_2, TEST_DATA_KEY])  # the new key first, the old one after
    engine = await open_database(path, both)
    async with make_transaction_factory(engine)() as tx:
        assert (await check_keys(tx, both)).rotation_due
        assert await rotate_keys(tx, both) == 2  # value and detail
        await tx.commit()
    after = await raw_values(engine)
    await engine.dispose()
    assert after != before
    new_only, old_only = DataKeys([TEST_DATA_KEY_2]), DataKeys([TEST_DATA_KEY])
    [(value, detail)] = after
    assert (new_only.decrypt(value), new_only.decrypt(detail)) == ("9", MARKER)
    with pytest.raises(DataKeyError):
        old_only.decrypt(detail)
    engine = await open_database(path, new_only)  # the old key may now go
    async with make_transaction_factory(engine)() as tx:
        assert not (await check_keys(tx, new_only)).rotation_due
        assert (await tx.scalars(select(PainRating.value))).one() == 9
    await engine.dispose()


def test_every_health_column_is_encrypted() -> None:
    found = {(table.name, column.name) for table, column in encrypted_columns()}
    assert found == {
        ("pain_ratings", "value"),
        ("pain_ratings", "detail"),
        ("pain_ratings", "said"),
        ("peg_scores", "pain"),
        ("peg_scores", "enjoyment"),
        ("peg_scores", "activity"),
        ("exercise_pain", "exercise_id"),
        ("exercise_pain", "change"),
    }
    assert all(isinstance(c.type, EncryptedText) for _, c in encrypted_columns())


async def test_the_migration_encrypts_existing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"

    def to_0007(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")

    plain = make_engine(f"sqlite+aiosqlite:///{path}", path)
    async with plain.begin() as connection:
        await connection.run_sync(to_0007)
        await connection.execute(
            text(
                "INSERT INTO users (id, language, reminders_paused, created_at, updated_at, "
                "last_seen_at, next_day_checks) VALUES (1, 'en', 0, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO pain_ratings (user_id, kind, value, detail, at) VALUES "
                f"(1, 'report', 6, '{MARKER}', '2026-01-01 00:00:00'), "
                "(1, 'checkin', 3, NULL, '2026-01-01 00:00:00')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO peg_scores (user_id, pain, enjoyment, activity, at) VALUES "
                "(1, 7, 5, 3, '2026-01-01 00:00:00')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO exercise_pain (user_id, exercise_id, change, at) VALUES "
                f"(1, '{HURT_MARKER}', 'easier', '2026-01-01 00:00:00')"
            )
        )
    with pytest.raises(DataKeyError, match="stored health values are to be encrypted"):
        await upgrade_to_head(plain)  # no key: refused, nothing changed
    await plain.dispose()

    keys = DataKeys([TEST_DATA_KEY])
    engine = await open_database(path, keys)
    raw = await raw_values(engine)
    assert all(v.startswith("gAAAA") for v, _ in raw) and MARKER not in str(raw)
    async with make_transaction_factory(engine)() as tx:
        assert not (await check_keys(tx, keys)).created  # the migration wrote it
        rows = (await tx.execute(select(PainRating.value, PainRating.detail))).all()
    assert sorted(rows, key=str) == sorted([(6, MARKER), (3, None)], key=str)
    async with engine.connect() as connection:
        raw_peg = (
            await connection.execute(text("SELECT pain, enjoyment, activity FROM peg_scores"))
        ).one()
        raw_hurt = (
            await connection.execute(text("SELECT exercise_id, change FROM exercise_pain"))
        ).one()
    assert all(str(value).startswith("gAAAA") for value in (*raw_peg, *raw_hurt))
    async with make_transaction_factory(engine)() as tx:
        peg = (await tx.scalars(select(PegScore))).one()
        hurt = (await tx.scalars(select(ExercisePain))).one()
    assert (peg.pain, peg.enjoyment, peg.activity) == (7, 5, 3)
    assert (hurt.exercise_id, hurt.change) == (HURT_MARKER, "easier")
    await engine.dispose()


async def test_weekly_answers_and_the_exercise_that_hurt_never_show_in_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 7, MARKER)
    async with make_transaction_factory(engine)() as tx:
        tx.add(PegScore(user_id=1, pain=9, enjoyment=8, activity=6))
        tx.add(ExercisePain(user_id=1, exercise_id=HURT_MARKER, change="left_out"))
        await tx.commit()
    async with make_transaction_factory(engine)() as tx:
        peg = (await tx.scalars(select(PegScore))).one()
        assert (peg.pain, peg.enjoyment, peg.activity) == (9, 8, 6)
    await engine.dispose()
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("b.db"))
    assert HURT_MARKER.encode() not in written and b"left_out" not in written


async def test_the_database_is_private_and_deletes_securely(tmp_path: Path) -> None:
    path = tmp_path / "data" / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA secure_delete"))).scalar() == 1
    await store_rating(engine, 5, "neck")
    for name in ("b.db", "b.db-wal"):
        assert stat.S_IMODE((path.parent / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    await engine.dispose()


def test_the_local_key_file_is_made_once_and_private(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "data.key"
    key = read_or_create_key_file(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert read_or_create_key_file(key_file) == key
    assert DataKeys.parse(key).decrypt(DataKeys.parse(key).encrypt("x")) == "x"


def test_new_key_works_before_there_is_a_key(monkeypatch, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import bot

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz0123")
    monkeypatch.delenv("DATA_KEY", raising=False)
    assert bot.main(["new-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert DataKeys.parse(key).decrypt(DataKeys.parse(key).encrypt("x")) == "x"


async def test_the_migration_downgrades_to_plain_values(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    engine = await open_database(path, DataKeys([TEST_DATA_KEY]))
    await store_rating(engine, 6, MARKER)
    async with make_transaction_factory(engine)() as tx:
        tx.add(PegScore(user_id=1, pain=4, enjoyment=3, activity=2))
        tx.add(ExercisePain(user_id=1, exercise_id=HURT_MARKER, change="easier"))
        await tx.commit()

    def to_0007(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")

    async with engine.begin() as connection:
        await connection.run_sync(to_0007)
        rating = (await connection.execute(text("SELECT value, detail FROM pain_ratings"))).one()
        peg = (
            await connection.execute(text("SELECT pain, enjoyment, activity FROM peg_scores"))
        ).one()
        hurt = (
            await connection.execute(text("SELECT exercise_id, change FROM exercise_pain"))
        ).one()
    await engine.dispose()
    assert tuple(rating) == (6, MARKER)
    assert tuple(peg) == (4, 3, 2)
    assert tuple(hurt) == (HURT_MARKER, "easier")
