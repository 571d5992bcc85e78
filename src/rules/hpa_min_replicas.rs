//! `hpa-min-replicas`: an autoscaler that may scale a workload down below the minimum.

use super::{Context, Group, OptionDefault, OptionMeta, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;

pub struct HpaMinReplicas;

static META: RuleMeta = RuleMeta {
    name: "hpa-min-replicas",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "an HPA or ScaledObject lets the workload scale below `min-replicas`",
    options: &[OptionMeta {
        name: "min-replicas",
        help: "the fewest replicas an autoscaler may scale to",
        default: OptionDefault::Int(2),
    }],
    doc: include_str!("../../rules/hpa-min-replicas.md"),
};

impl Rule for HpaMinReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let min = cx.int_option("min-replicas");
        for a in cx.index.autoscalers() {
            // A negative minimum is rejected by the API server: `invalid-object`'s finding.
            if i64::from(a.min_replicas) >= min || a.min_replicas < 0 {
                continue;
            }
            let field = a.min_field;
            let default = if a.min_explicit {
                String::new()
            } else {
                format!(" (`{field}` defaults to {})", a.min_replicas)
            };
            out.report(
                a.object,
                a.min_path(),
                format!(
                    "{} may scale `{}` down to {}{default}",
                    a.object.describe(),
                    a.target_name,
                    plural(a.min_replicas, "replica", "replicas")
                ),
            )
            .help(format!(
                "Set `{field}: {min}` so a pod can fail or be evicted while another serves"
            ));
        }
    }
}
