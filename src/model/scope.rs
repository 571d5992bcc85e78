//! Which built-in kinds are cluster-scoped: they live in no namespace, so `metadata.namespace`
//! is ignored for them and messages must not name one.

/// `(API group, kind)` of every built-in cluster-scoped kind: the k8s-openapi types whose
/// `Resource::Scope` is `ClusterResourceScope` (Kubernetes 1.37), plus kinds since removed
/// from the API that old manifests still carry (`PodSecurityPolicy`). Discovery-only kinds
/// (`APIGroup`, `APIResourceList`, …) are left out: they are never in a manifest.
pub const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "ComponentStatus"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("extensions", "PodSecurityPolicy"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("policy", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "DeviceTaintRule"),
    ("resource.k8s.io", "ResourcePoolStatusRequest"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Whether a built-in kind of this API group is cluster-scoped. Custom resources are taken
/// as namespaced: their scope is in a CRD kubeha may not have.
pub fn is_cluster_scoped(group: &str, kind: &str) -> bool {
    CLUSTER_SCOPED.binary_search(&(group, kind)).is_ok()
}

#[cfg(test)]
mod tests {
    use std::any::TypeId;

    use k8s_openapi::api::{
        admissionregistration::v1 as admission, apps::v1 as apps, coordination::v1 as coord,
        core::v1 as core, networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
        scheduling::v1 as sched, storage::v1 as storage,
    };
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as ext;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as agg;
    use k8s_openapi::{ClusterResourceScope, Resource};

    use super::*;

    /// The list and k8s-openapi's own `Resource::Scope` agree.
    fn agrees<T: Resource>() -> bool
    where
        T::Scope: 'static,
    {
        let cluster = TypeId::of::<T::Scope>() == TypeId::of::<ClusterResourceScope>();
        is_cluster_scoped(T::GROUP, T::KIND) == cluster
    }

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(CLUSTER_SCOPED.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_list_matches_k8s_openapi_scopes() {
        // Cluster-scoped.
        assert!(agrees::<core::Namespace>());
        assert!(agrees::<core::Node>());
        assert!(agrees::<core::PersistentVolume>());
        assert!(agrees::<rbac::ClusterRole>());
        assert!(agrees::<rbac::ClusterRoleBinding>());
        assert!(agrees::<ext::CustomResourceDefinition>());
        assert!(agrees::<storage::StorageClass>());
        assert!(agrees::<storage::CSIDriver>());
        assert!(agrees::<storage::CSINode>());
        assert!(agrees::<storage::VolumeAttachment>());
        assert!(agrees::<net::IngressClass>());
        assert!(agrees::<sched::PriorityClass>());
        assert!(agrees::<admission::ValidatingWebhookConfiguration>());
        assert!(agrees::<admission::MutatingWebhookConfiguration>());
        assert!(agrees::<agg::APIService>());
        assert!(agrees::<k8s_openapi::api::node::v1::RuntimeClass>());
        // Namespaced.
        assert!(agrees::<apps::Deployment>());
        assert!(agrees::<core::Service>());
        assert!(agrees::<core::PersistentVolumeClaim>());
        assert!(agrees::<rbac::Role>());
        assert!(agrees::<rbac::RoleBinding>());
        assert!(agrees::<policy::PodDisruptionBudget>());
        assert!(agrees::<coord::Lease>());
        assert!(agrees::<storage::CSIStorageCapacity>());
        assert!(agrees::<net::Ingress>());
        assert!(!is_cluster_scoped("example.com", "Widget"));
    }
}
