//! `selector-template-mismatch`: a workload whose selector does not match its own pods.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{display_labels, display_selector};
use crate::path;

pub(super) struct SelectorTemplateMismatch;

static META: RuleMeta = RuleMeta {
    name: "selector-template-mismatch",
    group: Group::Rollout,
    severity: Severity::Error,
    enabled: true,
    summary: "a workload's spec.selector does not match its own pod template labels",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/selector-template-mismatch.md"),
};

impl Rule for SelectorTemplateMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Some(selector) = w.selector else { continue };
            if selector.matches(w.labels) {
                continue;
            }
            out.report(
                w.object,
                path!["spec", "selector"],
                format!(
                    "selector `{}` of {} does not match its pod template labels `{}`",
                    display_selector(selector),
                    w.object.describe(),
                    display_labels(w.labels)
                ),
            )
            .related(w.object, &w.labels_path(), "pod template labels")
            .help("Make the pod template labels satisfy the selector (a Deployment's selector cannot change after creation, so change the template)");
        }
    }
}
