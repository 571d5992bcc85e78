//! `service-selects-nothing`: a Service whose selector matches no pod template.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Object, Selector, Typed, display_labels};
use crate::path;

pub struct ServiceSelectsNothing;

static META: RuleMeta = RuleMeta {
    name: "service-selects-nothing",
    group: Group::References,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Service's selector matches no pod template in its namespace",
    options: &[],
    doc: include_str!("../../rules/service-selects-nothing.md"),
};

/// A Service's selector when it routes to pods: set, non-empty, and not an `ExternalName`.
pub(crate) fn pod_selector(o: &Object) -> Option<&crate::model::Labels> {
    let Typed::Service(svc) = &o.typed else {
        return None;
    };
    let spec = svc.spec.as_ref()?;
    if spec.type_.as_deref() == Some("ExternalName") {
        return None;
    }
    spec.selector.as_ref().filter(|s| !s.is_empty())
}

impl Rule for ServiceSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Some(selector) = pod_selector(o) else {
                continue;
            };
            if !cx.index.is_complete(&o.namespace)
                || !cx
                    .index
                    .workloads_matching(o, Selector::Map(selector))
                    .is_empty()
            {
                continue;
            }
            out.report(
                o,
                path!["spec", "selector"],
                format!(
                    "{} selects no pods: no pod template in namespace `{}` has labels `{}`",
                    o.describe(),
                    o.namespace,
                    display_labels(selector)
                ),
            )
            .help(format!(
                "Make the selector match the pod template labels of the workload behind this Service; {OUTSIDE_FILES}"
            ));
        }
    }
}
