"""Test-support endpoints, served only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets it):
the same capabilities the reference server's conformance hooks offer, so that the suite
can judge LO-09, LO-30 and LO-05's expired case here too. Nothing of fastapi-users changes.

- POST /__conformance/store/fail, /recover: every database statement fails (as when the
  database is down) until recovered. One uvicorn process: a flag in memory.
- POST /__conformance/expired-session: a throwaway user and an access token (the session
  cookie's value) created longer ago than the strategy's lifetime.
"""
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, FastAPI
from sqlalchemy import event
from sqlalchemy.exc import OperationalError


def install(app: FastAPI, engine, session_maker, user_model, token_model, lifetime: int) -> None:
    failing = {"on": False}

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def refuse(_conn, _cursor, statement, params, _context, _many):
        if failing["on"]:
            raise OperationalError(statement, params, Exception("the database is unavailable"))

    router = APIRouter(prefix="/__conformance")

    @router.post("/store/fail")
    async def store_fail():
        failing["on"] = True
        return {"storeFailing": True}

    @router.post("/store/recover")
    async def store_recover():
        failing["on"] = False
        return {"storeFailing": False}

    @router.post("/expired-session")
    async def expired_session():
        async with session_maker() as session:
            user = user_model(
                email=f"expired-{uuid.uuid4().hex}@example.com",
                hashed_password="unusable",
            )
            session.add(user)
            await session.flush()
            token = token_model(
                token=secrets.token_urlsafe(),
                user_id=user.id,
                created_at=datetime.now(timezone.utc) - timedelta(seconds=2 * lifetime),
            )
            session.add(token)
            await session.commit()
            return {"token": token.token}

    app.include_router(router)
