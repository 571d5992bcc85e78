//! `single-replica`: a scalable workload whose effective replicas are below the minimum.

use super::{Context, Group, OptionKind, OptionMeta, Rule, RuleMeta, RuleOptions, Sink, plural};
use crate::finding::Severity;
use crate::model::{WorkloadKind, container_datastore};
use crate::path;

pub(super) struct SingleReplica;

static META: RuleMeta = RuleMeta {
    name: "single-replica",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "a scalable workload runs fewer replicas than `min-replicas` (autoscaler aware)",
    options: super::OptionsType::of::<Options>(),
    doc: include_str!("../../rules/single-replica.md"),
};

/// `rules: { single-replica: { min-replicas: 3 } }`
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct Options {
    pub min_replicas: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self { min_replicas: 2 }
    }
}

impl RuleOptions for Options {
    const FIELDS: &'static [OptionMeta] = &[OptionMeta {
        name: "min-replicas",
        help: "the fewest replicas a workload may run",
        kind: OptionKind::Count,
    }];
}

impl Rule for SingleReplica {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let min = i64::from(cx.options::<Options>().min_replicas);
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            // An autoscaler's floor is `hpa-min-replicas`'s finding, on the autoscaler: one
            // cause, one finding.
            if cx.index.autoscaler_of(w).is_some() {
                continue;
            }
            let count = i64::from(w.replicas.unwrap_or(1));
            // `replicas: 0` is a deliberate choice: the workload is parked; a negative count
            // is `invalid-object`'s (the API server rejects it).
            if count <= 0 || count >= min {
                continue;
            }
            let message = match w.replicas {
                Some(_) => format!(
                    "{} runs {}",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
                None => format!("{} sets no `replicas` (defaults to 1)", w.object.describe()),
            };
            let store = w
                .containers()
                .find_map(|c| container_datastore(c.container.image.as_deref(), &c.container.name));
            // A pod nothing sends traffic to (a queue consumer, a controller, a load
            // generator) pauses its work while it is replaced; no request fails. That is
            // advice, not an availability risk of the same order.
            let services = cx.index.services_selecting(w);
            let serves = w
                .containers()
                .any(|c| w.traffic_to(&c, &services).is_some());
            let help = match (store, w.kind) {
                (Some(product), _) => format!(
                    "Replicas alone do not make {product} highly available: every replica is an independent {product} with its own data, so clients would see a split store. It needs replication: run it with {product}'s own replication or clustering (an operator or a chart that configures it), or use a managed service; if one instance is accepted, suppress this finding with that reason"
                ),
                (None, WorkloadKind::StatefulSet) => "Replicas alone do not make a StatefulSet highly available: each pod keeps its own identity and volume, so a second replica serves only if the software replicates or shards between its peers. It needs replication: configure it and then raise `spec.replicas`, or suppress this finding with the reason one instance is accepted".to_owned(),
                (None, _) if !serves => format!(
                    "Nothing in the run sends it traffic (no Service selects it and it declares no port): a worker or controller with one replica only pauses its work while the pod is replaced; if it serves requests, lint it together with its Service (or declare its port), and set `spec.replicas` to at least {min} (a controller also needs leader election)"
                ),
                (None, _) => format!(
                    "Set `spec.replicas` to at least {min} so one pod can fail or be evicted while the others serve"
                ),
            };
            // Never for a StatefulSet or a datastore (more copies are not replication), nor
            // for a worker (it may need leader election first).
            let fix = (serves && store.is_none() && w.kind != WorkloadKind::StatefulSet)
                .then(|| raise_replicas(cx, w.object, min))
                .flatten();
            let mut reported = out.report(w.object, path!["spec", "replicas"], message);
            if let Some(fix) = fix {
                reported.fix(fix);
            }
            if !serves && store.is_none() {
                reported.severity(Severity::Info);
            }
            reported.help(help);
        }
    }
}

/// The unsafe fix: `spec.replicas` raised to `min` (set, or added to `spec`).
fn raise_replicas(
    cx: &Context<'_>,
    o: &crate::model::Object,
    min: i64,
) -> Option<crate::finding::Fix> {
    let text = crate::edit::Editor::of(cx.files, o)?;
    let edit = text.set_entry(o, &path!["spec"], "replicas", &min.into(), Some("selector"))?;
    Some(crate::finding::Fix {
        title: format!("Set `replicas: {min}`"),
        applicability: crate::finding::Applicability::Unsafe,
        edits: vec![edit],
    })
}
