//! `missing-pdb`: a replicated workload that no PodDisruptionBudget protects.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Selector, display_labels, display_selector};
use crate::path;

pub struct MissingPdb;

static META: RuleMeta = RuleMeta {
    name: "missing-pdb",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a workload with 2+ effective replicas has no PodDisruptionBudget selecting its pods",
    options: &[],
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
            out.report(
                w.object,
                path!["metadata", "name"],
                format!(
                    "{} ({}) has no PodDisruptionBudget",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
            )
            .help(format!(
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
