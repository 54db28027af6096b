//! Two instances of the target behind one token store (LO-28): a logout on one must end
//! the session on both — the classic multi-instance bug is a revocation that only the
//! instance which served it knows of.

use cucumber::{then, when};

use crate::run::request::{Cookies, Instance, Request};
use crate::run::steps::probe::{probe_answer, trusted};
use crate::run::world::LogoutWorld;
use crate::verdict::check::Problem;

#[when("the client logs out on the second instance with its session cookies")]
async fn on_the_second(world: &mut LogoutWorld) {
    let mut request = Request::logout(&world.target(), Cookies::Jar);
    request.instance = Instance::Second;
    request.label = "logout on the second instance".into();
    world.send_under_test(request).await;
}

#[then("the probe rejects the refresh token on both instances")]
async fn dead_on_both(world: &mut LogoutWorld) {
    let token = world.session().refresh.clone();
    let mut live_on = Vec::new();
    for (instance, name) in [(Instance::First, "first"), (Instance::Second, "second")] {
        let answer = probe_answer(world, instance, "refresh", &token).await;
        if answer.live {
            live_on.push(name);
        } else {
            trusted(world, "refresh", &token, &answer);
        }
    }
    if !live_on.is_empty() {
        world.check_own(Err(Problem::new(
            format!(
                "the session stays live on the {} instance",
                live_on.join(" and ")
            ),
            "the refresh token rejected (gone) on both instances",
            format!(
                "it is still accepted (live) on the {} instance",
                live_on.join(" and ")
            ),
        )));
    }
}
