//! Pods that an operator creates from a custom resource: no pod template in the manifests, but
//! known labels and a known count. Selector-matching rules (Services, PodDisruptionBudgets)
//! count them as pods; rules that read a pod spec do not see them (the resource has none).
//!
//! Prometheus Operator (`monitoring.coreos.com`), from prometheus-operator/prometheus-operator:
//! each `Prometheus`, `PrometheusAgent`, `Alertmanager` and `ThanosRuler` becomes a StatefulSet
//! (a DaemonSet for `PrometheusAgent` in `mode: DaemonSet`) whose pods carry
//! `spec.podMetadata.labels`, then the operator's selector labels on top
//! (`makeSelectorLabels` in pkg/prometheus/server/operator.go, pkg/prometheus/agent/operator.go,
//! pkg/alertmanager/operator.go, pkg/thanos/operator.go; merged in the `statefulset.go` files),
//! plus `app.kubernetes.io/version`.

use serde_json::Value;

use super::selector::{Labels, Selector};
use super::{FieldPath, Object};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    Prometheus,
    PrometheusAgent,
    Alertmanager,
    ThanosRuler,
}

/// The pods of one operator custom resource.
#[derive(Debug, Clone)]
pub struct OperatedPods<'a> {
    pub object: &'a Object,
    pub kind: OperatorKind,
    /// The labels every pod carries.
    pub labels: Labels,
    /// How many pods run (`replicas` × `shards`); `None` when the operator runs a DaemonSet.
    pub pods: Option<i32>,
    /// Name prefix of the StatefulSets' pods (`prometheus-k8s`), for `statefulset.kubernetes.io/pod-name`.
    pod_prefix: String,
    /// `spec.shards`, at least 1.
    shards: i32,
}

const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
const NAME: &str = "app.kubernetes.io/name";
const INSTANCE: &str = "app.kubernetes.io/instance";
const VERSION: &str = "app.kubernetes.io/version";
const PROM_NAME: &str = "operator.prometheus.io/name";
const SHARD: &str = "operator.prometheus.io/shard";

fn int(spec: Option<&Value>, key: &str) -> Option<i32> {
    spec?.get(key)?.as_i64().and_then(|v| i32::try_from(v).ok())
}

impl<'a> OperatedPods<'a> {
    /// The pods `object` makes an operator create, if kubeha knows its kind.
    pub fn of(object: &'a Object) -> Option<Self> {
        if object.group() != "monitoring.coreos.com" {
            return None;
        }
        let kind = match object.kind.as_str() {
            "Prometheus" => OperatorKind::Prometheus,
            "PrometheusAgent" => OperatorKind::PrometheusAgent,
            "Alertmanager" => OperatorKind::Alertmanager,
            "ThanosRuler" => OperatorKind::ThanosRuler,
            _ => return None,
        };
        let name = object.name.as_str();
        let spec = object.raw.get("spec");
        let (app, prefix, own) = match kind {
            OperatorKind::Prometheus => ("prometheus", "prometheus", Some("prometheus")),
            OperatorKind::PrometheusAgent => ("prometheus-agent", "prom-agent", None),
            OperatorKind::Alertmanager => ("alertmanager", "alertmanager", Some("alertmanager")),
            OperatorKind::ThanosRuler => ("thanos-ruler", "thanos-ruler", Some("thanos-ruler")),
        };
        let mut labels = Labels::new();
        // The version label comes first and `podMetadata` may override it, except for
        // ThanosRuler, which sets it last (pkg/thanos/statefulset.go).
        let version = spec
            .and_then(|s| s.get("version"))
            .and_then(Value::as_str)
            .map(|v| v.strip_prefix('v').unwrap_or(v).to_owned());
        if kind != OperatorKind::ThanosRuler {
            labels.extend(version.clone().map(|v| (VERSION.to_owned(), v)));
        }
        if let Some(map) = spec
            .and_then(|s| s.pointer("/podMetadata/labels"))
            .and_then(Value::as_object)
        {
            for (k, v) in map {
                if let Some(v) = v.as_str() {
                    labels.insert(k.clone(), v.to_owned());
                }
            }
        }
        for (k, v) in [
            (MANAGED_BY, "prometheus-operator"),
            (NAME, app),
            (INSTANCE, name),
        ] {
            labels.insert(k.to_owned(), v.to_owned());
        }
        if let Some(own) = own {
            labels.insert(own.to_owned(), name.to_owned());
        }
        if matches!(
            kind,
            OperatorKind::Prometheus | OperatorKind::PrometheusAgent
        ) {
            labels.insert(PROM_NAME.to_owned(), name.to_owned());
        }
        if kind == OperatorKind::ThanosRuler {
            labels.extend(version.map(|v| (VERSION.to_owned(), v)));
        }
        let sharded = matches!(
            kind,
            OperatorKind::Prometheus | OperatorKind::PrometheusAgent
        );
        let shards = if sharded {
            int(spec, "shards").unwrap_or(1).max(1)
        } else {
            1
        };
        // Defaults: ReplicasNumberPtr (pkg/prometheus/common.go: unset or negative → 1),
        // Alertmanager (unset → 1, negative → 0), ThanosRuler (unset → the StatefulSet's 1).
        let replicas = match (kind, int(spec, "replicas")) {
            (OperatorKind::Alertmanager, Some(n)) => n.max(0),
            (_, Some(n)) if n >= 0 => n,
            _ => 1,
        };
        let daemonset = kind == OperatorKind::PrometheusAgent
            && spec.and_then(|s| s.get("mode")).and_then(Value::as_str) == Some("DaemonSet");
        Some(OperatedPods {
            object,
            kind,
            labels,
            pods: (!daemonset).then(|| replicas.saturating_mul(shards)),
            pod_prefix: format!("{prefix}-{name}"),
            shards,
        })
    }

