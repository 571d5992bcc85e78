//! `deprecated-api`: an apiVersion that the target Kubernetes version removed or deprecated.
//!
//! Works on the raw `apiVersion`/`kind`, before and independently of typed decoding: a removed
//! apiVersion does not decode at all.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::path;

pub(super) struct DeprecatedApi;

static META: RuleMeta = RuleMeta {
    name: "deprecated-api",
    group: Group::Manifest,
    severity: Severity::Warning,
    enabled: true,
    summary: "an apiVersion is removed or deprecated at the target Kubernetes version",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/deprecated-api.md"),
};

/// `(apiVersion, kind or "*", deprecated in, removed in, replacement apiVersion)`.
type Entry = (
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
    &'static str,
);

#[rustfmt::skip]
const TABLE: &[Entry] = &[
    ("extensions/v1beta1", "Deployment", (1, 9), (1, 16), "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", (1, 9), (1, 16), "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", (1, 9), (1, 16), "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy", (1, 9), (1, 16), "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy", (1, 10), (1, 16), "a Pod Security admission label (policy/v1beta1 is gone too)"),
    ("extensions/v1beta1", "Ingress", (1, 14), (1, 22), "networking.k8s.io/v1"),
    ("apps/v1beta1", "*", (1, 9), (1, 16), "apps/v1"),
    ("apps/v1beta2", "*", (1, 9), (1, 16), "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", (1, 19), (1, 22), "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass", (1, 19), (1, 22), "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "*", (1, 17), (1, 22), "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", "*", (1, 17), (1, 22), "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", (1, 16), (1, 22), "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", (1, 16), (1, 22), "admissionregistration.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", (1, 16), (1, 22), "admissionregistration.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", "APIService", (1, 19), (1, 22), "apiregistration.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", (1, 14), (1, 22), "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "PriorityClass", (1, 14), (1, 17), "scheduling.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease", (1, 14), (1, 22), "coordination.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver", (1, 19), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode", (1, 17), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass", (1, 6), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", (1, 13), (1, 22), "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", (1, 24), (1, 27), "storage.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", (1, 19), (1, 22), "certificates.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", (1, 21), (1, 25), "batch/v1"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", (1, 21), (1, 25), "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "Event", (1, 19), (1, 25), "events.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", (1, 22), (1, 25), "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", (1, 23), (1, 26), "autoscaling/v2"),
    ("policy/v1beta1", "PodDisruptionBudget", (1, 21), (1, 25), "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy", (1, 21), (1, 25), "Pod Security admission (namespace labels)"),
    ("node.k8s.io/v1beta1", "RuntimeClass", (1, 20), (1, 25), "node.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "*", (1, 23), (1, 26), "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "*", (1, 26), (1, 29), "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "*", (1, 29), (1, 32), "flowcontrol.apiserver.k8s.io/v1"),
];

/// `(apiVersion, kind)` pairs whose replacement reads the same object the same way: the
/// deprecation guide (kubernetes.io/docs/reference/using-api/deprecation-guide) says "No notable
/// changes" for each. `policy/v1beta1` PodDisruptionBudget is there too, but only when its
/// selector is not empty: `{}` selects no pods in v1beta1 and every pod in v1 (see
/// `model/pdb.rs`).
#[rustfmt::skip]
const SAME_SCHEMA: &[(&str, &str)] = &[
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    ("batch/v1beta1", "CronJob"),
    ("policy/v1beta1", "PodDisruptionBudget"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("coordination.k8s.io/v1beta1", "Lease"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("rbac.authorization.k8s.io/v1beta1", "*"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"),
];

/// The safe fix: the new apiVersion, when the schema did not change.
fn bump_fix(
    cx: &Context<'_>,
    o: &crate::model::Object,
    replacement: &str,
) -> Option<crate::finding::Fix> {
    let same = SAME_SCHEMA
        .iter()
        .any(|&(api, kind)| api == o.api_version && (kind == o.kind || kind == "*"));
    if !same || replacement.contains(' ') {
        return None;
    }
    if o.kind == "PodDisruptionBudget" {
        let pdb = crate::model::Pdb::of(o)?;
        if pdb.is_v1beta1_empty() {
            return None;
        }
    }
    let text = crate::edit::Editor::of(cx.files, o)?;
    let edit = text.set_scalar(o, &path!["apiVersion"], replacement)?;
    Some(crate::finding::Fix {
        title: format!("Use `{replacement}`"),
        applicability: crate::finding::Applicability::Safe,
        edits: vec![edit],
    })
}

fn lookup(api_version: &str, kind: &str) -> Option<&'static Entry> {
    TABLE
        .iter()
        .find(|e| e.0 == api_version && (e.1 == kind || e.1 == "*"))
}

impl Rule for DeprecatedApi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        let target = cx.kubernetes_version;
        for o in cx.objects {
            let Some(&(api, _, deprecated, removed, replacement)) = lookup(&o.api_version, &o.kind)
            else {
                continue;
            };
            // A removed version is no longer served: `kubectl apply` fails with "no matches
            // for kind". A deprecated one still works, with a warning from the API server.
            let (state, since, severity, consequence) = if target >= removed {
                (
                    "was removed in",
                    removed,
                    Severity::Error,
                    ": the API server does not serve it, so applying it fails",
                )
            } else if target >= deprecated {
                ("is deprecated since", deprecated, Severity::Warning, "")
            } else {
                continue;
            };
            let fix = bump_fix(cx, o, replacement);
            let mut reported = out.report(
                o,
                path!["apiVersion"],
                format!(
                    "`{api}` {} {state} Kubernetes {}.{} (target {}.{}){consequence}",
                    o.kind, since.0, since.1, target.0, target.1
                ),
            );
            reported.severity(severity).help(format!(
                "Use `{replacement}` (fields may differ: check the {} schema of the new version)",
                o.kind
            ));
            if let Some(fix) = fix {
                reported.fix(fix);
            }
        }
    }
}
