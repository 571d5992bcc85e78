//! `ineffective-pdb`: a PodDisruptionBudget that protects nothing.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::pdb_blocks_eviction::percent;
use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::Selector;
use crate::path;

pub struct IneffectivePdb;

static META: RuleMeta = RuleMeta {
    name: "ineffective-pdb",
    group: Group::Disruption,
    severity: Severity::Warning,
    enabled: true,
    summary: "a PodDisruptionBudget allows every pod to be evicted at once",
    options: &[],
    doc: include_str!("../../rules/ineffective-pdb.md"),
};

impl Rule for IneffectivePdb {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for (o, pdb) in cx.index.pdbs() {
            let Some(spec) = &pdb.spec else { continue };
            let help = "Set `maxUnavailable: 1` (or a `minAvailable` below the replica count) so drains evict one pod at a time";
            match (&spec.min_available, &spec.max_unavailable) {
                (None, None) => {
                    out.report(
                        o,
                        path!["spec"],
                        format!(
                            "{} sets neither minAvailable nor maxUnavailable: it expresses no budget (the disruption controller then allows no voluntary eviction at all)",
                            o.describe()
                        ),
                    )
                    .help(help);
                }
                (Some(min), _) => {
                    let zero = match min {
                        IntOrString::Int(n) => *n <= 0,
                        IntOrString::String(s) => percent(s) == Some(0),
                    };
                    if zero {
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
                        IntOrString::String(s) => percent(s).is_some_and(|p| p >= 100),
                        IntOrString::Int(n) => {
                            let selector = Selector::from_label(spec.selector.as_ref());
                            let matched = cx.index.workloads_matching(o, selector);
                            // Counted within one world: variants' copies never run together.
                            cx.index.worlds(&matched, |w| w.object).iter().any(|world| {
                                let total: Option<i64> = world
                                    .iter()
                                    .map(|w| cx.index.pod_count(w).map(i64::from))
                                    .sum();
                                !world.is_empty()
                                    && total.is_some_and(|t| t > 0 && i64::from(*n) >= t)
                            })
                        }
                    };
                    if all {
                        let shown = match max {
                            IntOrString::Int(n) => plural(n, "pod", "pods"),
                            IntOrString::String(s) => format!("`{s}`"),
                        };
                        out.report(
                            o,
                            path!["spec", "maxUnavailable"],
                            format!(
                                "{} lets every selected pod go at once: maxUnavailable is {shown}",
                                o.describe()
                            ),
                        )
                        .help(format!("{help}; {OUTSIDE_FILES}"));
                    }
                }
            }
        }
    }
}
