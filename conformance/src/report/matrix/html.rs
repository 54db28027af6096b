//! The matrix as one self-contained HTML page: inline style, no script, a
//! Content-Security-Policy that forbids every fetch. Every text may come from a target
//! (reasons quote bodies), so it is rendered by minijinja with HTML autoescaping.

use std::path::Path;

use minijinja::value::Serde;
use minijinja::{Value, context};

use crate::report::html::{HtmlError, environment};
use crate::report::matrix::Matrix;

const TEMPLATE: &str = include_str!("matrix.html.j2");
const STYLE: &str = include_str!("style.css");

/// The matrix as one HTML page.
pub fn render(matrix: &Matrix) -> Result<String, HtmlError> {
    let env = environment("matrix.html.j2", TEMPLATE)?;
    let template = env.get_template("matrix.html.j2")?;
    Ok(template.render(context! {
        style => Value::from_safe_string(STYLE.to_owned()),
        kit_version => &matrix.kit_version,
        stacks => Value::from(Serde(&matrix.stacks)),
        clauses => Value::from(Serde(&matrix.clauses)),
    })?)
}

/// Writes the page to `path`.
pub fn write(matrix: &Matrix, path: &Path) -> std::io::Result<()> {
    let html = render(matrix).map_err(std::io::Error::other)?;
    std::fs::write(path, html)
}
