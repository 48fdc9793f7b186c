"""crm_core's one Alembic migration chain (env.py, versions/); run it with crm_core.db.upgrade."""
