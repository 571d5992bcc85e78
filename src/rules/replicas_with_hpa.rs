//! `replicas-with-hpa`: a workload that sets `spec.replicas` while an autoscaler owns the count.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::edit::Editor;
use crate::finding::{Applicability, Fix, Severity};
use crate::path;

pub(super) struct ReplicasWithHpa;

static META: RuleMeta = RuleMeta {
    name: "replicas-with-hpa",
    group: Group::Replicas,
    severity: Severity::Warning,
    enabled: true,
    summary: "a workload sets spec.replicas while an autoscaler targets it",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/replicas-with-hpa.md"),
};

impl Rule for ReplicasWithHpa {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            // A negative count is `invalid-object`'s: the API server rejects it.
            let Some(replicas) = w.replicas.filter(|n| *n >= 0) else {
                continue;
            };
            let Some(a) = cx.index.autoscaler_of(w) else {
                continue;
            };
            let fix = drop_replicas(cx, w.object);
            let mut reported = out.report(
                w.object,
                path!["spec", "replicas"],
                format!(
                    "{} sets `replicas: {replicas}` but {} scales it",
                    w.object.describe(),
                    a.object.describe()
                ),
            );
            reported
            .related(a.object, &path!["spec", "scaleTargetRef"], format!("{} targets it", a.object.describe()))
            .help(format!(
                "Remove `spec.replicas`: every apply resets the scale the autoscaler chose (its minimum, {}, applies instead)",
                a.min_replicas
            ));
            if let Some(fix) = fix {
                reported.fix(fix);
            }
        }
    }
}

/// Removes `spec.replicas`: the autoscaler owns the scale, so leaving it out changes nothing
/// the autoscaler does not already decide (a safe fix).
fn drop_replicas(cx: &Context<'_>, o: &crate::model::Object) -> Option<Fix> {
    let text = Editor::of(cx.files, o)?;
    let spec = crate::edit::written_node(o, &path!["spec"])?;
    let i = o
        .get(&path!["spec"])?
        .as_object()?
        .keys()
        .position(|k| k == "replicas")?;
    let edit = text.remove_entry(spec, i)?;
    Some(Fix {
        title: "Remove `spec.replicas`".to_owned(),
        applicability: Applicability::Safe,
        edits: vec![edit],
    })
}
