//! JUnit XML: one test case per object and rule that ran; findings are failures.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{file_name, has_lines, range, template};
use crate::finding::Finding;
use crate::report::Report;

/// XML text and attribute escaping. Line breaks and tabs are written as character
/// references so attribute values keep them (a parser normalises raw ones to spaces); the
/// characters XML 1.0 forbids even escaped (most C0 controls, U+FFFE, U+FFFF) are shown as
/// `\u{..}` text; other terminal controls are escaped the same way.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c if super::is_unsafe_char(c) => {
                out.push_str(&super::escape_controls(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
}

/// `Deployment/shop/web`, or the file for findings without an object.
fn case_class(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

/// JUnit where every finding is a failure.
pub fn junit(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    junit_failing_at(report, Some(crate::finding::Severity::Info), out)
}

/// JUnit where only findings at or above `threshold` (`--fail-on`) fail their test case; the
/// others are the case's `<system-out>`, so the test report agrees with the exit code.
pub fn junit_failing_at(
    report: &Report,
    threshold: Option<crate::finding::Severity>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let fails = |f: &Finding| threshold.is_some_and(|t| f.severity >= t);
    // file → (class, rule) → failures
    let mut suites: BTreeMap<&str, BTreeMap<(String, &str), Vec<&Finding>>> = BTreeMap::new();
    for (file, o) in report
        .object_refs
        .iter()
        .filter(|(f, _)| report.is_linted(*f))
    {
        let name = report
            .files
            .get(file.index())
            .map_or("", |f| f.name.as_str());
        let cases = suites.entry(name).or_default();
        let class = case_class(&o.kind, o.namespace.as_deref(), &o.name);
        for rule in &report.rules_run {
            cases.entry((class.clone(), rule)).or_default();
        }
    }
    for f in &report.findings {
        let class = report.object(f).map_or_else(
            || "(file)".to_owned(),
            |o| case_class(&o.kind, o.namespace.as_deref(), &o.name),
        );
        suites
            .entry(file_name(report, f))
            .or_default()
            .entry((class, f.rule))
            .or_default()
            .push(f);
    }
    let tests: usize = suites.values().map(BTreeMap::len).sum();
    let failures: usize = suites
        .values()
        .flat_map(BTreeMap::values)
        .filter(|v| v.iter().any(|f| fails(f)))
        .count();
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<testsuites name="kubeha" tests="{tests}" failures="{failures}">"#
    );
    for (file, cases) in &suites {
        let failed = cases
            .values()
            .filter(|v| v.iter().any(|f| fails(f)))
            .count();
        let _ = writeln!(
            s,
            r#"  <testsuite name="{}" tests="{}" failures="{failed}">"#,
            xml(file),
            cases.len()
        );
        for ((class, rule), found) in cases {
            let _ = write!(
                s,
                r#"    <testcase name="{}" classname="{}" file="{}""#,
                xml(rule),
                xml(class),
                xml(found.first().map_or(file, |f| file_name(report, f)))
            );
            if let Some(f) = found.first() {
                let _ = write!(s, r#" line="{}""#, range(report, f).0.line);
            }
            if found.is_empty() {
                let _ = writeln!(s, "/>");
                continue;
            }
            let _ = writeln!(s, ">");
            let below: Vec<&Finding> = found.iter().copied().filter(|f| !fails(f)).collect();
            system_out(report, &below, &mut s);
            for f in found.iter().filter(|f| fails(f)) {
                let (start, _) = range(report, f);
                let at = if has_lines(report, f) {
                    format!("{}:{}:{}", file_name(report, f), start.line, start.column)
                } else {
                    file_name(report, f).to_owned()
                };
                let from = template(report, f)
                    .map(|t| format!(" (from template {t})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    r#"      <failure type="{}" message="{}">{}: {}{}{}</failure>"#,
                    f.severity,
                    xml(&f.message),
                    xml(&at),
                    xml(&f.message),
                    xml(&from),
                    f.help
                        .as_deref()
                        .map(|h| format!("\n{}", xml(h)))
                        .unwrap_or_default()
                );
            }
            let _ = writeln!(s, "    </testcase>");
        }
        let _ = writeln!(s, "  </testsuite>");
    }
    let _ = writeln!(s, "</testsuites>");
    out.write_all(s.as_bytes())
}

/// Findings below `--fail-on`: the test case's output, not a failure.
fn system_out(report: &Report, below: &[&Finding], s: &mut String) {
    if below.is_empty() {
        return;
    }
    let _ = write!(s, "      <system-out>");
    for f in below {
        let (start, _) = range(report, f);
        let _ = writeln!(
            s,
            "{}:{}:{}: {}[{}] {}",
            xml(file_name(report, f)),
            start.line,
            start.column,
            f.severity,
            f.rule,
            xml(&f.message)
        );
    }
    let _ = writeln!(s, "</system-out>");
}
