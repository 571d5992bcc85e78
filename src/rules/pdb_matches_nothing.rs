//! `pdb-matches-nothing`: a PodDisruptionBudget whose selector picks no pods.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Selector, display_selector};
use crate::path;

pub struct PdbMatchesNothing;

static META: RuleMeta = RuleMeta {
    name: "pdb-matches-nothing",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a PodDisruptionBudget's selector is null or matches no pod template",
    options: &[],
    doc: include_str!("../../rules/pdb-matches-nothing.md"),
};

impl Rule for PdbMatchesNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for (o, pdb) in cx.index.pdbs() {
            let selector =
                Selector::from_label(pdb.spec.as_ref().and_then(|s| s.selector.as_ref()));
            if matches!(selector, Selector::Null) {
                out.report(
                    o,
                    path!["spec", "selector"],
                    format!("{} has no selector: it protects no pods", o.describe()),
                )
                .help("Add `spec.selector.matchLabels` with the pod template labels of the workload to protect");
                continue;
            }
            if !cx.index.is_complete(&o.namespace)
                || !cx.index.workloads_matching(o, selector).is_empty()
            {
                continue;
            }
            out.report(
                o,
                path!["spec", "selector"],
                format!(
                    "{} selects no pods: no pod template in namespace `{}` matches `{}`",
                    o.describe(),
                    o.namespace,
                    display_selector(selector)
                ),
            )
            .help(format!(
                "Make the selector match the pod template labels of the workload to protect; {OUTSIDE_FILES}"
            ));
        }
    }
}
