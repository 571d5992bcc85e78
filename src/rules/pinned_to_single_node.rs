//! `pinned-to-single-node`: a long-running workload that can only run on one node.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::FieldPath;

pub(super) struct PinnedToSingleNode;

static META: RuleMeta = RuleMeta {
    name: "pinned-to-single-node",
    group: Group::Scheduling,
    severity: Severity::Warning,
    enabled: true,
    summary: "a long-running workload sets nodeName or requires one kubernetes.io/hostname",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/pinned-to-single-node.md"),
};

const HOSTNAME: &str = "kubernetes.io/hostname";

impl Rule for PinnedToSingleNode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            let spec = w.pod_spec;
            let base = w.pod_spec_path();
            let mut pinned: Option<(FieldPath, String)> = None;
            if let Some(node) = &spec.node_name {
                pinned = Some((
                    base.clone().key("nodeName"),
                    format!("sets `nodeName: {node}`"),
                ));
            } else if let Some(node) = spec.node_selector.as_ref().and_then(|s| s.get(HOSTNAME)) {
                pinned = Some((
                    base.clone().keys(&["nodeSelector", HOSTNAME]),
                    format!("selects the single node `{node}`"),
                ));
            } else if let Some(required) = spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|n| {
                    n.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
            {
                // Terms are OR-ed: pinned when every term requires the same single hostname.
                let hosts: Vec<&str> = required
                    .node_selector_terms
                    .iter()
                    .filter_map(|t| {
                        t.match_expressions.iter().flatten().find_map(|e| {
                            (e.key == HOSTNAME && e.operator == "In")
                                .then_some(e.values.as_deref().unwrap_or_default())
                                .and_then(|v| match v {
                                    [one] => Some(one.as_str()),
                                    _ => None,
                                })
                        })
                    })
                    .collect();
                if let Some(first) = hosts.first()
                    && hosts.len() == required.node_selector_terms.len()
                    && hosts.iter().all(|h| h == first)
                {
                    pinned = Some((
                        base.clone().keys(&[
                            "affinity",
                            "nodeAffinity",
                            "requiredDuringSchedulingIgnoredDuringExecution",
                        ]),
                        format!("requires the single node `{first}`"),
                    ));
                }
            }
            let Some((path, how)) = pinned else { continue };
            out.report(
                w.object,
                path,
                format!("{} {how}: every replica shares that node's fate", w.object.describe()),
            )
            .help("Let the scheduler choose among several nodes: use labels shared by a pool of nodes (or preferred affinity) instead of one hostname");
        }
    }
}
