//! Output formats. Every emitter reads the same sorted [`Report`](crate::Report).

mod concise;
mod human;
mod json;

pub use concise::concise;
pub use human::{HumanOptions, human};
pub use json::json;

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

pub fn file_name(report: &Report, file: usize) -> &str {
    report.files.get(file).map_or("", |f| f.name.as_str())
}
