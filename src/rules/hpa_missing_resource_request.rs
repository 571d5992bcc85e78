//! `hpa-missing-resource-request`: an HPA with a `Utilization` target whose pods do not all
//! request that resource, so the HPA controller cannot compute utilization and never scales.

use std::collections::{HashMap, HashSet};

use super::{Context, Group, Rule, RuleMeta, Sink, plural};
use crate::finding::Severity;
use crate::model::{
    UtilizationTarget, Workload, container_requests, limit_range_defaults_request,
    pod_level_requests, utilization_targets,
};

pub(super) struct HpaMissingResourceRequest;

static META: RuleMeta = RuleMeta {
    name: "hpa-missing-resource-request",
    group: Group::Replicas,
    severity: Severity::Error,
    enabled: true,
    summary: "an HPA's cpu/memory Utilization target has containers that do not request that resource",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/hpa-missing-resource-request.md"),
};

fn describe_target(t: &UtilizationTarget) -> String {
    let what = match &t.container {
        Some(c) => format!("`{}` Utilization target of container `{c}`", t.resource),
        None => format!("`{}` Utilization target", t.resource),
    };
    if t.defaulted {
        format!("{what} (the default when no metric is written: 80%)")
    } else {
        what
    }
}

impl Rule for HpaMissingResourceRequest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        // One finding per container and resource, however many HPAs ask for it.
        let mut seen: HashSet<(crate::model::ObjectId, String, String)> = HashSet::new();
        // LimitRanges by namespace, found once rather than by a scan of every object per HPA.
        let mut limit_ranges: HashMap<&str, Vec<&crate::model::Object>> = HashMap::new();
        for o in cx.index.objects.iter().filter(|o| o.kind == "LimitRange") {
            limit_ranges
                .entry(o.namespace.as_str())
                .or_default()
                .push(o);
        }
        for a in cx.index.autoscalers() {
            let hpa = a.object;
            let targets = utilization_targets(hpa);
            if targets.is_empty() {
                continue;
            }
            // Looked up by name, not by a scan of every workload per HPA (one name in 10,000
            // namespaces was 100 million comparisons).
            let Some(w) = cx.index.target_of(a) else {
                continue;
            };
            for t in &targets {
                check_target(out, &mut seen, &limit_ranges, (hpa, w), t);
            }
        }
    }
}

fn check_target(
    out: &mut Sink<'_>,
    seen: &mut HashSet<(crate::model::ObjectId, String, String)>,
    limit_ranges: &HashMap<&str, Vec<&crate::model::Object>>,
    (hpa, w): (&crate::model::Object, &Workload<'_>),
    t: &UtilizationTarget,
) {
    let r = t.resource.as_str();
    let ns = w.object.namespace.as_str();
    // A LimitRange in the namespace injects default requests at admission.
    if limit_ranges
        .get(ns)
        .into_iter()
        .flatten()
        .any(|o| limit_range_defaults_request(o, r))
    {
        return;
    }
    let containers: Vec<_> = w.containers().collect();
    if let Some(name) = &t.container {
        if !containers.iter().any(|c| &c.container.name == name) {
            let at = if hpa.kind == "ScaledObject" {
                t.path.clone().keys(&["metadata", "containerName"])
            } else {
                t.path.clone().key("container")
            };
            out.report(
                hpa,
                at,
                format!(
                    "{} measures container `{name}`, which the pods of {} do not have: the HPA controller reports `container {name} not found` and never scales",
                    hpa.describe(),
                    w.object.describe()
                ),
            )
            .related(w.object, &w.pod_spec_path().key("containers"), "its containers")
            .help(if hpa.kind == "ScaledObject" { "Name a container of the pod template in the trigger's `metadata.containerName`" } else { "Name a container of the pod template in `containerResource.container`" });
            return;
        }
    } else if pod_level_requests(w.pod_spec, r) {
        // Pod-level requests take precedence over container requests for `Resource` metrics.
        return;
    }
    let missing: Vec<_> = containers
        .iter()
        .filter(|c| t.container.as_ref().is_none_or(|n| &c.container.name == n))
        .filter(|c| !container_requests(c.container, r))
        .collect();
    let counted = containers
        .iter()
        .filter(|c| t.container.as_ref().is_none_or(|n| &c.container.name == n))
        .count();
    for c in missing {
        if !seen.insert((w.index, c.container.name.clone(), r.to_owned())) {
            continue;
        }
        let scope = if t.container.is_some() || counted == 1 {
            String::new()
        } else {
            format!(
                " (the HPA sums the requests of all {} of the pod, native sidecars included)",
                plural(counted, "container", "containers")
            )
        };
        out.report(
            w.object,
            c.name_path(),
            format!(
                "container `{}` of {} requests no {r}, but {} scales it on a {}: the HPA controller fails with `missing request for {r}` and never scales{scope}",
                c.container.name,
                w.object.describe(),
                hpa.describe(),
                describe_target(t)
            ),
        )
        .related(hpa, &t.path, "the Utilization target")
        .help(format!(
            "Set `resources.requests.{r}` on container `{}` (a limit alone also sets the request), or scale on an `AverageValue` target instead of `Utilization`",
            c.container.name
        ));
    }
}
