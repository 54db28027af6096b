"""Test-support endpoints, served only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets it):
the capabilities the reference server's conformance hooks offer, so that the suite can
judge LO-09, LO-30 and LO-05's expired case here too. Nothing of Flask-Security changes.

- POST /__conformance/store/fail, /recover: every database statement fails (as when the
  database is down) until recovered. A flag file beside the database, since gunicorn's
  workers are processes.
- POST /__conformance/expired-session: a throwaway user's session cookie as login would
  have written it, signed longer ago than `PERMANENT_SESSION_LIFETIME`: Flask's session
  interface refuses a signature that old, so the cookie is an expired session. (The
  session lives in the cookie; there is nothing on the server to expire.)
"""
import time
import uuid
from pathlib import Path

from flask import Flask, has_request_context, jsonify, request
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import event
from sqlalchemy.exc import OperationalError


def install(app: Flask, db, datastore) -> None:
    with app.app_context():
        engine = db.engine
    flag = Path(engine.url.database).with_name("store-fault")

    @event.listens_for(engine, "before_cursor_execute")
    def refuse(_conn, _cursor, statement, params, _context, _many):
        if flag.exists() and has_request_context() and not request.path.startswith("/__conformance/"):
            raise OperationalError(statement, params, Exception("the database is unavailable"))

    @app.post("/__conformance/store/fail")
    def store_fail():
        flag.touch()
        return jsonify(storeFailing=True)

    @app.post("/__conformance/store/recover")
    def store_recover():
        flag.unlink(missing_ok=True)
        return jsonify(storeFailing=False)

    @app.post("/__conformance/expired-session")
    def expired_session():
        user = datastore.create_user(
            email=f"expired-{uuid.uuid4().hex}@example.com", password=None
        )
        datastore.commit()
        # What Flask-Login and Flask-Security put in the session at login.
        data = {
            "_user_id": user.fs_uniquifier,
            "_fresh": True,
            "fs_paa": time.time(),
        }
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        return jsonify(session=_signed_long_ago(app, data, 2 * lifetime))

    for view in (store_fail, store_recover, expired_session):
        app.extensions["csrf"].exempt(view)


def _signed_long_ago(app: Flask, data: dict, age: int) -> str:
    """`data` serialized exactly as Flask's session interface does, its signature's
    timestamp `age` seconds in the past."""

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    iface = app.session_interface
    serializer = URLSafeTimedSerializer(
        app.secret_key,
        salt=iface.salt,
        serializer=iface.serializer,
        signer=LongAgo,
        signer_kwargs={"key_derivation": iface.key_derivation, "digest_method": iface.digest_method},
    )
    return serializer.dumps(dict(data))
