//! `hpa-max-replicas`: an autoscaler whose maximum does not exceed its minimum.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct HpaMaxReplicas;

static META: RuleMeta = RuleMeta {
    name: "hpa-max-replicas",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "an HPA's maxReplicas is not greater than its minReplicas: it can never scale",
    options: super::OptionsType::NONE,
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
            let is_hpa = a.object.kind == "HorizontalPodAutoscaler";
            // The API server rejects an HPA whose maxReplicas is below 1 or below an explicit
            // minReplicas (`ValidateHorizontalPodAutoscalerSpec` in
            // pkg/apis/autoscaling/validation); equal bounds are valid but never scale.
            let rejected = is_hpa
                && (a.max_replicas < 1 || (a.min_explicit && a.max_replicas < a.min_replicas));
            if rejected {
                let reason = if a.max_replicas < 1 {
                    "must be greater than 0".to_owned()
                } else {
                    format!(
                        "must be greater than or equal to `{min_field}` ({})",
                        a.min_replicas
                    )
                };
                out.report(
                    a.object,
                    a.max_path(),
                    format!(
                        "{} is rejected by the API server: `{max_field}` {} {reason}",
                        a.object.describe(),
                        a.max_replicas,
                    ),
                )
                .severity(Severity::Error)
                .help(format!(
                    "Set `{max_field}` above {} so the autoscaler can add pods under load",
                    a.min_replicas
                ));
                continue;
            }
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
