//! What an HPA measures as a percentage of the pods' requests, after API defaulting.

use std::borrow::Cow;

use k8s_openapi::api::autoscaling;
use k8s_openapi::api::autoscaling::v2::HPAScalingRules;
use serde::Deserialize;
use serde_json::Value;

use super::{FieldPath, Object, Typed};

/// A `Utilization` target of an HPA: the HPA controller divides usage by the pods' requests
/// for `resource`, so every counted container must request it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationTarget {
    pub resource: String,
    /// `ContainerResource` metrics measure one container only.
    pub container: Option<String>,
    /// Where it is written; for a defaulted target, `spec`.
    pub path: FieldPath,
    /// Not written: the API's default (80% CPU).
    pub defaulted: bool,
}

const METRICS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/metrics";

/// Whether kubeha decodes HorizontalPodAutoscalers of this `apiVersion` into k8s-openapi
/// types (`autoscaling/v1`, `autoscaling/v2`). The removed `v2beta1` and `v2beta2` are read
/// from their raw value.
pub fn is_decoded_hpa_version(api_version: &str) -> bool {
    matches!(api_version, "autoscaling/v1" | "autoscaling/v2")
}

fn cpu_default() -> UtilizationTarget {
    UtilizationTarget {
        resource: "cpu".to_owned(),
        container: None,
        path: FieldPath::from_keys(&["spec"]),
        defaulted: true,
    }
}

/// The utilization targets of an autoscaler: a `HorizontalPodAutoscaler` of group
/// `autoscaling`, or a KEDA `ScaledObject` ([`keda_utilization_targets`]).
///
/// - `autoscaling/v1`: `targetCPUUtilizationPercentage`; when it is absent (and no metrics are
///   carried in the `autoscaling.alpha.kubernetes.io/metrics` annotation) conversion defaults
///   it to 80% CPU.
/// - `autoscaling/v2` and `v2beta2`: `metrics[]` of type `Resource` / `ContainerResource` with
///   `target.type: Utilization`; `v2beta1`: `targetAverageUtilization`. No metrics at all
///   defaults to 80% CPU (pkg/apis/autoscaling/v2/defaults.go).
pub fn utilization_targets(o: &Object) -> Vec<UtilizationTarget> {
    match &o.typed {
        Typed::HorizontalPodAutoscalerV1(h) => v1_targets(h),
        Typed::HorizontalPodAutoscaler(h) => v2_targets(h),
        _ if o.kind == "ScaledObject" && o.group() == "keda.sh" => keda_utilization_targets(&o.raw),
        _ if o.kind == "HorizontalPodAutoscaler"
            && o.group() == "autoscaling"
            && !is_decoded_hpa_version(&o.api_version) =>
        {
            removed_version_targets(&o.api_version, &o.raw)
        }
        // Not an autoscaler, or one that failed to decode (`invalid-object`).
        _ => Vec::new(),
    }
}

fn v1_targets(h: &autoscaling::v1::HorizontalPodAutoscaler) -> Vec<UtilizationTarget> {
    let written = h.spec.target_cpu_utilization_percentage;
    if written.is_some() {
        return vec![UtilizationTarget {
            resource: "cpu".to_owned(),
            container: None,
            path: FieldPath::from_keys(&["spec", "targetCPUUtilizationPercentage"]),
            defaulted: false,
        }];
    }
    let annotated = h
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(METRICS_ANNOTATION));
    if annotated {
        Vec::new()
    } else {
        vec![cpu_default()]
    }
}

