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
    }
}
