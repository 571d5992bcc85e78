//! SARIF 2.1.0 (GitHub code scanning, GitLab, Azure DevOps): real regions, rule metadata from
//! the registry, related locations and stable fingerprints.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{file_name, has_lines, range, template};
use crate::Report;
use crate::finding::Severity;
use crate::rules::RULES;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI with forward slashes, as SARIF consumers expect.
fn uri(name: &str) -> String {
    let name = name.replace('\\', "/");
    name.strip_prefix("./").unwrap_or(&name).to_owned()
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
                "help": { "text": m.doc, "markdown": m.doc },
                "defaultConfiguration": { "level": level(m.severity), "enabled": m.enabled },
                "properties": { "tags": [m.group.as_str(), "availability"] },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
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
                    let at = report.files.get(r.file).map(|file| (file.line_col(r.span.start), file.line_col(r.span.end)));
                    let ((sl, sc), (el, ec)) = at.map_or(((1, 1), (1, 1)), |(s, e)| ((s.line, s.column), (e.line, e.column)));
                    json!({
                        "id": i,
                        "message": { "text": r.message },
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri(report.files.get(r.file).map_or("", |f| f.name.as_str())) },
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
                "partialFingerprints": { "kubeha/v1": f.fingerprint(name) },
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
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kubeha",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    writeln!(out)
}
