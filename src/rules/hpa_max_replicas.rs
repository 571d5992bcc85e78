//! `hpa-max-replicas`: an autoscaler whose maximum does not exceed its minimum.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub struct HpaMaxReplicas;

static META: RuleMeta = RuleMeta {
    name: "hpa-max-replicas",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "an HPA's maxReplicas is not greater than its minReplicas: it can never scale",
    options: &[],
    doc: include_str!("../../rules/hpa-max-replicas.md"),
};

impl Rule for HpaMaxReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for a in cx.index.autoscalers() {
            if a.max_replicas > a.min_replicas {
                continue;
            }
            let (min_field, max_field) = (a.min_field, a.max_field);
            out.report(
                a.object,
                a.max_path(),
                format!(
                    "{} can never scale: {max_field} {} is not above {min_field} {}",
                    a.object.describe(),
                    a.max_replicas,
                    a.min_replicas
                ),
            )
            .help(format!(
                "Raise `{max_field}` above {} so the autoscaler can add pods under load",
                a.min_replicas
            ));
        }
    }
}
