//! `missing-zone-spread`: three or more replicas that nothing spreads across zones.

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::display_labels;

pub(super) struct MissingZoneSpread;

static META: RuleMeta = RuleMeta {
    name: "missing-zone-spread",
    group: Group::Scheduling,
    severity: Severity::Info,
    enabled: false,
    summary: "3+ effective replicas with no spreading on topology.kubernetes.io/zone",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-zone-spread.md"),
};

const ZONE: &str = "topology.kubernetes.io/zone";

impl Rule for MissingZoneSpread {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let zone = [ZONE.to_owned()];
        for w in cx.index.workloads.iter().filter(|w| w.is_scalable()) {
            let count = cx.index.effective_replicas(w).count;
            if count < 3 || w.spreads_own_pods(&zone) {
                continue;
            }
            out.report(
                w.object,
                w.pod_spec_path(),
                format!(
                    "{} ({}) is not spread across zones: one zone outage may take every replica",
                    w.object.describe(),
                    plural(count, "replica", "replicas")
                ),
            )
            .help(format!(
                "Add a `topologySpreadConstraints` entry with `topologyKey: {ZONE}`, `maxSkew: 1` and a `labelSelector` matching `{}`",
                display_labels(w.labels)
            ));
        }
    }
}
