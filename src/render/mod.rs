//! Output formats. Every emitter reads the same sorted [`Report`](crate::Report).

mod concise;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use concise::concise;
pub use github::github;
pub use human::{HumanOptions, human, statistics};
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

/// The name a finding is reported under: the file it was read from. Only for standard input,
/// which is no file a person can open, is it the `# Source:` template the document names
/// (then [`has_lines`] is false: the lines are the rendered stream's, not the template's).
pub fn file_name<'r>(report: &'r Report, f: &'r Finding) -> &'r str {
    let file = report.files.get(f.file);
    match (&f.origin, file) {
        (Some(template), Some(file)) if file.stdin => template,
        (_, Some(file)) => file.name.as_str(),
        (Some(template), None) => template,
        (None, None) => "",
    }
}

/// Whether the finding's line and column belong to [`file_name`]: false for a document read
/// from standard input and attributed to its `# Source:` template.
pub fn has_lines(report: &Report, f: &Finding) -> bool {
    !(f.origin.is_some() && report.files.get(f.file).is_some_and(|file| file.stdin))
}

/// The `# Source:` template of a finding reported under its real file (`helm template`
/// output saved to disk): extra information, never a place with a line number.
pub fn template<'r>(report: &'r Report, f: &'r Finding) -> Option<&'r str> {
    if has_lines(report, f) {
        f.origin.as_deref()
    } else {
        None
    }
}
