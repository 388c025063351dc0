"""Alembic environment: migrations on the engine given by collector.adapters.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from collector.adapters.db.models import Base

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