    /// `spec.replicas`, whether written or not.
    pub fn replicas_path() -> FieldPath {
        FieldPath::from_keys(&["spec", "replicas"])
    }

    /// Whether `selector` picks these pods, counting the labels the operator and the
    /// StatefulSet controller add with values the manifest does not tell.
    pub fn is_selected_by(&self, selector: Selector<'_>) -> bool {
        super::selector::matches_with_open_labels(selector, &self.labels, |k, v| {
            self.open_label(k, v)
        })
    }

    fn open_label(&self, key: &str, value: &str) -> bool {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let daemonset = self.pods.is_none();
        match key {
            // The operator's own version when `spec.version` does not say; the StatefulSet
            // (or DaemonSet) revision.
            VERSION | "controller-revision-hash" => true,
            SHARD => {
                matches!(
                    self.kind,
                    OperatorKind::Prometheus | OperatorKind::PrometheusAgent
                ) && value
                    .parse::<i32>()
                    .is_ok_and(|n| (0..self.shards).contains(&n))
            }
            "pod-template-generation" => daemonset,
            "statefulset.kubernetes.io/pod-name" => {
                !daemonset
                    && value
                        .strip_prefix(self.pod_prefix.as_str())
                        .and_then(|rest| rest.strip_prefix('-'))
                        .is_some_and(|rest| {
                            let ordinal = rest
                                .strip_prefix("shard-")
                                .and_then(|r| r.split_once('-'))
                                .filter(|(shard, _)| digits(shard))
                                .map_or(rest, |(_, ordinal)| ordinal);
                            digits(ordinal)
                        })
            }
            "apps.kubernetes.io/pod-index" => !daemonset && digits(value),
            _ => false,
        }
    }
}

/// Custom resource kinds known to create no pods of their own: configuration that an operator
/// or a mesh reads. Any other custom resource may make its operator create pods.
const NO_PODS: &[(&str, &[&str])] = &[
    (
        "monitoring.coreos.com",
        &[
            "ServiceMonitor",
            "PodMonitor",
            "Probe",
            "PrometheusRule",
            "AlertmanagerConfig",
            "ScrapeConfig",
        ],
    ),
    (
        "cert-manager.io",
        &[
            "Certificate",
            "CertificateRequest",
            "Issuer",
            "ClusterIssuer",
        ],
    ),
    (
        "networking.istio.io",
        &[
            "VirtualService",
            "DestinationRule",
            "Gateway",
            "ServiceEntry",
            "Sidecar",
            "EnvoyFilter",
            "ProxyConfig",
        ],
    ),
    (
        "security.istio.io",
        &[
            "AuthorizationPolicy",
            "PeerAuthentication",
            "RequestAuthentication",
        ],
    ),
    ("telemetry.istio.io", &["Telemetry"]),
    (
        "gateway.networking.k8s.io",
        &[
            "GatewayClass",
            "HTTPRoute",
            "GRPCRoute",
            "TCPRoute",
            "TLSRoute",
            "UDPRoute",
            "ReferenceGrant",
            "BackendTLSPolicy",
        ],
    ),
    (
        "argoproj.io",
        &["Application", "AppProject", "ApplicationSet"],
    ),
    (
        "keda.sh",
        &[
            "ScaledObject",
            "TriggerAuthentication",
            "ClusterTriggerAuthentication",
        ],
    ),
    ("autoscaling.k8s.io", &["VerticalPodAutoscaler"]),
    ("templates.gatekeeper.sh", &["ConstraintTemplate"]),
    ("config.gatekeeper.sh", &["Config"]),
];

