//! The real-world corpus (`tests/corpus`, a copy of `../shared/corpus` with its SOURCES.md): valid manifests must load without
//! `invalid-*`, `unknown-field` or `ambiguous-scalar` findings, and nothing may panic.

use kubeha::{Config, Input, lint};

#[test]
fn corpus_lints_without_invalid_findings() {
    let dir = crate::corpus_dir();
    assert!(
        dir.is_dir(),
        "the corpus is expected at {} (tests/corpus, committed)",
        dir.display()
    );
    let report = lint(&[Input::Path(dir)], &Config::default());
    assert!(report.input_errors.is_empty(), "{:?}", report.input_errors);
    assert_eq!(report.files.len(), 60, "every corpus file is read");
    assert!(report.objects > 500, "objects: {}", report.objects);
    let invalid: Vec<String> = report
        .findings
        .iter()
        .filter(|f| {
            f.rule.starts_with("invalid-")
                || matches!(
                    f.rule,
                    "duplicate-key" | "unknown-field" | "ambiguous-scalar"
                )
        })
        .map(|f| {
            let at = report.files[f.file].line_col(f.span.start);
            format!(
                "{}:{}:{} {} {}",
                report.files[f.file].name, at.line, at.column, f.rule, f.message
            )
        })
        .collect();
    assert!(
        invalid.is_empty(),
        "false manifest findings on valid files:\n{}",
        invalid.join("\n")
    );
    // Real HA gaps are found: the corpus is full of single-replica Deployments.
    assert!(report.findings.iter().any(|f| f.rule == "single-replica"));
    // Every finding's span lies inside its file.
    for f in &report.findings {
        let len = report.files[f.file].text.len() as u32;
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
}
