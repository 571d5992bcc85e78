//! The real-world corpus (`tests/corpus`, a copy of `../shared/corpus` with its SOURCES.md): valid manifests must load without
//! `invalid-*`, `unknown-field` or `ambiguous-scalar` findings, and nothing may panic.

use kubeha::{Config, Input};

use crate::lint;

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
            let at = report.files[f.file.index()].line_col(f.span.start);
            format!(
                "{}:{}:{} {} {}",
                report.files[f.file.index()].name,
                at.line,
                at.column,
                f.rule,
                f.message
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
        let len = report.files[f.file.index()].text.len() as u32;
        assert!(f.span.start <= f.span.end && f.span.end <= len, "{f:?}");
    }
}

/// Per project folder (linted alone, as users lint): the findings per `rule/severity` that were
/// read one by one against the manifests and judged right (see the closing notes of the
/// precision work). A change that re-opens a false positive, or loses a true finding, fails
/// here; a deliberate change updates the table after reading the new findings.
const JUDGED: &[(&str, &[(&str, usize)])] = &[
    (
        "aks-store-demo",
        &[
            ("single-replica/info", 2),
            ("single-replica/warning", 7),
            ("statefulset-service-missing/warning", 2),
        ],
    ),
    (
        "argo-cd",
        &[
            ("duplicate-object/warning", 2),
            ("missing-graceful-shutdown/warning", 8),
            ("missing-liveness-probe/info", 7),
            ("missing-memory-limit/info", 27),
            ("missing-pdb/warning", 8),
            ("missing-readiness-probe/warning", 7),
            ("missing-resource-requests/warning", 27),
            ("mutable-image-tag/warning", 24),
            ("rollout-needs-spare-node/warning", 6),
            ("single-replica/info", 6),
            ("single-replica/warning", 9),
            ("statefulset-service-missing/warning", 3),
        ],
    ),
    (
        "bank-of-anthos",
        &[
            ("missing-liveness-probe/info", 1),
            ("missing-readiness-probe/warning", 1),
            ("single-replica/warning", 2),
            ("statefulset-service-missing/warning", 1),
        ],
    ),
    ("descheduler", &[("missing-memory-limit/info", 2)]),
    (
        "gatekeeper",
        &[
            ("missing-graceful-shutdown/warning", 1),
            ("single-replica/info", 1),
        ],
    ),
    (
        "ingress-nginx",
        &[
            ("duplicate-object/warning", 1),
            ("missing-memory-limit/info", 6),
            ("single-replica/warning", 2),
            ("unsafe-rollout-strategy/warning", 2),
        ],
    ),
    (
        "istio",
        &[
            ("missing-liveness-probe/info", 10),
            ("missing-memory-limit/info", 18),
            ("missing-pdb/warning", 2),
            ("missing-pod-spread/warning", 2),
            ("missing-readiness-probe/warning", 9),
            ("missing-resource-requests/warning", 18),
            ("mutable-image-tag/warning", 4),
            ("service-target-port-mismatch/info", 1),
            ("single-replica/warning", 11),
            ("unsafe-rollout-strategy/warning", 1),
        ],
    ),
    (
        "kube-prometheus",
        &[
            ("missing-liveness-probe/info", 2),
            ("missing-pod-spread/warning", 1),
            ("missing-readiness-probe/warning", 1),
            ("single-replica/warning", 1),
        ],
    ),
    (
        "kube-state-metrics",
        &[
            ("missing-memory-limit/info", 1),
            ("missing-pdb/warning", 1),
            ("missing-pod-spread/warning", 1),
            ("missing-resource-requests/warning", 1),
            ("statefulset-service-missing/warning", 1),
        ],
    ),
    (
        "kubernetes-engine-samples",
        &[
            ("hpa-min-replicas/warning", 2),
            ("hpa-target-missing/warning", 2),
            ("ingress-backend-missing/warning", 2),
            ("missing-graceful-shutdown/warning", 1),
            ("missing-liveness-probe/info", 1),
            ("missing-memory-limit/info", 3),
            ("missing-pdb/warning", 1),
            ("missing-pod-spread/warning", 1),
            ("missing-readiness-probe/warning", 1),
            ("missing-resource-requests/warning", 1),
            ("mutable-image-tag/warning", 2),
        ],
    ),
    (
        "kubernetes-examples",
        &[
            ("deprecated-api/error", 1),
            ("hpa-min-replicas/warning", 1),
            ("ingress-backend-missing/warning", 1),
            ("missing-graceful-shutdown/warning", 3),
            ("missing-liveness-probe/info", 4),
            ("missing-memory-limit/info", 5),
            ("missing-pdb/warning", 3),
            ("missing-pod-spread/warning", 3),
            ("missing-readiness-probe/warning", 4),
            ("missing-resource-requests/warning", 2),
            ("mutable-image-tag/warning", 1),
            ("pdb-blocks-eviction/error", 1),
            ("replicas-with-hpa/warning", 1),
            ("single-replica/warning", 1),
            ("statefulset-service-missing/warning", 1),
        ],
    ),
    (
        "metrics-server",
        &[
            ("deprecated-api/error", 1),
            ("missing-memory-limit/info", 1),
            ("mutable-image-tag/warning", 1),
            ("pdb-matches-nothing/warning", 1),
            ("single-replica/warning", 1),
        ],
    ),
    (
        "microservices-demo",
        &[
            ("mutable-image-tag/warning", 1),
            ("single-replica/info", 1),
            ("single-replica/warning", 11),
        ],
    ),
    (
        "opentelemetry-demo",
        &[
            ("missing-liveness-probe/info", 20),
            ("missing-readiness-probe/warning", 19),
            ("missing-resource-requests/warning", 25),
            ("mutable-image-tag/warning", 5),
            ("service-target-port-mismatch/info", 3),
            ("single-replica/info", 2),
            ("single-replica/warning", 23),
        ],
    ),
    (
        "prometheus-operator",
        &[
            ("missing-graceful-shutdown/warning", 1),
            ("missing-liveness-probe/info", 2),
            ("missing-readiness-probe/warning", 2),
            ("single-replica/warning", 1),
        ],
    ),
    (
        "rook",
        &[
            ("missing-memory-limit/info", 1),
            ("missing-resource-requests/warning", 1),
            ("mutable-image-tag/warning", 1),
            ("single-replica/info", 1),
        ],
    ),
];

#[test]
fn corpus_findings_per_project_are_the_judged_ones() {
    let root = crate::corpus_dir();
    let mut failures = String::new();
    let mut projects: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            e.path()
                .is_dir()
                .then(|| e.file_name().to_string_lossy().into_owned())
        })
        .collect();
    projects.sort();
    for project in &projects {
        let report = lint(&[Input::Path(root.join(project))], &Config::default());
        let mut got: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for f in &report.findings {
            *got.entry(format!("{}/{}", f.rule, f.severity)).or_default() += 1;
        }
        let want: std::collections::BTreeMap<String, usize> = JUDGED
            .iter()
            .find(|(p, _)| p == project)
            .map(|(_, counts)| counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect())
            .unwrap_or_default();
        if got != want {
            failures.push_str(&format!(
                "{project}:\n  judged {want:?}\n  got    {got:?}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "corpus findings changed:\n{failures}");
    // Every `error` on real manifests is one the API server rejects or that certainly breaks:
    // there are exactly these three (two removed policy/v1beta1 PDBs, one PDB that blocks
    // every eviction).
    let errors: usize = JUDGED
        .iter()
        .flat_map(|(_, c)| c.iter())
        .filter(|(k, _)| k.ends_with("/error"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(errors, 3);
}
