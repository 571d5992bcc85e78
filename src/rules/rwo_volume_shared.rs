//! `rwo-volume-shared`: a Deployment whose pods would share a ReadWriteOnce volume.

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Typed, deployment_strategy};

pub(super) struct RwoVolumeShared;

static META: RuleMeta = RuleMeta {
    name: "rwo-volume-shared",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Deployment with 2+ replicas or a rolling update mounts a ReadWriteOnce claim",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/rwo-volume-shared.md"),
};

impl Rule for RwoVolumeShared {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Typed::Deployment(d) = &w.object.typed else {
                continue;
            };
            let strategy = deployment_strategy(d);
            let count = cx.index.effective_replicas(w).count;
            let rolling = strategy == "RollingUpdate";
            if count < 2 && !rolling {
                continue;
            }
            for (path, claim) in cx.index.rwo_claims(w) {
                let why = if count >= 2 {
                    format!(
                        "its {} cannot all mount it",
                        plural(count, "replica", "replicas")
                    )
                } else {
                    "a rolling update starts the new pod before the old one releases it".to_owned()
                };
                out.report(
                    w.object,
                    path,
                    format!(
                        "{} mounts ReadWriteOnce claim `{}`: {why}; pods on other nodes stay Pending",
                        w.object.describe(),
                        claim.name
                    ),
                )
                .related(claim, &crate::path!["spec", "accessModes"], "ReadWriteOnce only")
                .help("Use a StatefulSet with volumeClaimTemplates (one volume per pod), a ReadWriteMany claim, or `replicas: 1` with `strategy: Recreate`");
            }
        }
    }
}
