// Test-support endpoints, registered only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets
// it): the capabilities the reference server's conformance hooks offer, so that the
// suite can judge LO-09, LO-30 and LO-05's expired case here too.
//
// - POST /__conformance/store/fail, /recover: every store call (get, set, destroy)
//   fails, as when a store's backend is down, until recovered.
// - POST /__conformance/expired-session: a signed session cookie whose stored session's
//   cookie expired an hour ago (the plugin regenerates such a session on arrival).
import crypto from "node:crypto";

import { signerFactory } from "@fastify/cookie";

export function install(app, store, secret) {
  const signer = signerFactory(secret);
  const failing = { on: false };
  for (const method of ["get", "set", "destroy"]) {
    const original = store[method].bind(store);
    store[method] = (...args) => {
      const cb = args[args.length - 1];
      if (failing.on && typeof cb === "function") {
        return cb(new Error("the session store is unavailable (conformance store fault)"));
      }
      return original(...args);
    };
  }

  app.post("/__conformance/store/fail", async () => {
    failing.on = true;
    return { storeFailing: true };
  });
  app.post("/__conformance/store/recover", async () => {
    failing.on = false;
    return { storeFailing: false };
  });
  app.post("/__conformance/expired-session", async () => {
    const id = crypto.randomBytes(24).toString("base64url");
    const expires = new Date(Date.now() - 3600 * 1000).toISOString();
    const user = { id: "expired", email: "expired@example.com", name: "" };
    await new Promise((resolve, reject) =>
      store.set(id, { cookie: { expires, path: "/", httpOnly: true, sameSite: "lax" }, user }, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
    return { token: signer.sign(id) };
  });
}
