// The usual Express login stack: express-session with its sessions in Redis
// (connect-redis), passport-local for the login, and the logout every tutorial writes —
// req.logout(), then req.session.destroy(), then res.clearCookie() — answering the API
// family's documented contract. Two instances on one Redis share the sessions (LO-28).
//
// Nothing here is tuned to the kit: the error handler is Express's own (NODE_ENV
// production: a bare HTML "Internal Server Error"), the body parser is express.json()
// in front of every route, and clearCookie gets no options (as the docs' example).
// Test support (hooks.js) is mounted only with STACK_CONFORMANCE_HOOKS=1.
import crypto from "node:crypto";
import { promisify } from "node:util";

import { RedisStore } from "connect-redis";
import cors from "cors";
import express from "express";
import session from "express-session";
import passport from "passport";
import { Strategy as LocalStrategy } from "passport-local";
import { createClient } from "redis";

const port = Number(process.env.PORT);
const redisUrl = process.env.STACK_REDIS_URL;
// One secret for every instance: a cookie signed by one is read by the other.
const SECRET = "example-stack-only-not-a-secret";
const COOKIE = "connect.sid";

const scrypt = promisify(crypto.scrypt);

const client = createClient({ url: redisUrl });
client.on("error", (e) => console.error("redis:", e.message));
await client.connect();
const store = new RedisStore({ client, prefix: "sess:" });

// Users live in Redis too, so that both instances know them.
async function findUser(email) {
  const raw = await client.get(`user:${email}`);
  return raw ? JSON.parse(raw) : null;
}

async function hash(password, salt) {
  return (await scrypt(password, salt, 32)).toString("hex");
}

const publicUser = (u) => ({ id: u.id, email: u.email, name: u.name });

passport.use(
  new LocalStrategy({ usernameField: "email" }, (email, password, done) => {
    findUser(email)
      .then(async (user) => {
        if (!user) return done(null, false);
        const given = Buffer.from(await hash(password, user.salt), "hex");
        const ok = crypto.timingSafeEqual(given, Buffer.from(user.hash, "hex"));
        return done(null, ok ? user : false);
      })
      .catch(done);
  }),
);
passport.serializeUser((user, done) => done(null, user.email));
passport.deserializeUser((email, done) => {
  findUser(email).then((user) => done(null, user || false), done);
});

const app = express();
app.use(cors({ origin: "http://localhost:5173", credentials: true }));
app.use(express.json());
app.use(
  session({
    name: COOKIE,
    secret: SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax", maxAge: 24 * 3600 * 1000 },
  }),
);
app.use(passport.session());

if (process.env.STACK_CONFORMANCE_HOOKS === "1") {
  const { install } = await import("./hooks.js");
  install(app, { client, store, secret: SECRET });
}

app.post("/auth/register", async (req, res, next) => {
  try {
    const { email, password, name } = req.body ?? {};
    if (typeof email !== "string" || typeof password !== "string" || password.length < 8) {
      return res.status(400).json({ error: "email and a password of 8 characters are required" });
    }
    const salt = crypto.randomBytes(16).toString("hex");
    const user = { id: crypto.randomUUID(), email, name: name ?? "", salt, hash: await hash(password, salt) };
    const created = await client.set(`user:${email}`, JSON.stringify(user), { NX: true });
    if (!created) return res.status(409).json({ error: "User already exists" });
    return res.status(201).json({ user: publicUser(user) });
  } catch (e) {
    return next(e);
  }
});

app.post("/auth/login", (req, res, next) => {
  passport.authenticate("local", (err, user) => {
    if (err) return next(err);
    if (!user) return res.status(401).json({ error: "Invalid email or password" });
    // passport 0.6+ regenerates the session on login (session fixation).
    return req.login(user, (e) => (e ? next(e) : res.json({ user: publicUser(user) })));
  })(req, res, next);
});

// The session cookie is the only credential: an authenticated endpoint tells whether it
// is live.
app.get("/auth/me", (req, res) => {
  if (!req.isAuthenticated()) return res.status(401).json({ error: "Not authenticated" });
  return res.json({ user: publicUser(req.user) });
});

app.post("/auth/logout", (req, res, next) => {
  req.logout((err) => {
    if (err) return next(err);
    req.session.destroy((e) => {
      if (e) return next(e);
      res.clearCookie(COOKIE);
      return res.json({ message: "Logged out successfully" });
    });
  });
});

app.listen(port, "127.0.0.1");