fn v2_targets(h: &autoscaling::v2::HorizontalPodAutoscaler) -> Vec<UtilizationTarget> {
    let metrics = h.spec.metrics.as_deref();
    let Some(metrics) = metrics.filter(|m| !m.is_empty()) else {
        return vec![cpu_default()];
    };
    let mut out = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let (key, resource, container, target) = match m.type_.as_str() {
            "Resource" => {
                let Some(r) = &m.resource else { continue };
                ("resource", &r.name, None, &r.target)
            }
            "ContainerResource" => {
                let Some(r) = &m.container_resource else {
                    continue;
                };
                ("containerResource", &r.name, Some(&r.container), &r.target)
            }
            _ => continue,
        };
        // k8s-openapi reads a missing required field as empty: such a metric names nothing.
        if target.type_ != "Utilization"
            || resource.is_empty()
            || container.is_some_and(String::is_empty)
        {
            continue;
        }
        out.push(UtilizationTarget {
            resource: resource.clone(),
            container: container.cloned(),
            path: FieldPath::from_keys(&["spec", "metrics"]).index(i).key(key),
            defaulted: false,
        });
    }
    out
}

/// [`utilization_targets`] of a removed `apiVersion` (`v2beta1`, `v2beta2`; any other but
/// `v1` and `v2`), from the raw value.
fn removed_version_targets(api_version: &str, raw: &Value) -> Vec<UtilizationTarget> {
    let metrics = raw
        .get("spec")
        .and_then(|s| s.get("metrics"))
        .and_then(Value::as_array);
    let Some(metrics) = metrics.filter(|m| !m.is_empty()) else {
        return vec![cpu_default()];
    };
    let v2beta1 = api_version == "autoscaling/v2beta1";
    let mut out = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let (key, per_container) = match m.get("type").and_then(Value::as_str) {
            Some("Resource") => ("resource", false),
            Some("ContainerResource") => ("containerResource", true),
            _ => continue,
        };
        let Some(source) = m.get(key) else { continue };
        let utilization = if v2beta1 {
            source.get("targetAverageUtilization").is_some()
        } else {
            source.pointer("/target/type").and_then(Value::as_str) == Some("Utilization")
        };
        let Some(resource) = source.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !utilization {
            continue;
        }
        let container = if per_container {
            match source.get("container").and_then(Value::as_str) {
                Some(c) => Some(c.to_owned()),
                None => continue,
            }
        } else {
            None
        };
        out.push(UtilizationTarget {
            resource: resource.to_owned(),
            container,
            path: FieldPath::from_keys(&["spec", "metrics"]).index(i).key(key),
            defaulted: false,
        });
    }
    out
}

/// The utilization triggers of a KEDA `ScaledObject` (keda.sh): `type: cpu` or `memory` with
/// `metricType: Utilization` (or the deprecated `metadata.type: Utilization`), optionally for one
/// container (`metadata.containerName`). KEDA turns each into a `Resource` (or
/// `ContainerResource`) metric of the HPA it creates, which then needs the same requests
/// (<https://keda.sh/docs/2.16/scalers/cpu/>: "the error missing request for {cpu/memory}
/// occurs").
fn keda_utilization_targets(raw: &Value) -> Vec<UtilizationTarget> {
    let triggers = raw.pointer("/spec/triggers").and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, t) in triggers.into_iter().flatten().enumerate() {
        let Some(resource @ ("cpu" | "memory")) = t.get("type").and_then(Value::as_str) else {
            continue;
        };
        let metadata = t.get("metadata");
        let metric_type = t
            .get("metricType")
            .and_then(Value::as_str)
            .or_else(|| metadata?.get("type")?.as_str());
        if metric_type != Some("Utilization") {
            continue;
        }
        let container = metadata
            .and_then(|m| m.get("containerName"))
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        out.push(UtilizationTarget {
            resource: resource.to_owned(),
            container,
            path: FieldPath::from_keys(&["spec", "triggers"]).index(i),
            defaulted: false,
        });
    }
    out
}

