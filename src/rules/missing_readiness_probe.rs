//! `missing-readiness-probe`: a long-running container without a readiness probe.

use k8s_openapi::api::core::v1::{Container, Probe};

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;
use crate::model::ContainerKind;

pub struct MissingReadinessProbe;

static META: RuleMeta = RuleMeta {
    name: "missing-readiness-probe",
    group: Group::Probes,
    severity: Severity::Warning,
    enabled: true,
    summary: "a container of a long-running workload has no readinessProbe",
    options: &[],
    doc: include_str!("../../rules/missing-readiness-probe.md"),
};

impl Rule for MissingReadinessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        missing_probe(
            cx,
            out,
            "readiness",
            |c| c.readiness_probe.as_ref(),
            "Add a `readinessProbe` (httpGet, tcpSocket, grpc or exec) so Services only send traffic to pods that can serve it",
        );
    }
}

/// Reports every long-running container (sidecars included) for which `probe` is absent.
pub(super) fn missing_probe(
    cx: &Context<'_>,
    out: &mut Sink<'_>,
    which: &str,
    probe: fn(&Container) -> Option<&Probe>,
    help: &str,
) {
    for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
        for c in w.containers() {
            if probe(c.container).is_some() {
                continue;
            }
            let role = match c.kind {
                ContainerKind::Main => "container",
                ContainerKind::Sidecar => "sidecar container",
            };
            out.report(
                w.object,
                c.path,
                format!(
                    "{role} `{}` of {} has no {which} probe",
                    c.container.name,
                    w.object.describe()
                ),
            )
            .help(help);
        }
    }
}
