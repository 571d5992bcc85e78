//! `missing-resource-requests`: a long-running container without cpu and memory requests.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::ContainerRef;

pub struct MissingResourceRequests;

static META: RuleMeta = RuleMeta {
    name: "missing-resource-requests",
    group: Group::Resources,
    severity: Severity::Warning,
    enabled: true,
    summary: "a container of a long-running workload lacks a cpu or memory request",
    options: &[],
    doc: include_str!("../../rules/missing-resource-requests.md"),
};

/// Whether the container sets `resources.<kind>.<resource>` (`requests`/`limits`, `cpu`/`memory`).
pub(super) fn has_resource(c: &ContainerRef<'_>, limits: bool, resource: &str) -> bool {
    c.container.resources.as_ref().is_some_and(|r| {
        let map = if limits { &r.limits } else { &r.requests };
        map.as_ref().is_some_and(|m| m.contains_key(resource))
    })
}

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
                    .filter(|r| !has_resource(&c, false, r) && !has_resource(&c, true, r))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let what = missing.join(" and ");
                out.report(
                    w.object,
                    c.path.clone(),
                    format!("container `{}` of {} has no {what} request", c.container.name, w.object.describe()),
                )
                .help(format!(
                    "Set `resources.requests.{}` to what the container needs: without requests the scheduler overcommits nodes and the pod is evicted first under pressure",
                    missing.join("` and `resources.requests.")
                ));
            }
        }
    }
}
