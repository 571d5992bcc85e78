//! SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps): real regions, rule metadata from
//! the registry, related locations and stable fingerprints.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{file_name, has_lines, range, template};
use crate::finding::Severity;
use crate::report::Report;
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The artifact URI of a reported name: relative (to the working directory) with forward
/// slashes, or a `file://` URI for an absolute path; percent-encoded either way (RFC 3986), so
/// spaces, `#`, `%` and `<stdin>` survive every consumer.
fn uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    let name = name.strip_prefix("./").unwrap_or(&name);
    let (prefix, path) = if name.starts_with('/') {
        ("file://", name.to_owned())
    } else if name.len() > 2 && name.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path, `C:/x.yaml`.
        ("file:///", name.to_owned())
    } else {
        ("", name.to_owned())
    };
    let mut out = String::from(prefix);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else if b == b':' && !prefix.is_empty() {
            out.push(':');
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// FNV-1a, for fingerprints that include the file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One finding as a SARIF result.
fn result(report: &Report, f: &crate::finding::Finding) -> Value {
    let (start, end) = range(report, f);
    let name = file_name(report, f);
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str(". ");
        text.push_str(help);
    }
    let mut related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let at = report.files.get(r.file.index()).map(|file| (file.line_col(r.span.start), file.line_col(r.span.end)));
            let ((sl, sc), (el, ec)) = at.map_or(((1, 1), (1, 1)), |(s, e)| ((s.line, s.column), (e.line, e.column)));
            json!({
                "id": i,
                "message": { "text": r.message },
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(report.files.get(r.file.index()).map_or("", |f| f.name.as_str())) },
                    "region": { "startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec },
                },
            })
        })
        .collect();
    let mut location = serde_json::Map::new();
    location.insert("artifactLocation".into(), json!({ "uri": uri(name) }));
    if has_lines(report, f) {
        location.insert(
            "region".into(),
            json!({
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            }),
        );
    }
    let mut result = serde_json::Map::new();
    let base = json!({
        "ruleId": f.rule,
        "ruleIndex": RULES.iter().position(|r| r.meta().name == f.rule),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": location }],
        // The same object in two environments' files is two alerts, not one.
        "partialFingerprints": {
            "kubeha/v2": format!("{:016x}", fnv1a(format!("{}\0{name}", f.fingerprint(name, report.object(f))).as_bytes())),
        },
    });
    if let Value::Object(base) = base {
        result.extend(base);
    }
    // The helm template a rendered document came from: extra information, with no
    // region, since the rendered lines are not the template's.
    if let Some(t) = template(report, f) {
        related.push(json!({
            "id": related.len(),
            "message": { "text": format!("rendered from template {t}") },
            "physicalLocation": { "artifactLocation": { "uri": uri(t) } },
        }));
        result.insert("properties".into(), json!({ "template": t }));
    }
    result.insert("relatedLocations".into(), Value::Array(related));
    Value::Object(result)
}

pub fn sarif(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": m.document(), "markdown": m.document() },
                "helpUri": crate::rules::doc_url(m.name),
                "defaultConfiguration": { "level": level(m.severity), "enabled": m.enabled },
                "properties": { "tags": [m.group.as_str(), "availability"] },
            })
        })
        .collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(report, f)).collect();
    let notifications = notifications(report);
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kubeha",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": crate::rules::HOME,
                    "rules": rules,
                },
            },
            "invocations": [{
                "executionSuccessful": report.input_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}

/// Unreadable paths (errors) and rules switched off by a broken document (warnings).
fn notifications(report: &Report) -> Vec<Value> {
    let mut notifications: Vec<Value> = report
        .input_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.path, e.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&e.path) } } }],
            })
        })
        .collect();
    notifications.extend(report.incomplete.iter().map(|i| {
        let file = report.files.get(i.file.index());
        let line = file.map_or(1, |f| f.line_col(i.span.start).line);
        json!({
            "level": "warning",
            "message": { "text": format!("not checked: {}", super::incomplete_text(report, i)) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(file.map_or("", |f| f.name.as_str())) },
                    "region": { "startLine": line },
                },
            }],
        })
    }));
    notifications
}
