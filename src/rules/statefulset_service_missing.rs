//! `statefulset-service-missing`: a StatefulSet whose governing headless Service is missing.

use super::{Context, Group, Rule, RuleMeta, Sink, outside_files};
use crate::finding::Severity;
use crate::model::{Selector, Typed, display_labels};
use crate::path;

pub(super) struct StatefulsetServiceMissing;

static META: RuleMeta = RuleMeta {
    name: "statefulset-service-missing",
    group: Group::Rollout,
    severity: Severity::Warning,
    enabled: true,
    summary: "a StatefulSet's serviceName names no headless Service selecting its pods",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/statefulset-service-missing.md"),
};

impl Rule for StatefulsetServiceMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in &cx.index.workloads {
            let Typed::StatefulSet(s) = &w.object.typed else {
                continue;
            };
            let Some(name) = s.spec.service_name.as_deref().filter(|n| !n.is_empty()) else {
                continue;
            };
            let ns = w.object.namespace.as_str();
            let services: Vec<_> = cx.index.find(w.object, "Service", name).collect();
            let selects = w.own_pods_selector();
            let (problem, help) = if services.is_empty() {
                if !cx.index.is_complete(ns) {
                    continue;
                }
                (
                    format!("no Service `{name}` in namespace `{ns}`"),
                    format!(
                        "Add a headless Service `{name}` (`clusterIP: None`) whose selector is {selects}: it gives each pod its stable DNS name; {}",
                        outside_files(&format!("Service `{name}`"))
                    ),
                )
            } else {
                let headless = services.iter().find_map(|o| match &o.typed {
                    Typed::Service(svc) => svc
                        .spec
                        .as_ref()
                        .filter(|s| s.cluster_ip.as_deref() == Some("None")),
                    _ => None,
                });
                match headless {
                    None => (
                        format!("Service `{name}` is not headless (`clusterIP: None`)"),
                        format!(
                            "`spec.clusterIP` cannot be changed on an existing Service, and a StatefulSet's `serviceName` cannot be changed either: delete Service `{name}` and create it again with `clusterIP: None` (clients that use its cluster IP lose it for that moment), or keep it for clients and give the pods a second, headless Service by recreating the StatefulSet with `kubectl delete statefulset --cascade=orphan` and a new `serviceName`"
                        ),
                    ),
                    Some(spec) => match &spec.selector {
                        Some(sel) if !sel.is_empty() && w.is_selected_by(Selector::Map(sel)) => {
                            continue;
                        }
                        Some(sel) if !sel.is_empty() => (
                            format!(
                                "headless Service `{name}` selects `{}`, not the StatefulSet's pods `{}`",
                                display_labels(sel),
                                display_labels(w.labels)
                            ),
                            format!("Set the selector of Service `{name}` to {selects}"),
                        ),
                        _ => (
                            format!("headless Service `{name}` has no selector"),
                            format!(
                                "Give Service `{name}` the selector {selects}: without one, no endpoints and no per-pod DNS records are created"
                            ),
                        ),
                    },
                }
            };
            out.report(
                w.object,
                path!["spec", "serviceName"],
                format!(
                    "{} names governing Service `{name}`, but {problem}",
                    w.object.describe()
                ),
            )
            .help(help);
        }
    }
}
