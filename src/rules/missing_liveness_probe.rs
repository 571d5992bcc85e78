//! `missing-liveness-probe`: a long-running container without a liveness probe.

use super::missing_readiness_probe::missing_probe;
use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub struct MissingLivenessProbe;

static META: RuleMeta = RuleMeta {
    name: "missing-liveness-probe",
    group: Group::Probes,
    severity: Severity::Info,
    enabled: true,
    summary: "a container of a long-running workload has no livenessProbe",
    options: &[],
    doc: include_str!("../../rules/missing-liveness-probe.md"),
};

impl Rule for MissingLivenessProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        missing_probe(
            cx,
            out,
            "liveness",
            |c| c.liveness_probe.as_ref(),
            "Add a `livenessProbe` so the kubelet restarts the container when it hangs; make it more tolerant than the readiness probe",
        );
    }
}
