//! `naked-pod`: a Pod that no controller recreates.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::Typed;
use crate::path;

pub(super) struct NakedPod;

static META: RuleMeta = RuleMeta {
    name: "naked-pod",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Pod with no ownerReferences: nothing recreates it when its node fails",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/naked-pod.md"),
};

impl Rule for NakedPod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Typed::Pod(pod) = &o.typed else { continue };
            if pod
                .metadata
                .owner_references
                .as_ref()
                .is_some_and(|r| !r.is_empty())
            {
                continue;
            }
            out.report(
                o,
                path!["metadata", "name"],
                format!("{} has no controller: nothing recreates it when its node fails", o.describe()),
            )
            .help("Run it from a Deployment (or a StatefulSet, DaemonSet or Job) so a failed pod is replaced");
        }
    }
}
