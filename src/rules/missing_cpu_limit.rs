//! `missing-cpu-limit`: a container without a cpu limit (contested advice, off by default).

use super::{Context, Group, Rule, RuleMeta, Sink, missing_limit};
use crate::finding::Severity;

pub(super) struct MissingCpuLimit;

static META: RuleMeta = RuleMeta {
    name: "missing-cpu-limit",
    group: Group::Resources,
    severity: Severity::Info,
    enabled: false,
    summary: "a container lacks a cpu limit (contested advice, so off by default)",
    options: super::OptionsType::NONE,
    doc: include_str!("../../rules/missing-cpu-limit.md"),
};

impl Rule for MissingCpuLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Sink<'_>) {
        missing_limit(
            cx,
            out,
            "cpu",
            "one busy container can starve its neighbours on the node",
        );
    }
}