/// A custom resource whose kind kubeha does not know: its operator may create pods that no
/// manifest shows. Built-in kinds (core, `apps`, `*.k8s.io` except `*.x-k8s.io` and the
/// Gateway API), CustomResourceDefinitions, operator resources modelled by [`OperatedPods`],
/// duck-typed workloads (they have a pod template) and the kinds in `NO_PODS` are known.
pub fn is_unknown_custom_resource(o: &Object) -> bool {
    let group = o.group();
    let builtin = !group.contains('.')
        || (group.ends_with(".k8s.io")
            && !group.ends_with(".x-k8s.io")
            && group != "gateway.networking.k8s.io");
    // Gatekeeper constraints: one kind per ConstraintTemplate, all in this group.
    if builtin || group == "constraints.gatekeeper.sh" {
        return false;
    }
    if matches!(o.typed, super::Typed::Duck(_)) || OperatedPods::of(o).is_some() {
        return false;
    }
    !NO_PODS
        .iter()
        .any(|(g, kinds)| *g == group && kinds.contains(&o.kind.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_object;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

    use crate::model::selector::tests::labels;

    fn cr(kind: &str, spec: &Value) -> Object {
        test_object(serde_json::json!({
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": kind,
            "metadata": {"name": "k8s", "namespace": "monitoring"},
            "spec": spec,
        }))
    }

    #[test]
    fn prometheus_pods_carry_pod_metadata_and_operator_labels() {
        let o = cr(
            "Prometheus",
            &serde_json::json!({
                "replicas": 2,
                "version": "v3.1.0",
                "podMetadata": {"labels": {"app.kubernetes.io/part-of": "kp", "prometheus": "mine"}},
            }),
        );
        let p = OperatedPods::of(&o).unwrap();
        assert_eq!(p.kind, OperatorKind::Prometheus);
        assert_eq!(p.pods, Some(2));
        assert_eq!(
            p.labels,
            labels(&[
                ("app.kubernetes.io/instance", "k8s"),
                ("app.kubernetes.io/managed-by", "prometheus-operator"),
                ("app.kubernetes.io/name", "prometheus"),
                ("app.kubernetes.io/part-of", "kp"),
                ("app.kubernetes.io/version", "3.1.0"),
                ("operator.prometheus.io/name", "k8s"),
                // The operator's selector label wins over podMetadata.
                ("prometheus", "k8s"),
            ])
        );
    }

    #[test]
    fn replica_defaults_and_shards() {
        let count = |kind: &str, spec: Value| OperatedPods::of(&cr(kind, &spec)).unwrap().pods;
        assert_eq!(count("Prometheus", serde_json::json!({})), Some(1));
        assert_eq!(
            count("Prometheus", serde_json::json!({"replicas": -3})),
            Some(1)
        );
        assert_eq!(
            count(
                "Prometheus",
                serde_json::json!({"replicas": 2, "shards": 3})
            ),
            Some(6)
        );
        assert_eq!(count("Alertmanager", serde_json::json!({})), Some(1));
        assert_eq!(
            count("Alertmanager", serde_json::json!({"replicas": -1})),
            Some(0)
        );
        assert_eq!(
            count(
                "Alertmanager",
                serde_json::json!({"replicas": 3, "shards": 3})
            ),
            Some(3)
        );
        assert_eq!(count("ThanosRuler", serde_json::json!({})), Some(1));
        assert_eq!(
            count("PrometheusAgent", serde_json::json!({"mode": "DaemonSet"})),
            None
        );
        assert!(OperatedPods::of(&cr("ServiceMonitor", &serde_json::json!({}))).is_none());
    }

    #[test]
    fn alertmanager_and_thanos_labels() {
        let am = cr("Alertmanager", &serde_json::json!({}));
        let am = OperatedPods::of(&am).unwrap();
        assert_eq!(
            am.labels.get("alertmanager").map(String::as_str),
            Some("k8s")
        );
        assert!(!am.labels.contains_key("operator.prometheus.io/name"));
        let tr = cr(
            "ThanosRuler",
            &serde_json::json!({"version": "0.37.0", "podMetadata": {"labels": {"app.kubernetes.io/version": "x"}}}),
        );
        let tr = OperatedPods::of(&tr).unwrap();
        assert_eq!(
            tr.labels.get("thanos-ruler").map(String::as_str),
            Some("k8s")
        );
        assert_eq!(
            tr.labels
                .get("app.kubernetes.io/version")
                .map(String::as_str),
            Some("0.37.0")
        );
    }

    #[test]
    fn selectors_match_operator_and_controller_labels() {
        let o = cr("Prometheus", &serde_json::json!({"shards": 2}));
        let p = OperatedPods::of(&o).unwrap();
        let svc = labels(&[
            ("app.kubernetes.io/name", "prometheus"),
            ("prometheus", "k8s"),
        ]);
        assert!(p.is_selected_by(Selector::Map(&svc)));
        let other = labels(&[("prometheus", "other")]);
        assert!(!p.is_selected_by(Selector::Map(&other)));
        let one_pod = labels(&[(
            "statefulset.kubernetes.io/pod-name",
            "prometheus-k8s-shard-1-0",
        )]);
        assert!(p.is_selected_by(Selector::Map(&one_pod)));
        let one_pod = labels(&[("statefulset.kubernetes.io/pod-name", "prometheus-k8s-1")]);
        assert!(p.is_selected_by(Selector::Map(&one_pod)));
        let wrong = labels(&[("statefulset.kubernetes.io/pod-name", "alertmanager-k8s-0")]);
        assert!(!p.is_selected_by(Selector::Map(&wrong)));
        let shard = labels(&[("operator.prometheus.io/shard", "1")]);
        assert!(p.is_selected_by(Selector::Map(&shard)));
        let shard = labels(&[("operator.prometheus.io/shard", "2")]);
        assert!(!p.is_selected_by(Selector::Map(&shard)));
        let version = LabelSelector {
            match_labels: Some(labels(&[("app.kubernetes.io/version", "3.0.0")])),
            match_expressions: None,
        };
        assert!(p.is_selected_by(Selector::Label(&version)));
        assert!(!p.is_selected_by(Selector::Null));
    }

    #[test]
    fn unknown_custom_resources() {
        let obj = |api: &str, kind: &str| {
            test_object(
                serde_json::json!({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}),
            )
        };
        assert!(is_unknown_custom_resource(&obj(
            "ceph.rook.io/v1",
            "CephCluster"
        )));
        assert!(is_unknown_custom_resource(&obj(
            "cluster.x-k8s.io/v1beta1",
            "Machine"
        )));
        assert!(is_unknown_custom_resource(&obj(
            "gateway.networking.k8s.io/v1",
            "Gateway"
        )));
        assert!(!is_unknown_custom_resource(&obj(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute"
        )));
        assert!(!is_unknown_custom_resource(&obj("v1", "ConfigMap")));
        assert!(!is_unknown_custom_resource(&obj("apps/v1", "Deployment")));
        assert!(!is_unknown_custom_resource(&obj(
            "policy/v1beta1",
            "PodSecurityPolicy"
        )));
        assert!(!is_unknown_custom_resource(&obj(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition"
        )));
        assert!(!is_unknown_custom_resource(&obj(
            "monitoring.coreos.com/v1",
            "ServiceMonitor"
        )));
        assert!(!is_unknown_custom_resource(&obj(
            "monitoring.coreos.com/v1",
            "Prometheus"
        )));
        assert!(!is_unknown_custom_resource(&obj(
            "constraints.gatekeeper.sh/v1beta1",
            "K8sRequiredLabels"
        )));
        let rollout = test_object(serde_json::json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}},
        }));
        assert!(!is_unknown_custom_resource(&rollout));
    }
}
