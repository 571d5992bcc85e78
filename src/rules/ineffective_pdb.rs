//! `ineffective-pdb`: a PodDisruptionBudget that protects nothing.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{budget_is_every_pod, budget_is_zero};
use crate::path;

pub(super) struct IneffectivePdb;

static META: RuleMeta = RuleMeta {
    name: "ineffective-pdb",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a PodDisruptionBudget allows every pod to be evicted at once",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/ineffective-pdb.md"),
};

impl Rule for IneffectivePdb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for p in cx.index.pdbs() {
            let o = p.object;
            let Some(spec) = p.spec() else { continue };
            let help = "Set `maxUnavailable: 1` (or a `minAvailable` below the replica count) so drains evict one pod at a time";
            // The pods the budget counts: `None` when a matched workload's count is unknown
            // (DaemonSet, Job) or nothing is matched.
            // Counted within one world (variants' copies never run together): the smallest
            // world's count, where a budget is likeliest to cover every pod.
            let matched = cx.index.pods_matching(o, p.selector());
            let total = cx
                .index
                .pod_worlds(&matched)
                .iter()
                .filter(|world| !world.is_empty())
                .map(|world| cx.index.pod_total(world))
                .min_by_key(|t| t.unwrap_or(i64::MAX));
            let total = total.flatten();
            // With one pod no budget can both protect it and let a drain go on: a budget that
            // lets it go is `single-replica`'s finding on the workload, not this budget's flaw.
            let one_pod = total.is_some_and(|t| t <= 1);
            match (&spec.min_available, &spec.max_unavailable) {
                (None, None) => {
                    out.report(
                        o,
                        path!["spec"],
                        format!(
                            "{} sets neither minAvailable nor maxUnavailable: it expresses no budget, and the disruption controller then allows no voluntary eviction at all",
                            o.describe()
                        ),
                    )
                    // Expected pods 0 ⇒ `disruptionsAllowed: 0`: drains hang for certain.
                    .severity(Severity::Error)
                    .help(help);
                }
                (Some(min), _) => {
                    // A negative count is `invalid-object`'s: the API server rejects it.
                    if budget_is_zero(min) && !one_pod {
                        out.report(
                            o,
                            path!["spec", "minAvailable"],
                            format!("{} keeps no pod available: minAvailable is 0", o.describe()),
                        )
                        .help(help);
                    }
                }
                (None, Some(max)) => {
                    let all = match max {
                        IntOrString::String(_) => budget_is_every_pod(max),
                        IntOrString::Int(n) => total.is_some_and(|t| t > 0 && i64::from(*n) >= t),
                    };
                    if all && !one_pod {
                        let shown = match max {
                            IntOrString::Int(n) => plural(n, "pod", "pods"),
                            IntOrString::String(s) => format!("`{s}`"),
                        };
                        let pods = total.map_or(String::new(), |t| {
                            format!(", and it selects {}", plural(t, "pod", "pods"))
                        });
                        out.report(
                            o,
                            path!["spec", "maxUnavailable"],
                            format!(
                                "{} lets every selected pod go at once: maxUnavailable is {shown}{pods}",
                                o.describe()
                            ),
                        )
                        .help(help);
                    }
                }
            }
        }
    }
}
