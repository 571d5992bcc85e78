//! `missing-priority-class`: a long-running workload without a priority class.

use super::{Context, Group, Rule, RuleMeta, Sink};
use crate::finding::Severity;

pub(super) struct MissingPriorityClass;

static META: RuleMeta = RuleMeta {
    name: "missing-priority-class",
    group: Group::Scheduling,
    severity: Severity::Info,
    enabled: false,
    summary: "a long-running workload sets no priorityClassName",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-priority-class.md"),
};

impl Rule for MissingPriorityClass {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        for w in cx.index.workloads.iter().filter(|w| w.is_long_running()) {
            if w.pod_spec.priority_class_name.is_some() {
                continue;
            }
            out.report(
                w.object,
                w.pod_spec_path(),
                format!("{} sets no priorityClassName: under node pressure its pods may be preempted first", w.object.describe()),
            )
            .help("Set `priorityClassName` to a PriorityClass that reflects how critical the service is");
        }
    }
}
