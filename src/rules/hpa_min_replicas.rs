//! `hpa-min-replicas`: an autoscaler that may scale a workload down below the minimum.

use std::collections::HashMap;

use super::{Context, Group, OptionKind, OptionMeta, Rule, RuleMeta, RuleOptions, Sink, plural};
use crate::finding::Severity;
use crate::model::{Object, Workload};

pub(super) struct HpaMinReplicas;

static META: RuleMeta = RuleMeta {
    name: "hpa-min-replicas",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "an HPA or ScaledObject lets the workload scale below `min-replicas`",
    options: super::OptionsType::of::<Options>(),
    doc: include_str!("../../rules/hpa-min-replicas.md"),
};

/// `rules: { hpa-min-replicas: { min-replicas: 3 } }`
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
        help: "the fewest replicas an autoscaler may scale to",
        kind: OptionKind::Count,
    }];
}

impl Rule for HpaMinReplicas {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let min = i64::from(cx.options::<Options>().min_replicas);
        // Each autoscaler's target workload, for the fix (one pass, not one per autoscaler).
        let targets: HashMap<*const Object, &Workload<'_>> = cx
            .index
            .workloads
            .iter()
            .filter_map(|w| {
                let a = cx.index.autoscaler_of(w)?;
                Some((std::ptr::from_ref(a.object), w))
            })
            .collect();
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
            let fix = targets
                .get(&std::ptr::from_ref(a.object))
                .and_then(|w| raise_min(cx, a, w, min));
            let mut reported = out.report(
                a.object,
                a.min_path(),
                format!(
                    "{} may scale `{}` down to {}{default}",
                    a.object.describe(),
                    a.target_name,
                    plural(a.min_replicas, "replica", "replicas")
                ),
            );
            reported.help(format!(
                "Set `{field}: {min}` so a pod can fail or be evicted while another serves"
            ));
            if let Some(fix) = fix {
                reported.fix(fix);
            }
        }
    }
}

/// The unsafe fix: the minimum raised to `min`, when the target is a loaded workload that is
/// not a StatefulSet and runs no datastore (more copies of those are not replication), and the
/// maximum allows it.
fn raise_min(
    cx: &Context<'_>,
    a: &crate::index::Autoscaler<'_>,
    w: &Workload<'_>,
    min: i64,
) -> Option<crate::finding::Fix> {
    if min > i64::from(a.max_replicas) || min < 1 {
        return None;
    }
    let datastore = w.containers().any(|c| {
        crate::model::container_datastore(c.container.image.as_deref(), &c.container.name).is_some()
    });
    if datastore || w.kind == crate::model::WorkloadKind::StatefulSet {
        return None;
    }
    let text = crate::edit::Editor::of(cx.files, a.object)?;
    let edit = text.set_entry(
        a.object,
        &crate::model::FieldPath::from_keys(&["spec"]),
        a.min_field,
        &min.into(),
        Some(a.max_field),
    )?;
    Some(crate::finding::Fix {
        title: format!("Set `{}: {min}`", a.min_field),
        applicability: crate::finding::Applicability::Unsafe,
        edits: vec![edit],
    })
}