/// The `scaleDown` rules of an autoscaler's `behavior`, with where they are written:
/// `spec.behavior.scaleDown` of an `autoscaling/v2` (or `v2beta2`) HPA, or
/// `spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown` of a KEDA ScaledObject,
/// which KEDA copies into the HPA it creates (its Go type is autoscaling/v2's
/// `HorizontalPodAutoscalerBehavior`, kedacore/keda apis/keda/v1alpha1). Those two are not
/// decoded with the object (a removed version, a custom resource): their `scaleDown` is read
/// into the same type here, and one that does not fit it gives None.
pub fn scale_down_rules(o: &Object) -> Option<(FieldPath, Cow<'_, HPAScalingRules>)> {
    if let Typed::HorizontalPodAutoscaler(h) = &o.typed {
        let rules = h.spec.behavior.as_ref()?.scale_down.as_ref()?;
        return Some((
            FieldPath::from_keys(&["spec", "behavior", "scaleDown"]),
            Cow::Borrowed(rules),
        ));
    }
    let at = match (o.kind.as_str(), o.api_version.as_str()) {
        ("HorizontalPodAutoscaler", "autoscaling/v2beta2") => {
            FieldPath::from_keys(&["spec", "behavior", "scaleDown"])
        }
        ("ScaledObject", _) if o.group() == "keda.sh" => FieldPath::from_keys(&[
            "spec",
            "advanced",
            "horizontalPodAutoscalerConfig",
            "behavior",
            "scaleDown",
        ]),
        _ => return None,
    };
    let rules = HPAScalingRules::deserialize(o.get(&at)?).ok()?;
    Some((at, Cow::Owned(rules)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_object;
    use serde_json::json;

    /// An autoscaler of `apiVersion` targeting Deployment `web`, with `spec` merged in.
    fn hpa(api_version: &str, spec: Value, metadata: Value) -> Object {
        let mut full = json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "maxReplicas": 5
        });
        if let (Some(full), Value::Object(extra)) = (full.as_object_mut(), spec) {
            full.extend(extra);
        }
        let mut meta = json!({"name": "web"});
        if let (Some(meta), Value::Object(extra)) = (meta.as_object_mut(), metadata) {
            meta.extend(extra);
        }
        test_object(json!({
            "apiVersion": api_version, "kind": "HorizontalPodAutoscaler",
            "metadata": meta, "spec": full
        }))
    }

    fn targets(api_version: &str, spec: Value) -> Vec<UtilizationTarget> {
        utilization_targets(&hpa(api_version, spec, json!({})))
    }

    #[test]
    fn v1_defaults_to_cpu() {
        let o = hpa("autoscaling/v1", json!({}), json!({}));
        assert!(matches!(o.typed, Typed::HorizontalPodAutoscalerV1(_)));
        let t = utilization_targets(&o);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].resource, "cpu");
        assert!(t[0].defaulted);
        let t = targets(
            "autoscaling/v1",
            json!({"targetCPUUtilizationPercentage": 50}),
        );
        assert!(!t[0].defaulted);
        let annotated = hpa(
            "autoscaling/v1",
            json!({}),
            json!({"annotations": {METRICS_ANNOTATION: "[]"}}),
        );
        assert!(utilization_targets(&annotated).is_empty());
    }

    #[test]
    fn v2_reads_utilization_only() {
        let spec = json!({"metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization", "averageUtilization": 70}}},
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": "500m"}}},
            {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "app", "target": {"type": "Utilization"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1"}}}
        ]});
        let o = hpa("autoscaling/v2", spec.clone(), json!({}));
        assert!(matches!(o.typed, Typed::HorizontalPodAutoscaler(_)));
        // v2beta2 has the same fields, read from the raw value: the same targets.
        for api_version in ["autoscaling/v2", "autoscaling/v2beta2"] {
            let t = targets(api_version, spec.clone());
            assert_eq!(t.len(), 2, "{api_version}");
            assert_eq!(t[0].resource, "memory");
            assert_eq!(t[0].container, None);
            assert_eq!(t[1].container.as_deref(), Some("app"));
            assert_eq!(
                t[1].path,
                FieldPath::from_keys(&["spec", "metrics"])
                    .index(2)
                    .key("containerResource")
            );
        }
    }

    #[test]
    fn v2_without_metrics_defaults_to_cpu() {
        for api_version in ["autoscaling/v2", "autoscaling/v2beta2"] {
            let t = targets(api_version, json!({"metrics": []}));
            assert!(t[0].defaulted, "{api_version}");
            assert!(targets(api_version, json!({}))[0].defaulted);
            let only_pods = json!({"metrics": [{"type": "Pods", "pods": {
                "metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1"}
            }}]});
            assert!(targets(api_version, only_pods).is_empty());
        }
    }

    #[test]
    fn an_hpa_that_does_not_decode_has_no_targets() {
        // `invalid-object` reports it; the API server would not create it.
        let o = hpa("autoscaling/v2", json!({"maxReplicas": "five"}), json!({}));
        assert!(matches!(o.typed, Typed::Generic));
        assert!(utilization_targets(&o).is_empty());
    }

    #[test]
    fn keda_cpu_and_memory_utilization_triggers() {
        let raw = json!({"spec": {"triggers": [
            {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "60"}},
            {"type": "memory", "metadata": {"type": "Utilization", "value": "70", "containerName": "app"}},
            {"type": "cpu", "metricType": "AverageValue", "metadata": {"value": "500m"}},
            {"type": "memory", "metadata": {"value": "70"}},
            {"type": "prometheus", "metricType": "Utilization"},
            "not a mapping"
        ]}});
        let t = keda_utilization_targets(&raw);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].resource.as_str(), t[0].container.as_deref()),
            ("cpu", None)
        );
        assert_eq!(
            (t[1].resource.as_str(), t[1].container.as_deref()),
            ("memory", Some("app"))
        );
        assert!(keda_utilization_targets(&json!({"spec": {"triggers": {}}})).is_empty());
        let mut scaled = raw;
        if let Some(map) = scaled.as_object_mut() {
            map.insert("apiVersion".to_owned(), json!("keda.sh/v1alpha1"));
            map.insert("kind".to_owned(), json!("ScaledObject"));
        }
        assert_eq!(utilization_targets(&test_object(scaled)).len(), 2);
    }

    #[test]
    fn v2beta1_target_average_utilization() {
        let t = targets(
            "autoscaling/v2beta1",
            json!({"metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 60}},
                {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "1Gi"}}
            ]}),
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].resource, "cpu");
    }

    #[test]
    fn scale_down_rules_of_v2_v2beta2_and_keda() {
        let behavior = json!({"behavior": {"scaleDown": {"stabilizationWindowSeconds": 0}}});
        for api_version in ["autoscaling/v2", "autoscaling/v2beta2"] {
            let o = hpa(api_version, behavior.clone(), json!({}));
            let (at, rules) = scale_down_rules(&o).unwrap();
            assert_eq!(at, FieldPath::from_keys(&["spec", "behavior", "scaleDown"]));
            assert_eq!(rules.stabilization_window_seconds, Some(0), "{api_version}");
        }
        // v1 and v2beta1 have no `behavior`.
        assert!(scale_down_rules(&hpa("autoscaling/v2beta1", behavior, json!({}))).is_none());
        let keda = test_object(json!({
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web"},
            "spec": {"advanced": {"horizontalPodAutoscalerConfig": {"behavior": {
                "scaleDown": {"stabilizationWindowSeconds": 5, "selectPolicy": "Min"}
            }}}}
        }));
        let (at, rules) = scale_down_rules(&keda).unwrap();
        assert_eq!(at.0.len(), 5);
        assert_eq!(rules.select_policy.as_deref(), Some("Min"));
        let unfit = test_object(json!({
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "web"},
            "spec": {"advanced": {"horizontalPodAutoscalerConfig": {"behavior": {
                "scaleDown": {"stabilizationWindowSeconds": "0"}
            }}}}
        }));
        assert!(scale_down_rules(&unfit).is_none());
    }
}
