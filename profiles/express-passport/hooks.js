// Test-support endpoints, mounted only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets
// it): the capabilities the reference server's conformance hooks offer, so that the
// suite can judge LO-09, LO-30 and LO-05's expired case here too. Nothing of the stack
// changes while they are off.
//
// - POST /__conformance/store/fail, /recover: every session-store call (get, set,
//   destroy, touch) of this instance fails, as when Redis is down, until recovered.
// - POST /__conformance/expired-session: a signed session cookie whose session Redis
//   has already expired (its key had a 1 ms TTL), as a browser holds it a day later.
import crypto from "node:crypto";

import signature from "cookie-signature";

export function install(app, { client, store, secret }) {
  const failing = { on: false };
  for (const method of ["get", "set", "destroy", "touch"]) {
    const original = store[method].bind(store);
    store[method] = (...args) => {
      const cb = args[args.length - 1];
      if (failing.on && typeof cb === "function") {
        return cb(new Error("the session store is unavailable (conformance store fault)"));
      }
      return original(...args);
    };
  }

  app.post("/__conformance/store/fail", (_req, res) => {
    failing.on = true;
    res.json({ storeFailing: true });
  });
  app.post("/__conformance/store/recover", (_req, res) => {
    failing.on = false;
    res.json({ storeFailing: false });
  });
  app.post("/__conformance/expired-session", async (_req, res, next) => {
    try {
      const sid = crypto.randomBytes(24).toString("base64url");
      const past = new Date(Date.now() - 3600 * 1000).toISOString();
      const sess = { cookie: { path: "/", httpOnly: true, expires: past }, passport: { user: "expired@example.com" } };
      await client.set(`sess:${sid}`, JSON.stringify(sess), { PX: 1 });
      await new Promise((r) => setTimeout(r, 20));
      res.json({ token: encodeURIComponent(`s:${signature.sign(sid, secret)}`) });
    } catch (e) {
      next(e);
    }
  });
}
