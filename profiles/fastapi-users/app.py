"""The smallest fastapi-users application with its cookie transport.

The strategy is the database one (access tokens in SQLite): logout deletes the token, so
it ends the session on the server. The JWT strategy cannot revoke anything on logout —
fastapi-users only clears the cookie — which is the first thing a team asking "does our
logout end the session?" would rule out. Everything else is the library's documented
setup (its SQLAlchemy example), with two settings for a plain-HTTP loopback deployment:
`cookie_secure=False` (no TLS here) and fast password hashing for the throwaway users;
and CORS for a browser app on another origin, as a single-page front end needs.
"""
import os
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_users import BaseUserManager, FastAPIUsers, UUIDIDMixin, schemas
from fastapi_users.authentication import AuthenticationBackend, CookieTransport
from fastapi_users.authentication.strategy.db import (
    AccessTokenDatabase,
    DatabaseStrategy,
)
from fastapi_users.password import PasswordHelper
from fastapi_users_db_sqlalchemy import SQLAlchemyBaseUserTableUUID, SQLAlchemyUserDatabase
from fastapi_users_db_sqlalchemy.access_token import (
    SQLAlchemyAccessTokenDatabase,
    SQLAlchemyBaseAccessTokenTableUUID,
)
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

DATABASE_URL = f"sqlite+aiosqlite:///{os.environ['STACK_DB']}"


class Base(DeclarativeBase):
    pass


class User(SQLAlchemyBaseUserTableUUID, Base):
    pass


class AccessToken(SQLAlchemyBaseAccessTokenTableUUID, Base):
    pass


class UserRead(schemas.BaseUser[uuid.UUID]):
    pass


class UserCreate(schemas.BaseUserCreate):
    pass


engine = create_async_engine(DATABASE_URL, connect_args={"timeout": 20})
session_maker = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncGenerator[AsyncSession, None]:
    async with session_maker() as session:
        yield session


async def get_user_db(session: AsyncSession = Depends(get_session)):
    yield SQLAlchemyUserDatabase(session, User)


async def get_access_token_db(session: AsyncSession = Depends(get_session)):
    yield SQLAlchemyAccessTokenDatabase(session, AccessToken)


# Argon2 with a small cost: the suite registers about 50 users.
FAST_HASH = PasswordHelper(PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192),)))


class UserManager(UUIDIDMixin, BaseUserManager[User, uuid.UUID]):
    reset_password_token_secret = "example-stack-only-not-a-secret"
    verification_token_secret = "example-stack-only-not-a-secret"


async def get_user_manager(user_db=Depends(get_user_db)):
    yield UserManager(user_db, FAST_HASH)


def get_database_strategy(
    access_token_db: AccessTokenDatabase[AccessToken] = Depends(get_access_token_db),
) -> DatabaseStrategy:
    return DatabaseStrategy(access_token_db, lifetime_seconds=LIFETIME)


LIFETIME = 3600

cookie_backend = AuthenticationBackend(
    name="cookie",
    transport=CookieTransport(cookie_max_age=LIFETIME, cookie_secure=False),
    get_strategy=get_database_strategy,
)

fastapi_users = FastAPIUsers[User, uuid.UUID](get_user_manager, [cookie_backend])


@asynccontextmanager
async def lifespan(_app: FastAPI):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield


app = FastAPI(lifespan=lifespan)
app.include_router(fastapi_users.get_auth_router(cookie_backend), prefix="/auth/cookie", tags=["auth"])
app.include_router(fastapi_users.get_register_router(UserRead, UserCreate), prefix="/auth", tags=["auth"])
app.include_router(fastapi_users.get_users_router(UserRead, schemas.BaseUserUpdate), prefix="/users", tags=["users"])
app.add_middleware(
    CORSMiddleware,
    allow_origins=["http://localhost:5173"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

# Test support (hooks.py), only when start.sh asks for it.
if os.environ.get("STACK_CONFORMANCE_HOOKS") == "1":
    import hooks

    hooks.install(app, engine, session_maker, User, AccessToken, LIFETIME)
