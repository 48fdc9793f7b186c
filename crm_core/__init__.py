"""crm_core: everything the call centre persists, and the only package that speaks SQL.

Owns the SQLAlchemy models (``crm_core.models``, internal), the one Alembic migration chain
(``crm_core/migrations``), phone-number normalisation, ANI matching and the async query
functions other packages call. It must not import any sibling package, do telephony or HTTP.

Conventions every query module follows:

* Query functions take an ``AsyncSession`` and never commit: the caller owns the transaction
  (``async with sessionmaker.begin() as session: ...``), so several calls can form one unit of
  work. They may ``flush`` to learn generated ids. Keep transactions short: on SQLite each
  read-write transaction holds the database's single write lock from its first statement
  (``BEGIN IMMEDIATE``, see ``crm_core.db``); others wait up to the 5 s busy timeout.
* They return frozen dataclasses; ORM objects never leave this package.
* Timestamps are timezone-aware UTC datetimes supplied by the caller (the daemon's clock runs
  on virtual time in tests); naive datetimes are refused when written.
* Requests from people that break a rule raise a subclass of ``crm_core.errors.CrmError``.
"""
