// Express with iron-session: the session is sealed (encrypted and signed) into its own
// cookie and the server keeps nothing. Logout is the library's session.destroy(): the
// cookie is overwritten with an empty value and Max-Age=0. A copy of the sealed cookie
// taken before the logout stays valid until its ttl, because there is nothing on the
// server to delete — the negative control for revocation (LO-04 must fail here).
//
// The routes answer the API family's documented contract. Users live in this process's
// memory (one instance). Test support (hooks.js) only with STACK_CONFORMANCE_HOOKS=1.
import crypto from "node:crypto";
import { promisify } from "node:util";

import cors from "cors";
import express from "express";
import { getIronSession } from "iron-session";

const port = Number(process.env.PORT);
const scrypt = promisify(crypto.scrypt);

export const SESSION = {
  cookieName: "session",
  // At least 32 characters; a deployment reads it from its secrets.
  password: "example-stack-only-not-a-secret-0123456789",
  // Loopback HTTP: no Secure. iron-session's defaults otherwise (HttpOnly, SameSite=Lax,
  // Path=/, 14 days).
  cookieOptions: { secure: false },
};

const users = new Map();
const hash = async (password, salt) => (await scrypt(password, salt, 32)).toString("hex");
const publicUser = (u) => ({ id: u.id, email: u.email, name: u.name });

const app = express();
app.use(cors({ origin: "http://localhost:5173", credentials: true }));
app.use(express.json());

if (process.env.STACK_CONFORMANCE_HOOKS === "1") {
  const { install } = await import("./hooks.js");
  install(app, SESSION);
}

app.post("/auth/register", async (req, res, next) => {
  try {
    const { email, password, name } = req.body ?? {};
    if (typeof email !== "string" || typeof password !== "string" || password.length < 8) {
      return res.status(400).json({ error: "email and a password of 8 characters are required" });
    }
    if (users.has(email)) return res.status(409).json({ error: "User already exists" });
    const salt = crypto.randomBytes(16).toString("hex");
    const user = { id: crypto.randomUUID(), email, name: name ?? "", salt, hash: await hash(password, salt) };
    users.set(email, user);
    return res.status(201).json({ user: publicUser(user) });
  } catch (e) {
    return next(e);
  }
});

app.post("/auth/login", async (req, res, next) => {
  try {
    const { email, password } = req.body ?? {};
    const user = users.get(email);
    const ok =
      user &&
      typeof password === "string" &&
      crypto.timingSafeEqual(Buffer.from(await hash(password, user.salt), "hex"), Buffer.from(user.hash, "hex"));
    if (!ok) return res.status(401).json({ error: "Invalid email or password" });
    const session = await getIronSession(req, res, SESSION);
    session.user = publicUser(user);
    await session.save();
    return res.json({ user: publicUser(user) });
  } catch (e) {
    return next(e);
  }
});

app.get("/auth/me", async (req, res, next) => {
  try {
    const session = await getIronSession(req, res, SESSION);
    if (!session.user) return res.status(401).json({ error: "Not authenticated" });
    return res.json({ user: session.user });
  } catch (e) {
    return next(e);
  }
});

app.post("/auth/logout", async (req, res, next) => {
  try {
    const session = await getIronSession(req, res, SESSION);
    session.destroy();
    return res.json({ message: "Logged out successfully" });
  } catch (e) {
    return next(e);
  }
});

app.listen(port, "127.0.0.1");
