"""The smallest Flask-Security-Too application with its built-in JSON API.

Sign-up, login and logout are Flask-Security's own views (`POST /register`, `POST
/login`, `POST /logout`), configured as its "Working with Single Page Applications" note
sets them up: JSON in and out, CSRF protection for session-authenticated requests with
the token in an `XSRF-TOKEN` cookie that axios and Angular echo as `X-XSRF-Token`, the
unauthenticated endpoints (register, login) outside the CSRF check. Logout keeps
Flask-Security's default `SECURITY_LOGOUT_CSRF = False`: the stack ships its logout
without a CSRF check (so that a logout always succeeds), and that is what a team runs.

The session is Flask's own: a signed cookie, `session`, holding Flask-Login's user id
(the user's `fs_uniquifier`). Nothing of it is stored on the server: logout rewrites the
cookie without the user, but a copy of the old cookie stays valid until the user's
`fs_uniquifier` changes (a password change) or the cookie's signature ages past
`PERMANENT_SESSION_LIFETIME`. Users live in SQLite through Flask-SQLAlchemy, with
Flask-Security's own model mixins.

Settings beyond the SPA note, each for this loopback example: no e-mail (no mail server,
no confirmation, no deliverability look-up), `SameSite=Lax` on the session cookie as Flask's security page
recommends, no `Secure` (plain HTTP), and fast password hashing for the suite's ~50
throwaway users.
"""
import os

from flask import Flask, jsonify
from flask_security import (
    Security,
    SQLAlchemyUserDatastore,
    auth_required,
    current_user,
)
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

app = Flask(__name__)
app.config.update(
    SECRET_KEY="example-stack-only-this-is-not-a-secret",
    SECURITY_PASSWORD_SALT="example-stack-only-not-a-salt",
    SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.environ['STACK_DB']}",
    # A write waits up to 20 s for another instead of failing at once.
    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 20}},
    SESSION_COOKIE_SAMESITE="Lax",
    # Sign-up by e-mail and password; it logs the user in (no confirmation mail).
    SECURITY_REGISTERABLE=True,
    SECURITY_SEND_REGISTER_EMAIL=False,
    # No DNS look-up of each address's mail server (example.com publishes a null MX).
    SECURITY_EMAIL_VALIDATOR_ARGS={"check_deliverability": False},
    # Logout by POST only (Flask-Security 5's default, stated), answered in JSON.
    SECURITY_LOGOUT_METHODS=["POST"],
    # The SPA note: no flashing, redirects carry context, CSRF for session and basic
    # authentication, the token in the XSRF-TOKEN cookie, none needed to log in.
    SECURITY_FLASH_MESSAGES=False,
    SECURITY_REDIRECT_BEHAVIOR="spa",
    SECURITY_CSRF_PROTECT_MECHANISMS=["session", "basic"],
    SECURITY_CSRF_IGNORE_UNAUTH_ENDPOINTS=True,
    SECURITY_CSRF_COOKIE_NAME="XSRF-TOKEN",
    # Flask-Security's default cookie attributes but Secure (plain HTTP here).
    SECURITY_CSRF_COOKIE={"samesite": "Strict", "httponly": False, "secure": False},
    WTF_CSRF_CHECK_DEFAULT=False,
    WTF_CSRF_TIME_LIMIT=None,
    # Fast hashing: PBKDF2 (libpass needs no native backend for it) with few rounds.
    SECURITY_PASSWORD_HASH="pbkdf2_sha512",
    SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS={"pbkdf2_sha512__rounds": 1000},
)

db = SQLAlchemy(app)
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):
    pass


class User(db.Model, fsqla.FsUserMixin):
    pass


CSRFProtect(app)
security = Security(app, SQLAlchemyUserDatastore(db, User, Role))


@app.get("/api/me")
@auth_required("session")
def me():
    """The liveness probe: who is logged in; 401 in JSON for anyone else."""
    return jsonify(email=current_user.email)


@app.cli.command("create-db")
def create_db():
    """The tables, created once by start.sh before gunicorn forks its workers."""
    db.create_all()

# Test support (hooks.py), only when start.sh asks for it.
if os.environ.get("STACK_CONFORMANCE_HOOKS") == "1":
    import hooks

    hooks.install(app, db, security.datastore)
