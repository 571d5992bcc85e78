//! `pdb-unhealthy-eviction-policy`: a PodDisruptionBudget that lets crash-looping pods block drains.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::PdbApi;
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
        // policy/v1beta1 never served the field (it came in 1.26, after v1beta1 went in
        // 1.25): `deprecated-api` asks to move to policy/v1 first.
        for p in cx.index.pdbs().filter(|p| p.api == PdbApi::V1) {
            let o = p.object;
            let policy = p
                .spec()
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
