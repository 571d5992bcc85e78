//! `single-replica`: a scalable workload whose effective replicas are below the minimum.

use super::{Context, Group, OptionDefault, OptionMeta, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::path;

pub struct SingleReplica;

static META: RuleMeta = RuleMeta {
    name: "single-replica",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "a scalable workload runs fewer replicas than `min-replicas` (autoscaler aware)",
    options: &[OptionMeta {
        name: "min-replicas",
        help: "the fewest replicas a workload may run",
        default: OptionDefault::Int(2),
    }],
    doc: include_str!("../../rules/single-replica.md"),
};

impl Rule for SingleReplica {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let min = cx.int_option("min-replicas");
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let replicas = cx.index.effective_replicas(w);
            let count = i64::from(replicas.count);
            // `replicas: 0` (or an autoscaler minimum of 0) is a deliberate choice.
            if count == 0 || count >= min {
                continue;
            }
            let at = path!["spec", "replicas"];
            match replicas.autoscaler {
                None => {
                    out.report(
                        w.object,
                        at,
                        format!("{} runs {}", w.object.describe(), plural(count, "replica", "replicas")),
                    )
                    .help(format!(
                        "Set `spec.replicas` to at least {min} so one pod can fail or be evicted while the others serve"
                    ));
                }
                Some(a) => {
                    out.report(
                        w.object,
                        at,
                        format!(
                            "{} runs as few as {}: {} has minReplicas {}",
                            w.object.describe(),
                            plural(count, "replica", "replicas"),
                            a.object.describe(),
                            a.min_replicas
                        ),
                    )
                    .related(
                        a.object,
                        &a.min_path(),
                        if a.min_explicit {
                            format!("minimum of {} set here", a.object.describe())
                        } else {
                            format!(
                                "{} sets no minimum: it defaults to {}",
                                a.object.describe(),
                                a.min_replicas
                            )
                        },
                    )
                    .help(format!(
                        "Raise the minimum of {} to at least {min}",
                        a.object.describe()
                    ));
                }
            }
        }
    }
}
