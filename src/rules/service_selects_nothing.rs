//! `service-selects-nothing`: a Service whose selector matches no pod template.

use super::{Context, Group, OUTSIDE_FILES, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::{Selector, display_labels, service_pod_selector};
use crate::path;

pub(super) struct ServiceSelectsNothing;

static META: RuleMeta = RuleMeta {
    name: "service-selects-nothing",
    group: Group::References,
    severity: Severity::Warning,
    enabled: true,
    summary: "a Service's selector matches no pod template in its namespace",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/service-selects-nothing.md"),
};

impl Rule for ServiceSelectsNothing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for o in cx.objects {
            let Some(selector) = service_pod_selector(o) else {
                continue;
            };
            if !cx.index.is_complete(&o.namespace)
                || !cx
                    .index
                    .pods_matching(o, Selector::Map(selector))
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
            ))
            .pods_may_come_from(cx.index.unknown_custom_resource(&o.namespace));
        }
    }
}
