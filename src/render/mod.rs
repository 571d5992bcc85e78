//! Output formats. Every emitter reads the same sorted [`Report`](crate::Report).

mod concise;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use concise::concise;
pub use github::github;
pub use human::{HumanOptions, human};
pub use json::json;
pub use junit::junit;
pub use sarif::sarif;

use crate::Report;
use crate::finding::Finding;
use crate::source::LineCol;

/// Where a finding starts and ends, 1-based.
pub fn range(report: &Report, f: &Finding) -> (LineCol, LineCol) {
    let zero = LineCol { line: 1, column: 1 };
    report.files.get(f.file).map_or((zero, zero), |file| {
        (file.line_col(f.span.start), file.line_col(f.span.end))
    })
}

/// The name a finding is reported under: its `# Source:` template, else its file.
pub fn file_name<'r>(report: &'r Report, f: &'r Finding) -> &'r str {
    f.origin.as_deref().unwrap_or_else(|| {
        report
            .files
            .get(f.file)
            .map_or("", |file| file.name.as_str())
    })
}
