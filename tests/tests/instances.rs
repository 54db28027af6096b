//! LO-28 and the Redis store end to end: two reference instances sharing one real Redis
//! pass every clause, with the store fault made both ways — by the conformance hooks,
//! and for real, by freezing Redis (SIGSTOP) and thawing it (SIGCONT) from the
//! profile's shell commands; and two instances sharing a Redis Cluster (three primaries,
//! one replica each, every write waited for by a replica) pass every clause too. (Two instances with their own in-memory stores fail exactly
//! LO-28: the broken target `instance_local_store`.)

use conformance_tests::harness::{run_on, strict, suite, with_browser};
use conformance_tests::routes::Routes;
use logout_conformance::profile::{Action, CommandAction, StoreFault};
use logout_conformance::{ClauseStatus, Grade, Profile, RunReport, Verdict};
use logout_server::{AppState, Config};
use warp::Filter as _;

use crate::redis_cluster::RedisCluster;
use crate::redis_server::RedisServer;

/// The reference routes over the Redis database `db` of `redis`.
async fn on_redis(redis: &RedisServer, db: u8) -> Routes {
    let config = Config {
        store: redis.store(db),
        ..Config::for_conformance()
    };
    match AppState::connect(config).await {
        Ok(state) => logout_server::routes(state).boxed(),
        Err(e) => panic!("the reference server cannot use its Redis: {e}"),
    }
}

/// Every clause that applies passed (INFO clauses reported), LO-28 among them; one that
/// does not apply (LO-14: the Redis store has no rotating refresh) was not run.
fn assert_all_pass(report: &RunReport, how: &str) {
    let problems: Vec<String> = report
        .clauses
        .iter()
        .filter(|c| {
            let wanted = if !c.applies {
                ClauseStatus::NotRun
            } else if c.grade == Grade::Info {
                ClauseStatus::Info
            } else {
                ClauseStatus::Passed
            };
            c.status != wanted
        })
        .map(|c| {
            format!(
                "{} {}: {}",
                c.id,
                c.status.label(),
                c.reason.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert!(problems.is_empty(), "{how}:\n  {}", problems.join("\n  "));
    assert_eq!(report.verdict, Verdict::Conformant, "{how}");
    let lo28 = report.clause("LO-28").map(|c| c.status);
    assert_eq!(
        lo28,
        Some(ClauseStatus::Passed),
        "{how}: LO-28 ran and passed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_redis_pass_every_clause_with_the_hook_driven_fault() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let (first, second) = (on_redis(&redis, 0).await, on_redis(&redis, 0).await);
    let report = run_on(
        first,
        Some(second),
        Profile::reference(),
        suite(),
        &with_browser(strict()),
    )
    .await;
    match report {
        Ok(report) => assert_all_pass(&report, "two instances on Redis, hook-driven fault"),
        Err(e) => panic!("no verdict: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_a_redis_cluster_pass_every_clause() {
    let Some(cluster) = RedisCluster::start().await else {
        return;
    };
    let on_cluster = || async {
        let config = Config {
            store: cluster.store(None),
            ..Config::for_conformance()
        };
        match AppState::connect(config).await {
            Ok(state) => logout_server::routes(state).boxed(),
            Err(e) => panic!("the reference server cannot use its Redis Cluster: {e}"),
        }
    };
    let (first, second) = (on_cluster().await, on_cluster().await);
    let report = run_on(
        first,
        Some(second),
        Profile::reference(),
        suite(),
        &with_browser(strict()),
    )
    .await;
    match report {
        Ok(report) => assert_all_pass(&report, "two instances on a Redis Cluster"),
        Err(e) => panic!("no verdict: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_redis_pass_every_clause_with_a_real_redis_fault() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let Some(pid) = redis.pid() else {
        panic!("redis-server has no process ID");
    };
    let command = |signal: &str| {
        Action::Command(CommandAction {
            command: format!("kill -{signal} {pid}"),
        })
    };
    let profile = Profile {
        store_fault: Some(StoreFault {
            on: command("STOP"),
            off: command("CONT"),
        }),
        ..Profile::reference()
    };
    let (first, second) = (on_redis(&redis, 1).await, on_redis(&redis, 1).await);
    let report = run_on(
        first,
        Some(second),
        profile,
        suite(),
        &with_browser(strict()),
    )
    .await;
    // Whatever happened, Redis must not stay frozen for the tests after this one.
    redis.resume().await;
    match report {
        Ok(report) => {
            assert_all_pass(&report, "two instances on Redis, Redis frozen for real");
            let lo09 = report.clause("LO-09").map(|c| c.scenarios.len());
            assert_eq!(lo09, Some(1), "LO-09 ran against the frozen Redis");
        }
        Err(e) => panic!("no verdict: {e}"),
    }
}
