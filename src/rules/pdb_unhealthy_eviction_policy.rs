//! `pdb-unhealthy-eviction-policy`: a PodDisruptionBudget that lets crash-looping pods block drains.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::path;

pub struct PdbUnhealthyEvictionPolicy;

static META: RuleMeta = RuleMeta {
    name: "pdb-unhealthy-eviction-policy",
    group: Group::Disruption,
    severity: Severity::Info,
    enabled: false,
    summary: "a PodDisruptionBudget does not set unhealthyPodEvictionPolicy: AlwaysAllow",
    options: &[],
    doc: include_str!("../../rules/pdb-unhealthy-eviction-policy.md"),
};

impl Rule for PdbUnhealthyEvictionPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for (o, pdb) in cx.index.pdbs() {
            let policy = pdb
                .spec
                .as_ref()
                .and_then(|s| s.unhealthy_pod_eviction_policy.as_deref());
            if policy == Some("AlwaysAllow") {
                continue;
            }
            let message = match policy {
                Some(p) => format!(
                    "{} uses unhealthyPodEvictionPolicy `{p}`: crash-looping pods can block node drains",
                    o.describe()
                ),
                None => format!(
                    "{} does not set unhealthyPodEvictionPolicy: crash-looping pods can block node drains",
                    o.describe()
                ),
            };
            out.report(o, path!["spec", "unhealthyPodEvictionPolicy"], message)
                .help("Set `unhealthyPodEvictionPolicy: AlwaysAllow` so pods that are not ready can always be evicted");
        }
    }
}
