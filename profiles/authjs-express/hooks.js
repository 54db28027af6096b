// Test-support endpoints, mounted only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets
// it). Auth.js's Credentials provider has no sign-up, and a JWT session has no store to
// make fail (the profile declares no [store_fault]: LO-09 is not run). Two capabilities:
//
// - POST /__conformance/users {email, password, name}: a user of the in-memory table the
//   Credentials provider's `authorize` reads (201; 409 when the e-mail exists). The
//   profile's [register] calls it.
// - POST /__conformance/expired-session: a session token sealed as Auth.js seals one
//   (its own `encode`, salted with the session cookie's name), whose `exp` passed an
//   hour ago.
import crypto from "node:crypto";

import { encode } from "@auth/core/jwt";
import express from "express";

/** The name of the session cookie on plain HTTP: Auth.js's JWT salt. */
const SESSION_COOKIE = "authjs.session-token";

export function install(app, { users, hash, auth }) {
  app.post("/__conformance/users", express.json(), async (req, res, next) => {
    try {
      const { email, password, name } = req.body ?? {};
      if (typeof email !== "string" || typeof password !== "string" || password.length < 8) {
        return res.status(400).json({ error: "email and a password of 8 characters are required" });
      }
      if (users.has(email)) return res.status(409).json({ error: "User already exists" });
      const salt = crypto.randomBytes(16).toString("hex");
      const user = { id: crypto.randomUUID(), email, name: name ?? "", salt, hash: await hash(password, salt) };
      users.set(email, user);
      return res.status(201).json({ user: { id: user.id, email, name: user.name } });
    } catch (e) {
      return next(e);
    }
  });

  app.post("/__conformance/expired-session", async (_req, res, next) => {
    try {
      const token = await encode({
        token: { name: "", email: "expired@example.com", sub: "expired" },
        secret: auth.secret,
        salt: SESSION_COOKIE,
        maxAge: -3600,
      });
      res.json({ token });
    } catch (e) {
      next(e);
    }
  });
}
