"""The IVR's directory over the CRM: a CRM failure never ends a call, it reads as unknown."""

from pathlib import Path

import pytest

from callcenter.directory import CrmDirectory
from crm_core.db import make_engine, make_sessionmaker


async def test_a_crm_without_its_tables_reads_as_unverified_and_no_status(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")  # never migrated
    try:
        directory = CrmDirectory(make_sessionmaker(engine, read_only=True))
        assert await directory.verify_account("100234") is False
        assert await directory.request_status("10023") is None
    finally:
        await engine.dispose()
    assert "could not verify account '100234'" in caplog.text
    assert "could not read request '10023'" in caplog.text


async def test_junk_digits_run_no_query(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        directory = CrmDirectory(make_sessionmaker(engine))
        assert await directory.verify_account("12*4") is False
        assert await directory.request_status("9" * 13) is None
    finally:
        await engine.dispose()
