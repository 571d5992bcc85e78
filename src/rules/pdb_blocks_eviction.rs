//! `pdb-blocks-eviction`: a PodDisruptionBudget that allows zero voluntary disruptions.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{Object, Selector, Typed};
use crate::path;

pub struct PdbBlocksEviction;

static META: RuleMeta = RuleMeta {
    name: "pdb-blocks-eviction",
    group: Group::Disruption,
    severity: Severity::Error,
    enabled: true,
    summary: "a PodDisruptionBudget allows zero disruptions: node drains and upgrades hang",
    options: &[],
    doc: include_str!("../../rules/pdb-blocks-eviction.md"),
};

/// `"25%"` → 25. Only what the API server accepts as a budget or rollout percentage counts
/// (`IsValidPercent`: digits then `%`, and `IsNotMoreThan100Percent`); `-10%`, `abc%`,
/// `50.5%`, ` 5%` or `150%` are rejected objects, so no rule reasons about them, and no
/// crafted value can overflow the arithmetic done with the result.
pub(crate) fn percent(s: &str) -> Option<i64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|p| (0..=100).contains(p))
}

/// A PDB count or percentage against `total` pods; percentages round up (disruption controller).
pub(crate) fn pdb_pods(value: &IntOrString, total: i64) -> Option<i64> {
    match value {
        IntOrString::Int(n) => Some(i64::from(*n)),
        IntOrString::String(s) => percent(s)
            .and_then(|p| p.checked_mul(total))
            .map(|n| n.saturating_add(99).div_euclid(100)),
    }
}

fn show(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => format!("`{s}`"),
    }
}

/// `maxUnavailable: 0` (or `0%`) allows no eviction whatever the replica count.
fn check_max_unavailable(o: &Object, max: &IntOrString, out: &mut Sink<'_>) {
    let zero = match max {
        IntOrString::Int(n) => *n == 0,
        IntOrString::String(s) => percent(s) == Some(0),
    };
    if zero {
        out.report(
            o,
            path!["spec", "maxUnavailable"],
            format!(
                "{} allows no disruption: maxUnavailable is {}",
                o.describe(),
                show(max)
            ),
        )
        .help("Set `maxUnavailable: 1` so a node drain can evict one pod at a time");
    }
}

impl Rule for PdbBlocksEviction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Typed::PodDisruptionBudget(pdb) = &o.typed else {
                continue;
            };
            let Some(spec) = &pdb.spec else { continue };
            if let Some(max) = &spec.max_unavailable {
                check_max_unavailable(o, max, out);
                continue;
            }
            let Some(min) = &spec.min_available else {
                continue;
            };
            if matches!(min, IntOrString::String(s) if percent(s).is_some_and(|p| p >= 100)) {
                out.report(
                    o,
                    path!["spec", "minAvailable"],
                    format!(
                        "{} allows no disruption: minAvailable is {}",
                        o.describe(),
                        show(min)
                    ),
                )
                .help(
                    "Use `maxUnavailable: 1` instead, so a node drain can evict one pod at a time",
                );
                continue;
            }
            let selector = Selector::from_label(spec.selector.as_ref());
            let matched = cx.index.workloads_matching(&o.namespace, selector);
            if matched.is_empty() {
                continue;
            }
            // DaemonSet and Job pod counts are unknown here: no conclusion.
            let Some(total) = matched
                .iter()
                .map(|w| cx.index.pod_count(w).map(i64::from))
                .sum::<Option<i64>>()
            else {
                continue;
            };
            let Some(required) = pdb_pods(min, total) else {
                continue;
            };
            if total == 0 || required < total {
                continue;
            }
            let rounding = if matches!(min, IntOrString::String(_)) {
                format!(" (rounds up to {required})")
            } else {
                String::new()
            };
            let mut reported = out.report(
                o,
                path!["spec", "minAvailable"],
                format!(
                    "{} allows no disruption: minAvailable {}{rounding} of {} selected",
                    o.describe(),
                    show(min),
                    plural(total, "pod", "pods")
                ),
            );
            reported.help(if total < 2 {
                format!(
                    "One pod cannot be both protected and evictable: run at least 2 replicas and use `maxUnavailable: 1`; {OUTSIDE_FILES}"
                )
            } else {
                format!("Set `minAvailable` below {total}, or use `maxUnavailable: 1`; {OUTSIDE_FILES}")
            });
            for w in matched {
                let replicas = cx.index.effective_replicas(w);
                match replicas.autoscaler {
                    Some(a) => reported.related(
                        a.object,
                        &a.min_path(),
                        format!("{} runs as few as {}", w.object.describe(), replicas.count),
                    ),
                    None => reported.related(
                        w.object,
                        &path!["spec", "replicas"],
                        format!(
                            "{} runs {}",
                            w.object.describe(),
                            plural(replicas.count, "replica", "replicas")
                        ),
                    ),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdb_percentages_round_up() {
        let p = |s: &str| IntOrString::String(s.to_owned());
        assert_eq!(pdb_pods(&p("90%"), 3), Some(3));
        assert_eq!(pdb_pods(&p("50%"), 3), Some(2));
        assert_eq!(pdb_pods(&p("1%"), 3), Some(1));
        assert_eq!(pdb_pods(&p("0%"), 3), Some(0));
        assert_eq!(pdb_pods(&p("100%"), 7), Some(7));
        assert_eq!(pdb_pods(&IntOrString::Int(2), 7), Some(2));
        assert_eq!(pdb_pods(&p("abc"), 3), None);
        // Strings the API server rejects are no percentage, whatever their digits.
        for bad in [
            "-10%",
            "abc%",
            "50.5%",
            "150%",
            " 5%",
            "+5%",
            "%",
            "99999999999999999999%",
        ] {
            assert_eq!(pdb_pods(&p(bad), 3), None, "{bad}");
        }
        assert_eq!(pdb_pods(&p("100%"), i64::MAX), None, "no overflow");
    }
}
