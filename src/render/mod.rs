//! Output formats. Every emitter reads the same sorted [`Report`](crate::Report).

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

pub use concise::concise;
pub use github::github;
pub use gitlab::gitlab;
pub use human::{HumanOptions, human, human_error, statistics};
pub use json::json;
pub use junit::{junit, junit_failing_at};
pub use sarif::sarif;

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::finding::Finding;
use crate::report::Report;
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
    report
        .files
        .get(f.file.index())
        .map_or((zero, zero), |file| {
            (file.line_col(f.span.start), file.line_col(f.span.end))
        })
}

/// The name a finding is reported under: the file it was read from. Only for standard input,
/// which is no file a person can open, is it the `# Source:` template the document names
/// (then [`has_lines`] is false: the lines are the rendered stream's, not the template's).
pub fn file_name<'r>(report: &'r Report, f: &'r Finding) -> &'r str {
    let file = report.files.get(f.file.index());
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
    !(f.origin.is_some()
        && report
            .files
            .get(f.file.index())
            .is_some_and(|file| file.stdin))
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

/// What the run did not check, one line each: skipped non-manifests (with the Helm hint) and
/// rules switched off where a document failed to load. Shown under the human summary.
pub fn notes(report: &Report) -> Vec<String> {
    use crate::discover::SkipReason;
    const SHOWN: usize = 5;
    let mut lines = Vec::new();
    let files: Vec<_> = report
        .skipped
        .iter()
        .filter(|s| s.reason != SkipReason::HelmChart)
        .collect();
    if !files.is_empty() {
        let mut by_reason: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for s in &files {
            *by_reason.entry(s.reason.as_str()).or_default() += 1;
        }
        let reasons = by_reason
            .iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(format!(
            "Skipped {} that {} not Kubernetes manifests ({reasons}).",
            crate::rules::plural(files.len(), "file", "files"),
            if files.len() == 1 { "is" } else { "are" }
        ));
    }
    for chart in report
        .skipped
        .iter()
        .filter(|s| s.reason == SkipReason::HelmChart)
    {
        let dir = chart.path.trim_end_matches('/');
        lines.push(format!(
            "Skipped Helm chart sources {}: lint the rendered chart with `helm template {dir} | kubeha check -`.",
            chart.path
        ));
    }
    for i in report.incomplete.iter().take(SHOWN) {
        lines.push(format!("Not checked: {}", incomplete_text(report, i)));
    }
    if report.incomplete.len() > SHOWN {
        lines.push(format!(
            "Not checked: {} more, listed in `--format json`.",
            crate::rules::plural(report.incomplete.len() - SHOWN, "place", "places")
        ));
    }
    lines
}

/// `service-selects-nothing, … in namespaces `default`, `shop`: k8s/x.yaml:4 could not be parsed`.
pub fn incomplete_text(report: &Report, i: &crate::report::Incomplete) -> String {
    let file = report.files.get(i.file.index());
    let name = file.map_or("", |f| f.name.as_str());
    let line = file.map_or(1, |f| f.line_col(i.span.start).line);
    let where_ = match &i.namespaces {
        None => "in every namespace".to_owned(),
        Some(list) => format!(
            "in {} {}",
            if list.len() == 1 {
                "namespace"
            } else {
                "namespaces"
            },
            list.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "{} {where_}: {name}:{line} {}, and what it holds could make them wrong",
        i.rules.join(", "),
        i.reason
    )
}

/// FNV-1a of `s`, in hex: a short stable hash for fingerprints.
pub fn fnv_hex(s: &str) -> String {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}
