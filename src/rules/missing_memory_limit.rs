//! `missing-memory-limit`: a container without a memory limit.

use super::missing_resource_requests::has_resource;
use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub struct MissingMemoryLimit;

static META: RuleMeta = RuleMeta {
    name: "missing-memory-limit",
    group: Group::Resources,
    severity: Severity::Info,
    enabled: true,
    summary: "a container lacks a memory limit",
    options: &[],
    doc: include_str!("../../rules/missing-memory-limit.md"),
};

impl Rule for MissingMemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        missing_limit(
            cx,
            out,
            "memory",
            "a leak can exhaust the node and get other pods evicted",
        );
    }
}

/// Reports every container (sidecars included) without `resources.limits.<resource>`.
pub(super) fn missing_limit(cx: &Context<'_>, out: &mut Sink<'_>, resource: &str, why: &str) {
    for w in &cx.index.workloads {
        for c in w.containers() {
            if has_resource(&c, true, resource) {
                continue;
            }
            out.report(
                w.object,
                c.name_path(),
                format!(
                    "container `{}` of {} has no {resource} limit",
                    c.container.name,
                    w.object.describe()
                ),
            )
            .help(format!(
                "Set `resources.limits.{resource}`: without it {why}"
            ));
        }
    }
}
