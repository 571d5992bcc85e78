//! `pdb-matches-nothing`: a PodDisruptionBudget whose selector picks no pods.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Selector, display_selector};
use crate::path;

pub(super) struct PdbMatchesNothing;

static META: RuleMeta = RuleMeta {
    name: "pdb-matches-nothing",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a PodDisruptionBudget's selector is null or matches no pod template",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/pdb-matches-nothing.md"),
};

impl Rule for PdbMatchesNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for p in cx.index.pdbs() {
            let o = p.object;
            if p.written_selector().is_none() {
                out.report(
                    o,
                    path!["spec", "selector"],
                    format!("{} has no selector: it protects no pods", o.describe()),
                )
                .help("Add `spec.selector.matchLabels` with the pod template labels of the workload to protect");
                continue;
            }
            if p.is_v1beta1_empty() {
                out.report(
                    o,
                    path!["spec", "selector"],
                    format!(
                        "{} has an empty selector: in policy/v1beta1 that selects no pods (policy/v1 reads `{{}}` as every pod in the namespace)",
                        o.describe()
                    ),
                )
                .help("Write `spec.selector.matchLabels` with the pod template labels of the workload to protect; moving to policy/v1 with `{}` left in place would cover every pod of the namespace");
                continue;
            }
            let selector = p.selector();
            if matches!(selector, Selector::Null)
                || !cx.index.is_complete(&o.namespace)
                || !cx.index.pods_matching(o, selector).is_empty()
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
            ))
            .pods_may_come_from(cx.index.unknown_custom_resource(&o.namespace));
        }
    }
}
