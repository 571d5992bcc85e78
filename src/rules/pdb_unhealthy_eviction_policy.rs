//! `pdb-unhealthy-eviction-policy`: a PodDisruptionBudget that lets crash-looping pods block drains.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::edit::Editor;
use crate::finding::{Applicability, Fix, Severity};
use crate::model::PdbApi;
use crate::path;

pub(super) struct PdbUnhealthyEvictionPolicy;

static META: RuleMeta = RuleMeta {
    name: "pdb-unhealthy-eviction-policy",
    group: Group::Disruption,
    severity: Severity::Info,
    enabled: false,
    summary: "a PodDisruptionBudget does not set unhealthyPodEvictionPolicy: AlwaysAllow",
    options: super::OptionsType::NONE,
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
            // Adding the field where it is unset is safe; replacing a policy someone chose
            // changes what they asked for, so that one is unsafe.
            let applicability = if policy.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            let fix = Editor::of(cx.files, o)
                .and_then(|t| {
                    t.set_entry(
                        o,
                        &path!["spec"],
                        "unhealthyPodEvictionPolicy",
                        &"AlwaysAllow".into(),
                        None,
                    )
                })
                .map(|edit| Fix {
                    title: "Set `unhealthyPodEvictionPolicy: AlwaysAllow`".to_owned(),
                    applicability,
                    edits: vec![edit],
                });
            let mut reported = out.report(o, path!["spec", "unhealthyPodEvictionPolicy"], message);
            reported.help("Set `unhealthyPodEvictionPolicy: AlwaysAllow` so pods that are not ready can always be evicted");
            if let Some(fix) = fix {
                reported.fix(fix);
            }
        }
    }
}
