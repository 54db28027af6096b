//! LO-27's other access tokens: a refresh (the refresh-token probe, the API family's
//! validate-session) mints a new access token for the session, and the logout must end
//! it too, though the client never presents it. Stateless access tokens minted by a
//! refresh endpoint outlive the logout until they expire (simplejwt, most JWT stacks);
//! the reference ties each access token to its session.

use cucumber::{given, then};

use crate::http::cookies::set_cookie_value;
use crate::plan::profile::Role;
use crate::run::steps::probe::{probe, probe_request};
use crate::run::steps::session::csrf_pairs;
use crate::run::world::LogoutWorld;
use crate::verdict::check::{Problem, could_not_run};

#[given("a refresh mints another access token for the session")]
async fn refresh_mints(world: &mut LogoutWorld) {
    let target = world.target();
    let Some(name) = target.profile.session.cookie_for(Role::Access) else {
        could_not_run("the profile's session has no access cookie: nothing to mint");
    };
    let refresh = world.session().refresh.clone();
    let companions = csrf_pairs(world);
    let (mut request, _) = probe_request(&target, "refresh", &refresh, &companions)
        .unwrap_or_else(|e| could_not_run(e));
    request.label = "refresh that mints an access token".into();
    let exchange = world.send(request).await;
    let answer = exchange
        .response
        .unwrap_or_else(|e| could_not_run(format!("the refresh got no answer: {e}")));
    let minted = set_cookie_value(&answer, name)
        .unwrap_or_else(|e| could_not_run(format!("the refresh's answer: {e}")))
        .filter(|v| Some(v) != world.session().access.as_ref());
    let Some(minted) = minted else {
        // Nothing minted (a one-cookie session, a probe that only reads): there is no
        // other access token for the logout to end, and the check has nothing to judge.
        world.observe(format!(
            "the refresh-token probe set no new {name} cookie: no access token was minted \
             by refresh"
        ));
        return;
    };
    target.secrets.learn(&minted);
    if !probe(world, "access", &minted).await {
        could_not_run("the access probe does not accept the access token the refresh minted");
    }
    world.minted_access = Some(minted);
}

#[then("the probe rejects the access token the refresh minted")]
async fn minted_rejected(world: &mut LogoutWorld) {
    let Some(minted) = world.minted_access.clone() else {
        // The refresh minted nothing (noted by the step that asked it).
        return;
    };
    if probe(world, "access", &minted).await {
        world.fail_own(Problem::new(
            "the access token a refresh minted is still live",
            "the probe rejects every access token of the session after the logout, also one \
             minted by a refresh that the logout was never shown",
            "the access probe still accepts the minted access token",
        ));
    }
}
