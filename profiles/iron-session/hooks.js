// Test-support endpoints, mounted only with STACK_CONFORMANCE_HOOKS=1 (start.sh sets
// it). There is no store to make fail (the profile declares no [store_fault]: LO-09 is
// not run). One capability:
//
// - POST /__conformance/expired-session: a session sealed as login seals it, whose
//   expiry passed an hour ago (iron's own `exp`, beyond its 60 s clock skew).
import { sealData } from "iron-session";

export function install(app, session) {
  app.post("/__conformance/expired-session", async (_req, res, next) => {
    try {
      const user = { id: "expired", email: "expired@example.com", name: "" };
      const seal = await sealData({ user }, { password: session.password, ttl: -3600 });
      res.json({ token: seal });
    } catch (e) {
      next(e);
    }
  });
}
