//! `missing-pdb`: a replicated workload that no PodDisruptionBudget protects.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Selector, display_labels, display_selector};
use crate::path;

pub(super) struct MissingPdb;

static META: RuleMeta = RuleMeta {
    name: "missing-pdb",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a workload with 2+ effective replicas has no PodDisruptionBudget selecting its pods",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-pdb.md"),
};

impl Rule for MissingPdb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let count = cx.index.effective_replicas(w).count;
            if count < 2
                || !cx.index.is_complete(&w.object.namespace)
                || !cx.index.pdbs_matching(w).is_empty()
            {
                continue;
            }
            let selects = match w.selector {
                Some(s @ Selector::Label(_)) => display_selector(s),
                _ => display_labels(w.labels),
            };
            let fix = generate_pdb(cx, w);
            let mut reported = out.report(
                w.object,
                path!["metadata", "name"],
                format!(
                    "{} ({}) has no PodDisruptionBudget",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
            );
            if let Some(fix) = fix {
                reported.fix(fix);
            }
            reported.help(format!(
                "Add a policy/v1 PodDisruptionBudget in namespace `{}` with `selector.matchLabels` {selects} and `maxUnavailable: 1`; {OUTSIDE_FILES}",
                w.object.namespace
            ));
        }
        // Pods an operator creates from a custom resource (a `Prometheus` with
        // `replicas: 2`) need a budget too: the operator does not make one.
        for p in &cx.index.operated {
            let Some(count) = p.pods.filter(|&n| n >= 2) else {
                continue;
            };
            let ns = p.object.namespace.as_str();
            let protected = !cx.index.pdbs_matching_operated(p).is_empty();
            if protected || !cx.index.is_complete(ns) {
                continue;
            }
            let identity: crate::model::Labels = p
                .labels
                .iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "app.kubernetes.io/name" | "app.kubernetes.io/instance"
                    )
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let selects = display_labels(if identity.is_empty() {
                &p.labels
            } else {
                &identity
            });
            out.report(
                p.object,
                path!["metadata", "name"],
                format!(
                    "{} ({}, created by its operator) has no PodDisruptionBudget",
                    p.object.describe(),
                    plural(count, "pod", "pods")
                ),
            )
            .help(format!(
                "Add a policy/v1 PodDisruptionBudget in namespace `{ns}` with `selector.matchLabels` {selects} (labels the operator puts on the pods) and `maxUnavailable: 1`; {}",
                crate::rules::outside_files("a PodDisruptionBudget for these pods")
            ));
        }
    }
}

/// The unsafe fix: a `policy/v1` PodDisruptionBudget with the workload's `matchLabels` and
/// `maxUnavailable: 1`, as a new document right after the workload, in its namespace as
/// written. Unsafe: it changes what node drains may evict. Named after the workload (or
/// `<name>-pdb` when a PDB has that name).
fn generate_pdb(cx: &Context<'_>, w: &crate::model::Workload<'_>) -> Option<crate::finding::Fix> {
    let o = w.object;
    let labels = crate::edit::own_match_labels(w)?;
    // A workload defined twice where both copies are applied together (two install files
    // in one directory) would get a PDB per copy, and the PDBs would overlap.
    let copies = cx
        .index
        .find(o, &o.kind, &o.name)
        .filter(|c| !std::ptr::eq(*c, o));
    if o.name.is_empty() || copies.count() > 0 {
        return None;
    }
    let free = |name: &str| {
        cx.index
            .find(o, "PodDisruptionBudget", name)
            .next()
            .is_none()
    };
    let name = [o.name.clone(), format!("{}-pdb", o.name)]
        .into_iter()
        .find(|n| free(n))?;
    let mut metadata = serde_json::Map::new();
    metadata.insert("name".to_owned(), name.clone().into());
    if let Some(ns) = &o.explicit_namespace {
        metadata.insert("namespace".to_owned(), ns.clone().into());
    }
    let pdb = serde_json::json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata,
        "spec": {
            "maxUnavailable": 1,
            "selector": { "matchLabels": labels },
        },
    });
    let text = crate::edit::Editor::of(cx.files, o)?;
    let edit = text.append_document(o, &pdb)?;
    Some(crate::finding::Fix {
        title: format!("Add PodDisruptionBudget `{name}` with `maxUnavailable: 1`"),
        applicability: crate::finding::Applicability::Unsafe,
        edits: vec![edit],
    })
}
