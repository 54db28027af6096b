//! Running one property against the target: proptest generates the cases from the
//! scenario's seed, each case sends its requests and asks the clause's oracle, and a
//! failure is shrunk by proptest itself to a minimal case, which is then replayed once so
//! that the exchange reported is the minimal case's own.
//!
//! Proptest drives its cases synchronously, so a property runs on a blocking thread of
//! the runtime and waits for each case's requests there; the scenario's own task awaits
//! it. A scenario's cases run one after another: a property never has more than one
//! request in flight, and the run never more than `--concurrency` scenarios.

use std::cell::RefCell;
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use futures::future::BoxFuture;
use logout_generators::proptest::strategy::Strategy;
use logout_generators::proptest::test_runner::{
    Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

use crate::generate::seed::rng_bytes;
use crate::http::exchange::Exchange;
use crate::plan::clause_id::ClauseId;
use crate::run::world::LogoutWorld;
use crate::verdict::check::Problem;

/// The most shrinking steps (each one replays a case against the target).
pub const MAX_SHRINK_STEPS: u32 = 2048;

/// The longest a failure's shrinking runs, in milliseconds.
pub const MAX_SHRINK_MILLIS: u32 = 10_000;

/// A case's failed check, and the clause it belongs to (the scenario's own, or one its
/// text demands: LO-11 demands LO-01's answer and LO-02's clearing).
#[derive(Debug, Clone)]
pub struct Fault {
    pub home: ClauseId,
    pub problem: Problem,
}

impl Fault {
    pub fn new(home: ClauseId, problem: Problem) -> Self {
        Self { home, problem }
    }
}

/// One property: what a case sends and how its answer is judged.
pub trait Property: Send + 'static {
    /// A generated case.
    type Input: Clone + Debug + Send;

    /// Runs one case in `world` (a scratch world bound to the target); the fault when
    /// the clause's oracle rejects the answers.
    fn case<'a>(
        &'a mut self,
        world: &'a mut LogoutWorld,
        input: Self::Input,
    ) -> BoxFuture<'a, Result<(), Fault>>;

    /// The case as a person reads it, for the report.
    fn describe(&self, input: &Self::Input) -> String;

    /// A simplest case, run before any generated one: when it fails, the defect is not
    /// the generated input's, and it is reported as the minimal case without generating
    /// (or shrinking) anything — a target that fails every request is not loaded with
    /// hundreds more.
    fn simplest(&self) -> Option<Self::Input> {
        None
    }

    /// How many of `--generate N` cases this property runs (one that logs in for each
    /// case may run fewer).
    fn cases(&self, n: u32) -> u32 {
        n
    }
}

/// A failing case, shrunk.
#[derive(Debug)]
pub struct Found {
    /// The oracle's fault with the minimal case.
    pub fault: Fault,
    /// The minimal case, described.
    pub minimal: String,
    /// Which case failed first (1-based) of how many.
    pub first_failing: u32,
    pub cases: u32,
    /// The minimal case's exchanges, from its replay.
    pub transcript: Vec<Exchange>,
}

/// Runs `cases` cases of `property` on inputs from `strategy`, seeded with `seed`, in
/// `world`. `None` when every case passed.
pub async fn check<S, P>(
    world: LogoutWorld,
    seed: u64,
    cases: u32,
    strategy: impl FnOnce() -> S + Send + 'static,
    property: P,
) -> Option<Found>
where
    S: Strategy<Value = P::Input>,
    P: Property,
{
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::spawn_blocking(move || {
        run_blocking(&handle, world, seed, cases, strategy(), property)
    })
    .await;
    match outcome {
        Ok(Ok(found)) => found,
        // A step ended inside a case (the check could not run): end this step the same way.
        Ok(Err(payload)) => resume_unwind(payload),
        Err(e) if e.is_panic() => resume_unwind(e.into_panic()),
        Err(e) => crate::verdict::check::could_not_run(format!("generated cases stopped: {e}")),
    }
}

