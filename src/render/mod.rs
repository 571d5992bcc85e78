//! Output formats. Every emitter reads the same sorted [`Report`](crate::Report).

mod concise;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use concise::concise;
pub use github::github;
pub use human::{HumanOptions, human, human_error};
pub use json::json;
pub use junit::junit;
pub use sarif::sarif;

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::Report;
use crate::finding::Finding;
use crate::source::LineCol;

/// A character a terminal or a line-based reader must not receive raw: C0 controls other than
/// tab (ESC starts terminal sequences, CR and LF forge lines), DEL, C1 controls (CSI, OSC),
/// line and paragraph separators, and bidirectional overrides ("Trojan Source").
pub(crate) fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from a manifest made safe for a terminal and for one-finding-per-line formats:
/// `\n`, `\r` and `\u{1b}` instead of the raw characters. Borrowed when nothing needs it.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

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
