// Express with Auth.js (@auth/express) and the Credentials provider, as its documentation
// sets it up: everything under /auth is Auth.js's own routes. Logout is Auth.js's
// sign-out: a form-encoded `POST /auth/signout` carrying the `csrfToken` that
// `GET /auth/csrf` hands out (and sets, hashed, in the `authjs.csrf-token` cookie: a
// double submit), answered with a redirect (302 to the callback URL; a JSON `{url}` with
// `X-Auth-Return-Redirect: 1`). Without a verified token the sign-out is refused with a
// redirect to `/auth/error?error=MissingCSRF`.
//
// The session strategy is Auth.js's default for Credentials, "jwt": the session is an
// encrypted JWT (JWE) in the `authjs.session-token` cookie, split over
// `authjs.session-token.0`, `.1`, … when it outgrows 4 KB. The server keeps nothing: the
// sign-out clears the cookie, and a copy taken before it stays valid until it expires —
// a negative control for revocation (LO-04 must fail here).
//
// Credentials has no sign-up: users live in this process's memory, created through the
// test-support hooks (hooks.js, only with STACK_CONFORMANCE_HOOKS=1). One instance.
import crypto from "node:crypto";
import { promisify } from "node:util";

import { ExpressAuth } from "@auth/express";
import Credentials from "@auth/express/providers/credentials";
import cors from "cors";
import express from "express";

const port = Number(process.env.PORT);
const scrypt = promisify(crypto.scrypt);

/** The users, by e-mail: `{ id, email, name, salt, hash }`. */
export const users = new Map();
export const hash = async (password, salt) => (await scrypt(password, salt, 32)).toString("hex");

/** The Auth.js configuration; hooks.js reads its secret to seal an expired session. */
export const AUTH = {
  // At least 32 characters; a deployment reads AUTH_SECRET from its secrets.
  secret: "example-stack-only-not-a-secret-0123456789",
  // Behind no proxy, on loopback: the Host header is the URL (AUTH_TRUST_HOST).
  trustHost: true,
  session: { strategy: "jwt" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials) {
        const user = users.get(credentials?.email);
        const password = credentials?.password;
        if (!user || typeof password !== "string") return null;
        const given = Buffer.from(await hash(password, user.salt), "hex");
        if (!crypto.timingSafeEqual(given, Buffer.from(user.hash, "hex"))) return null;
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
};

const app = express();
app.set("trust proxy", true);
app.use(cors({ origin: "http://localhost:5173", credentials: true }));

if (process.env.STACK_CONFORMANCE_HOOKS === "1") {
  const { install } = await import("./hooks.js");
  install(app, { users, hash, auth: AUTH });
}

// Auth.js's routes: /auth/csrf, /auth/session, /auth/callback/credentials,
// /auth/signout, … (its basePath is the mount path).
app.use("/auth", ExpressAuth(AUTH));

app.listen(port, "127.0.0.1");