type Payload = Box<dyn std::any::Any + Send>;

struct State<P> {
    world: LogoutWorld,
    property: P,
    /// Cases run so far, and the first failing one.
    ran: u32,
    first_failing: Option<u32>,
    /// The fault of the last failing case: proptest's last failure is its minimal one.
    last: Option<Fault>,
    /// A step's end raised inside a case; once set, every case passes at once.
    ended: Option<Payload>,
}

fn run_blocking<S, P>(
    handle: &tokio::runtime::Handle,
    world: LogoutWorld,
    seed: u64,
    cases: u32,
    strategy: S,
    property: P,
) -> Result<Option<Found>, Payload>
where
    S: Strategy<Value = P::Input>,
    P: Property,
{
    let config = Config {
        cases,
        max_shrink_iters: MAX_SHRINK_STEPS,
        max_shrink_time: MAX_SHRINK_MILLIS,
        failure_persistence: None,
        verbose: 0,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &rng_bytes(seed));
    let mut runner = TestRunner::new_with_rng(config, rng);
    let mut state = State {
        world,
        property,
        ran: 0,
        first_failing: None,
        last: None,
        ended: None,
    };
    if let Some(simplest) = state.property.simplest() {
        state.world.transcript.clear();
        if let Err(fault) = run_case(handle, &mut state, simplest.clone())? {
            return Ok(Some(Found {
                fault,
                minimal: format!("{} (the simplest case)", state.property.describe(&simplest)),
                first_failing: 0,
                cases,
                transcript: std::mem::take(&mut state.world.transcript),
            }));
        }
    }
    let state = RefCell::new(state);
    let result = runner.run(&strategy, |input| {
        let mut state = state.borrow_mut();
        if state.ended.is_some() {
            return Ok(());
        }
        let outcome = run_case(handle, &mut state, input);
        match outcome {
            Ok(Ok(())) => {
                if state.first_failing.is_none() {
                    state.ran += 1;
                }
                Ok(())
            }
            Ok(Err(fault)) => {
                if state.first_failing.is_none() {
                    state.ran += 1;
                    state.first_failing = Some(state.ran);
                }
                let message = fault.problem.key.clone();
                state.last = Some(fault);
                Err(TestCaseError::fail(message))
            }
            Err(payload) => {
                state.ended = Some(payload);
                Ok(())
            }
        }
    });
    let mut state = state.into_inner();
    if let Some(payload) = state.ended.take() {
        return Err(payload);
    }
    let minimal = match result {
        Ok(()) => return Ok(None),
        Err(TestError::Fail(_, minimal)) => minimal,
        Err(TestError::Abort(why)) => crate::verdict::check::could_not_run(format!(
            "the generated cases could not run: {why}"
        )),
    };
    // Replay the minimal case, so that the exchange reported is its own.
    state.world.transcript.clear();
    let replay = run_case(handle, &mut state, minimal.clone())?;
    let fault = match (replay, state.last.take()) {
        (Err(fault), _) => fault,
        (Ok(()), Some(earlier)) => Fault {
            problem: Problem {
                actual: format!(
                    "{}\n  (the replay of the minimal case passed: the failure is intermittent)",
                    earlier.problem.actual
                ),
                ..earlier.problem
            },
            ..earlier
        },
        (Ok(()), None) => return Ok(None),
    };
    Ok(Some(Found {
        fault,
        minimal: state.property.describe(&minimal),
        first_failing: state.first_failing.unwrap_or(1),
        cases,
        transcript: std::mem::take(&mut state.world.transcript),
    }))
}

/// One case; a panic out of it (a step's end: the check could not run) is returned.
fn run_case<P: Property>(
    handle: &tokio::runtime::Handle,
    state: &mut State<P>,
    input: P::Input,
) -> Result<Result<(), Fault>, Payload> {
    let State {
        world, property, ..
    } = state;
    world.transcript.clear();
    catch_unwind(AssertUnwindSafe(|| {
        handle.block_on(property.case(world, input))
    }))
}
