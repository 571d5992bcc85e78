//! `hpa-target-missing`: an autoscaler whose target is not among the loaded objects.

use super::{Context, Group, Rule, RuleMeta, Sink, outside_files};
use crate::finding::Severity;
use crate::path;

pub(super) struct HpaTargetMissing;

static META: RuleMeta = RuleMeta {
    name: "hpa-target-missing",
    group: Group::References,
    severity: Severity::Warning,
    enabled: true,
    summary: "an autoscaler's scaleTargetRef matches no loaded object",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/hpa-target-missing.md"),
};

impl Rule for HpaTargetMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for a in cx.index.autoscalers() {
            let ns = a.object.namespace.as_str();
            if !cx.index.is_complete(ns) {
                continue;
            }
            let found = cx
                .index
                .find(a.object, a.target_kind, a.target_name)
                .any(|t| a.target_group.is_none_or(|g| t.group() == g));
            if found {
                continue;
            }
            out.report(
                a.object,
                path!["spec", "scaleTargetRef", "name"],
                format!(
                    "{} targets {} `{}`, which is not in namespace `{ns}`",
                    a.object.describe(),
                    a.target_kind,
                    a.target_name
                ),
            )
            .help(format!(
                "Fix `scaleTargetRef` (kind, name and apiVersion) to name the workload to scale; {}",
                outside_files(&format!("{} `{}`", a.target_kind, a.target_name))
            ));
        }
    }
}
