//! Renderings of a run's results: the console table, the clause-level JSON report and
//! JUnit XML. (Cucumber's own JSON format is written by cucumber during the run.)

pub mod console;
pub mod json;
pub mod junit;
