//! `missing-resource-requests`: a long-running container without cpu and memory requests.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::container_requests;

pub(super) struct MissingResourceRequests;

static META: RuleMeta = RuleMeta {
    name: "missing-resource-requests",
    group: Group::Resources,
    severity: Severity::Warning,
    enabled: true,
    summary: "a container of a long-running workload lacks a cpu or memory request",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-resource-requests.md"),
};

impl Rule for MissingResourceRequests {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            for c in w.containers() {
                // A limit without a request sets the request too (Kubernetes defaults it).
                let missing: Vec<&str> = ["cpu", "memory"]
                    .into_iter()
                    .filter(|r| !container_requests(c.container, r))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let what = missing.join(" and ");
                let help = match missing.as_slice() {
                    ["cpu"] => "Set `resources.requests.cpu` to what the container needs: without it the scheduler counts no CPU for this container and overcommits the node, and when the node is busy the container gets the smallest CPU share and is starved (CPU is throttled, not a reason for eviction)".to_owned(),
                    ["memory"] => "Set `resources.requests.memory` to what the container needs: the scheduler cannot place the pod by its memory, and under node memory pressure the kubelet evicts pods whose usage exceeds their request first".to_owned(),
                    _ => "Set `resources.requests.cpu` and `resources.requests.memory` to what the container needs: without them the pod is BestEffort (the first the kubelet evicts under memory pressure) when no container sets any, the scheduler overcommits the node, and under CPU contention the container is starved".to_owned(),
                };
                out.report(
                    w.object,
                    c.name_path(),
                    format!(
                        "container `{}` of {} has no {what} request",
                        c.container.name,
                        w.object.describe()
                    ),
                )
                .help(help);
            }
        }
    }
}
