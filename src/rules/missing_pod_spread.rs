//! `missing-pod-spread`: replicas that nothing spreads across nodes or zones.

use super::{Context, Group, OptionKind, OptionMeta, Rule, RuleMeta, RuleOptions, Sink, plural};
use crate::finding::Severity;

pub(super) struct MissingPodSpread;

pub(crate) const DEFAULT_TOPOLOGY_KEYS: &[&str] = &[
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
];

static META: RuleMeta = RuleMeta {
    name: "missing-pod-spread",
    group: Group::Scheduling,
    severity: Severity::Warning,
    enabled: true,
    summary: "a workload with 2+ replicas has neither pod anti-affinity nor topology spread over its own pods",
    options: super::OptionsType::of::<Options>(),
    doc: include_str!("../../rules/missing-pod-spread.md"),
};

/// `rules: { missing-pod-spread: { topology-keys: [kubernetes.io/hostname] } }`
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Options {
    pub topology_keys: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            topology_keys: DEFAULT_TOPOLOGY_KEYS
                .iter()
                .map(|&k| k.to_owned())
                .collect(),
        }
    }
}

impl RuleOptions for Options {
    const FIELDS: &'static [OptionMeta] = &[OptionMeta {
        name: "topology-keys",
        help: "topology keys that count as spreading (replaces the default list)",
        kind: OptionKind::Strings,
    }];
}

impl Rule for MissingPodSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let options = cx.options::<Options>();
        let keys = options.topology_keys.as_slice();
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let count = cx.index.effective_replicas(w).count;
            if count < 2 || w.spreads_own_pods(keys) {
                continue;
            }
            let has_some = w
                .pod_spec
                .affinity
                .as_ref()
                .is_some_and(|a| a.pod_anti_affinity.is_some())
                || w.pod_spec
                    .topology_spread_constraints
                    .as_ref()
                    .is_some_and(|c| !c.is_empty());
            let what = if has_some {
                "no pod anti-affinity or topology spread that spreads its own pods over an accepted topology key"
            } else {
                "no pod anti-affinity or topology spread"
            };
            let fix = if has_some {
                None
            } else {
                spread_fix(cx, w, keys)
            };
            // With nothing at all, the scheduler may stack every replica on one node. A spread
            // over a key the config does not accept (nodes, when only zones count) keeps them
            // apart there, but not in the accepted domain.
            let domain = if has_some {
                domain_of(keys.first().map_or(HOSTNAME, String::as_str))
            } else {
                "on one node".to_owned()
            };
            let mut reported = out.report(
                w.object,
                w.pod_spec_path(),
                format!(
                    "{} ({}) has {what}: all replicas may land {domain}",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
            );
            if let Some(fix) = fix {
                reported.fix(fix);
            }
            reported.help(format!(
                "Add `topologySpreadConstraints` with `topologyKey: {}` and a `labelSelector` of the workload's own selector ({}), or a podAntiAffinity term on the same key",
                keys.first().map_or(HOSTNAME, String::as_str),
                w.own_pods_selector()
            ));
        }
    }
}

const HOSTNAME: &str = "kubernetes.io/hostname";

/// Where replicas may gather, for a topology key: `on one node`, `in one zone`, ...
fn domain_of(key: &str) -> String {
    match key {
        HOSTNAME => "on one node".to_owned(),
        "topology.kubernetes.io/zone" | "failure-domain.beta.kubernetes.io/zone" => {
            "in one zone".to_owned()
        }
        "topology.kubernetes.io/region" | "failure-domain.beta.kubernetes.io/region" => {
            "in one region".to_owned()
        }
        other => format!("in one `{other}` domain"),
    }
}

/// The unsafe fix, for Deployments only: one `topologySpreadConstraints` entry over
/// `kubernetes.io/hostname` with `whenUnsatisfiable: ScheduleAnyway` (it never blocks
/// scheduling, which is why it is the one added), a `labelSelector` of the Deployment's
/// `matchLabels`, and `matchLabelKeys: [pod-template-hash]` from Kubernetes 1.27 (where the
/// field is on by default) so a rollout's old pods do not count against the new ones.
fn spread_fix(
    cx: &Context<'_>,
    w: &crate::model::Workload<'_>,
    keys: &[String],
) -> Option<crate::finding::Fix> {
    if w.kind != crate::model::WorkloadKind::Deployment
        || !matches!(w.object.typed, crate::model::Typed::Deployment(_))
        || !keys.iter().any(|k| k == HOSTNAME)
    {
        return None;
    }
    let labels = crate::edit::own_match_labels(w)?;
    let pod_spec = w.pod_spec_path();
    let spec = pod_spec.get(&w.object.raw)?.as_object()?;
    if spec.contains_key("topologySpreadConstraints") || labels.contains_key("pod-template-hash") {
        return None;
    }
    let mut constraint = serde_json::json!({
        "maxSkew": 1,
        "topologyKey": HOSTNAME,
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": { "matchLabels": labels },
    });
    if cx.kubernetes_version >= (1, 27)
        && let Some(map) = constraint.as_object_mut()
    {
        map.insert(
            "matchLabelKeys".to_owned(),
            serde_json::json!(["pod-template-hash"]),
        );
    }
    let text = crate::edit::Editor::of(cx.files, w.object)?;
    let node = crate::edit::written_node(w.object, &pod_spec)?;
    let edit = text.insert_entry(
        node,
        "topologySpreadConstraints",
        &serde_json::json!([constraint]),
    )?;
    Some(crate::finding::Fix {
        title: format!("Spread the pods over `{HOSTNAME}` (ScheduleAnyway)"),
        applicability: crate::finding::Applicability::Unsafe,
        edits: vec![edit],
    })
}
