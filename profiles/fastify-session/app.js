// Fastify 5 with @fastify/session on its server-side store (the plugin's own Store, a
// Map in this process: one instance, and every session ends with it) and the logout its
// README describes: `await request.session.destroy()`, which deletes the session from
// the store. The routes answer the API family's documented contract. Nothing is tuned to
// the kit: Fastify's own JSON parser and error handler answer what they answer.
// Test support (hooks.js) only with STACK_CONFORMANCE_HOOKS=1.
import crypto from "node:crypto";
import { promisify } from "node:util";

import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifySession from "@fastify/session";
import Fastify from "fastify";

const port = Number(process.env.PORT);
const scrypt = promisify(crypto.scrypt);
const hash = async (password, salt) => (await scrypt(password, salt, 32)).toString("hex");
const publicUser = (u) => ({ id: u.id, email: u.email, name: u.name });
const users = new Map();

const store = new fastifySession.MemoryStore();
// At least 32 characters; a deployment reads it from its secrets.
const SECRET = "example-stack-only-not-a-secret-0123456789";
const app = Fastify();
await app.register(fastifyCors, { origin: "http://localhost:5173", credentials: true });
await app.register(fastifyCookie);
await app.register(fastifySession, {
  secret: SECRET,
  store,
  saveUninitialized: false,
  // Loopback HTTP: the plugin's default `secure: true` would never send the cookie.
  cookie: { secure: false, httpOnly: true, sameSite: "lax", maxAge: 24 * 3600 * 1000 },
});

if (process.env.STACK_CONFORMANCE_HOOKS === "1") {
  const { install } = await import("./hooks.js");
  install(app, store, SECRET);
}

app.post("/auth/register", async (request, reply) => {
  const { email, password, name } = request.body ?? {};
  if (typeof email !== "string" || typeof password !== "string" || password.length < 8) {
    return reply.code(400).send({ error: "email and a password of 8 characters are required" });
  }
  if (users.has(email)) return reply.code(409).send({ error: "User already exists" });
  const salt = crypto.randomBytes(16).toString("hex");
  const user = { id: crypto.randomUUID(), email, name: name ?? "", salt, hash: await hash(password, salt) };
  users.set(email, user);
  return reply.code(201).send({ user: publicUser(user) });
});

app.post("/auth/login", async (request, reply) => {
  const { email, password } = request.body ?? {};
  const user = users.get(email);
  const ok =
    user &&
    typeof password === "string" &&
    crypto.timingSafeEqual(Buffer.from(await hash(password, user.salt), "hex"), Buffer.from(user.hash, "hex"));
  if (!ok) return reply.code(401).send({ error: "Invalid email or password" });
  // A new session id at login (session fixation), as the README advises.
  await request.session.regenerate();
  request.session.set("user", publicUser(user));
  return { user: publicUser(user) };
});

app.get("/auth/me", async (request, reply) => {
  const user = request.session.get("user");
  if (!user) return reply.code(401).send({ error: "Not authenticated" });
  return { user };
});

app.post("/auth/logout", async (request) => {
  await request.session.destroy();
  return { message: "Logged out successfully" };
});

await app.listen({ port, host: "127.0.0.1" });
