//! The token store fault. The runner's after-scenario hook switches it off again
//! whatever happened in the scenario.

use cucumber::given;

use crate::run::world::LogoutWorld;
use crate::verdict::check::could_not_run;

#[given("the token store is failing")]
async fn store_failing(world: &mut LogoutWorld) {
    let target = world.target();
    let (result, ran) = target.store_fault_on().await;
    for exchange in &ran {
        target.secrets.learn_exchange(exchange, true);
        world.keep(exchange);
    }
    if let Err(e) = result {
        could_not_run(format!("switching the store fault on: {e}"));
    }
}
